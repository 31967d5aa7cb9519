package shop;

/** An order as the shop's clients submit it: bound from the task's JSON body. */
public record Order(String item, int quantity) {}

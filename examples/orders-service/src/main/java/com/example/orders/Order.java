package com.example.orders;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * An order as clients submit it to {@code POST /v1/queues/orders/tasks}. Levee binds the task's JSON body to it.
 *
 * @param customer who ordered
 * @param sku the article
 * @param quantity how many, at least 1
 * @param unitPrice price of one, not negative
 */
public record Order(String customer, String sku, int quantity, BigDecimal unitPrice) {

    /** What is wrong with this order, empty when nothing is. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (customer == null || customer.isBlank()) {
            problems.add("customer is missing");
        }
        if (sku == null || sku.isBlank()) {
            problems.add("sku is missing");
        }
        if (quantity < 1) {
            problems.add("quantity is " + quantity + ", must be at least 1");
        }
        if (unitPrice == null || unitPrice.signum() < 0) {
            problems.add("unitPrice is " + unitPrice + ", must be 0 or more");
        }
        return problems;
    }
}

package io.levee.limits;

/**
 * Where a paced caller takes its permits: a bucket of this replica ({@link LocalBudget}), or one budget that every
 * replica shares. Permits come evenly spaced at the budget's rate, never in a burst.
 */
public interface PermitBudget {

    /**
     * Takes one permit if one is free.
     *
     * @return 0 when the permit was taken, else how many nanoseconds until one may be free
     */
    long tryTake();

    /** Permits per second from now on. */
    void rate(double perSecond);

    /** How the budget is kept right now: {@code local}, {@code shared}, or {@code fallback} (shared, unreachable). */
    String mode();
}

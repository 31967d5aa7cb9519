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

    /**
     * Takes the next permit that is free within {@code maxWaitNanos}, reserving it if it is not free yet, so that a
     * caller who wakes a little late for its turn still gets it and no other caller can take it meanwhile.
     *
     * @return {@code >= 0}: the permit is the caller's, to be used after that many nanoseconds; {@code < 0}: none was
     *     taken, ask again in {@code -result} nanoseconds (more than {@code maxWaitNanos} when none is free in time)
     */
    default long reserve(long maxWaitNanos) {
        long wait = tryTake();
        return wait == 0 ? 0 : -wait;
    }

    /** Permits per second from now on. */
    void rate(double perSecond);

    /** How the budget is kept right now: {@code local}, {@code shared}, or {@code fallback} (shared, unreachable). */
    String mode();
}

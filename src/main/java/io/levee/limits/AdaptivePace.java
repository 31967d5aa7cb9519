package io.levee.limits;

import io.helidon.faulttolerance.CircuitBreaker;
import io.helidon.faulttolerance.CircuitBreakerOpenException;
import io.levee.config.AdaptiveSettings;
import io.levee.config.CircuitSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Paces the requests to one downstream by its health. Each request waits, in this order, for
 *
 * <ol>
 *   <li>the end of a {@code Retry-After} the downstream asked for;
 *   <li>the circuit (Helidon Fault Tolerance's {@link CircuitBreaker}, MicroProfile {@code @CircuitBreaker}
 *       semantics) to let it through: while it is open nothing is sent, the request just waits, so a task spends no
 *       attempt on a downstream known to be failing;
 *   <li>a permit from the {@link PermitBudget}, whose rate an {@link AimdRate} sets from the latencies and throttling
 *       answers seen.
 * </ol>
 *
 * A request that gets no turn within {@code maxWait} fails with {@link RateLimitException}, which sends a task back
 * to its queue without using an attempt.
 */
public final class AdaptivePace {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(AdaptivePace.class.getName());

    private static final long MIN_POLL_NANOS = 100_000;
    private static final long CIRCUIT_POLL_NANOS = 20_000_000;

    /**
     * What {@code GET /v1/queues/{queue}} shows of a queue's delivery.
     *
     * @param rate           requests/s now
     * @param maxRate        the ceiling (configured {@code max-rate}, or an operator's)
     * @param circuit        {@code closed}, {@code open} or {@code half-open}
     * @param cuts           how often the rate was cut
     * @param circuitOpened  how often the circuit opened
     * @param budget         {@code local}, {@code shared} or {@code fallback}
     */
    public record State(double rate, double maxRate, String circuit, long cuts, long circuitOpened, String budget) {}

    private final String name;
    private final AimdRate aimd;
    private final Optional<CircuitBreaker> breaker;
    private final PermitBudget budget;
    private final Predicate<Throwable> failure;
    private final PaceListener listener;
    private final LongSupplier nanoTime;
    private final Duration maxWait;
    private volatile double ceiling;
    private double budgetRate;
    private long cutsSeen;
    private volatile long holdUntil;
    private long circuitOpened;
    private boolean wasOpen;

    /**
     * @param name     the queue, for the listener and messages
     * @param maxRate  the ceiling, requests/s
     * @param failure  which exceptions of a request count as the downstream failing, for the circuit
     * @param maxWait  the longest a request waits for its turn
     */
    public AdaptivePace(
            String name,
            double maxRate,
            AdaptiveSettings adaptive,
            CircuitSettings circuit,
            PermitBudget budget,
            Predicate<Throwable> failure,
            PaceListener listener,
            Duration maxWait) {
        this(name, maxRate, adaptive, circuit, budget, failure, listener, maxWait, System::nanoTime);
    }

    AdaptivePace(
            String name,
            double maxRate,
            AdaptiveSettings adaptive,
            CircuitSettings circuit,
            PermitBudget budget,
            Predicate<Throwable> failure,
            PaceListener listener,
            Duration maxWait,
            LongSupplier nanoTime) {
        this.name = name;
        this.ceiling = maxRate;
        this.aimd = new AimdRate(adaptive, maxRate, nanoTime);
        this.budget = budget;
        this.budgetRate = maxRate;
        this.failure = failure;
        this.listener = listener;
        this.nanoTime = nanoTime;
        this.maxWait = maxWait;
        this.breaker = circuit.enabled()
                ? Optional.of(CircuitBreaker.builder()
                        .name("levee-delivery-" + name)
                        .errorRatio(circuit.errorRatio())
                        .volume(circuit.volume())
                        .delay(circuit.delay())
                        .successThreshold(circuit.successThreshold())
                        .applyOn(Set.of(CountedFailure.class))
                        .enableMetrics(false)
                        .build())
                : Optional.empty();
        budget.rate(maxRate);
    }

    /** A new ceiling: an operator changed {@code max-rate}. */
    public void maxRate(double next) {
        ceiling = next;
        aimd.ceiling(next);
    }

    /** One request to the downstream. */
    @FunctionalInterface
    public interface Request {
        /** Sends it; returns once answered well, throws what it failed with otherwise. */
        void send() throws Exception;
    }

    /** The rate, circuit and budget now. */
    public synchronized State state() {
        return new State(round(aimd.rate()), ceiling, circuit(), aimd.cuts(), circuitOpened, budget.mode());
    }

    private String circuit() {
        return breaker.map(b -> switch (b.state()) {
                    case CLOSED -> "closed";
                    case OPEN -> "open";
                    case HALF_OPEN -> "half-open";
                })
                .orElse("closed");
    }

    /**
     * Waits for this request's turn and sends it.
     *
     * @param request sends the request, or throws what it failed with
     * @throws RateLimitException   when its turn did not come within {@code maxWait}
     * @throws InterruptedException when interrupted while waiting
     * @throws Exception            what the request threw
     */
    public void call(Request request) throws Exception {
        long deadline = nanoTime.getAsLong() + maxWait.toNanos();
        while (true) {
            long now = nanoTime.getAsLong();
            long wait;
            if (holdUntil > now) {
                wait = holdUntil - now;
            } else if (breaker.isPresent() && breaker.get().state() == CircuitBreaker.State.OPEN) {
                wait = CIRCUIT_POLL_NANOS;
            } else {
                syncRate();
                wait = budget.tryTake();
                if (wait == 0) {
                    if (send(request)) {
                        return;
                    }
                    wait = CIRCUIT_POLL_NANOS;
                }
            }
            wait = Math.max(wait, MIN_POLL_NANOS);
            if (nanoTime.getAsLong() + wait > deadline) {
                throw new RateLimitException("no turn to deliver to the downstream of '" + name + "' within "
                        + maxWait.toMillis() + " ms (" + describe() + ")");
            }
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    private String describe() {
        State s = state();
        return "rate " + s.rate() + "/s, circuit " + s.circuit();
    }

    /**
     * Sends with the permit taken; false when the circuit refused it (it just opened, or a half-open circuit's probe
     * is running).
     */
    private boolean send(Request request) throws Exception {
        observe();
        long start = nanoTime.getAsLong();
        try {
            if (breaker.isPresent()) {
                breaker.get().invoke(() -> run(request));
            } else {
                run(request);
            }
            aimd.answered(start, Duration.ofNanos(nanoTime.getAsLong() - start));
            return true;
        } catch (CircuitBreakerOpenException e) {
            return false;
        } catch (CountedFailure e) {
            answered(start, e.cause);
            throw e.cause;
        } catch (Passed e) {
            answered(start, e.cause);
            throw e.cause;
        } finally {
            observe();
        }
    }

    private void answered(long start, Exception failure) {
        if (failure instanceof Throttling t) {
            aimd.throttled(start);
            t.retryAfter().ifPresent(this::hold);
        } else {
            aimd.answered(start, Duration.ofNanos(nanoTime.getAsLong() - start));
        }
    }

    private Void run(Request request) {
        try {
            request.send();
            return null;
        } catch (Exception e) {
            if (failure.test(e)) {
                throw new CountedFailure(e);
            }
            throw new Passed(e);
        }
    }

    private void hold(Duration after) {
        long until = nanoTime.getAsLong() + Math.min(after.toNanos(), maxWait.toNanos());
        if (until > holdUntil) {
            holdUntil = until;
        }
    }

    /** Follows the AIMD rate with the budget; tells the listener about cuts and an opened circuit. */
    private synchronized void syncRate() {
        double rate = aimd.rate();
        if (rate != budgetRate) {
            budget.rate(rate);
            budgetRate = rate;
        }
        long cuts = aimd.cuts();
        if (cuts != cutsSeen) {
            for (long cut = cutsSeen; cut < cuts; cut++) {
                listener.cut(name, rate); // each cut counts, even two seen at once
            }
            cutsSeen = cuts;
            LOG.info(() -> "delivery to the downstream of '" + name + "': rate cut to " + round(rate) + "/s ("
                    + aimd.lastCutReason() + "; cut " + cuts + " since start)");
        }
    }

    private synchronized void observe() {
        boolean open = breaker.isPresent() && breaker.get().state() == CircuitBreaker.State.OPEN;
        if (open && !wasOpen) {
            circuitOpened++;
            listener.circuitOpened(name);
        }
        wasOpen = open;
    }

    private static double round(double rate) {
        return Math.round(rate * 10) / 10.0;
    }

    /** A request's failure that counts against the circuit. */
    private static final class CountedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Exception cause;

        CountedFailure(Exception cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    /** A request's exception that does not count against the circuit (the downstream answered). */
    private static final class Passed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Exception cause;

        Passed(Exception cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }
}

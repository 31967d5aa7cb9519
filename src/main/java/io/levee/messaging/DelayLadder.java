package io.levee.messaging;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import io.levee.config.QueueSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delayed tasks wait in the broker, in a ladder of quorum queues with fixed TTLs (docs/handlers.md, "Delayed
 * tasks"): rung {@code k} of queue {@code Q} is {@code Q.delay.<k>}, whose messages expire after 2<sup>k</sup>
 * {@linkplain #UNIT units}. A delayed task is published with a routing key that spells its delay in binary, one word
 * per bit from the highest level down, then the queue: {@code 0.0.1.….1.orders}. Level {@code k}'s topic exchange
 * {@code levee.delay.<k>} sends a task whose bit {@code k} is 1 into rung {@code Q.delay.<k>}, and one whose bit is 0
 * on to level {@code k-1}; a rung dead-letters (at least once) into the next level's exchange with the routing key
 * unchanged, and after level 0 the task reaches {@value #RELEASE}, where {@code Q} is bound with {@code #.Q}. So a
 * task passes only the rungs of its set bits, the sum of whose TTLs is its delay rounded up to a unit: it is never
 * released early, a restart of Levee does not touch it (nothing waits in Levee), and a restart of the broker keeps
 * it (quorum queues, persistent messages, TTLs counted from when each rung received it).
 *
 * <p>The exchanges are shared; a queue's rungs and bindings are declared the first time this replica sends or
 * counts one of its delayed tasks (most queues never use delays, and a quorum queue is not free).
 */
public final class DelayLadder {

    /** The resolution of delays: a delay is rounded up to a whole number of units. */
    public static final Duration UNIT = Duration.ofMillis(100);
    /** Levels of the ladder: 2<sup>25</sup> units (38.8 days) is above the longest {@code max-delay} (30 days). */
    static final int LEVELS = 25;
    /** The exchange a task leaves the ladder through, into its queue. */
    public static final String RELEASE = "levee.delay.release";

    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private volatile boolean exchangesDeclared;

    /** The entry of the ladder: the highest level's exchange. */
    public static String entry() {
        return level(LEVELS - 1);
    }

    static String level(int k) {
        return "levee.delay." + k;
    }

    /** Rung {@code k} of a queue, e.g. {@code orders.delay.3} (TTL 800 ms). */
    public static String rung(String queue, int k) {
        return queue + ".delay." + k;
    }

    /** The rungs a queue has: enough for its {@code max-delay}. */
    public static int rungs(QueueSettings q) {
        return Long.SIZE - Long.numberOfLeadingZeros(units(q.maxDelay()));
    }

    /** A delay in whole units, rounded up. */
    static long units(Duration delay) {
        long ms = delay.toMillis();
        return (ms + UNIT.toMillis() - 1) / UNIT.toMillis();
    }

    /** The routing key of a task of {@code queue} delayed by {@code delay} (positive, within the ladder). */
    public static String routingKey(String queue, Duration delay) {
        long units = units(delay);
        if (units <= 0 || units >= 1L << LEVELS) {
            throw new IllegalArgumentException("a delay of " + delay + " is outside the ladder");
        }
        StringBuilder key = new StringBuilder(LEVELS * 2 + queue.length());
        for (int k = LEVELS - 1; k >= 0; k--) {
            key.append((units >>> k & 1) == 1 ? '1' : '0').append('.');
        }
        return key.append(queue).toString();
    }

    /**
     * Declares what a queue's delayed tasks need, once per replica (idempotent on the broker): the shared exchanges
     * and their level-to-level bindings, the queue's rungs, their bindings and the release binding.
     */
    public void ensure(Channel ch, QueueSettings q) throws IOException {
        if (declared.contains(q.name())) {
            return;
        }
        if (!exchangesDeclared) {
            declareExchanges(ch);
            exchangesDeclared = true;
        }
        int rungs = rungs(q);
        for (int k = 0; k < rungs; k++) {
            Map<String, Object> args = new HashMap<>();
            args.put("x-queue-type", "quorum");
            args.put("x-message-ttl", (1L << k) * UNIT.toMillis());
            // At-least-once dead-lettering needs reject-publish; a rung has no length bound, so nothing is refused.
            args.put("x-overflow", "reject-publish");
            args.put("x-dead-letter-exchange", k == 0 ? RELEASE : level(k - 1));
            args.put("x-dead-letter-strategy", "at-least-once");
            ch.queueDeclare(rung(q.name(), k), true, false, false, args);
            ch.queueBind(rung(q.name(), k), level(k), pattern(k, "1") + "*.".repeat(k) + q.name());
        }
        ch.queueBind(q.name(), RELEASE, "#." + q.name());
        declared.add(q.name());
    }

    private static void declareExchanges(Channel ch) throws IOException {
        ch.exchangeDeclare(RELEASE, BuiltinExchangeType.TOPIC, true);
        for (int k = 0; k < LEVELS; k++) {
            // A task that matches nothing (its queue's rungs deleted) is parked, never dropped after a confirm.
            ch.exchangeDeclare(
                    level(k),
                    BuiltinExchangeType.TOPIC,
                    true,
                    false,
                    Map.of("alternate-exchange", Topology.UNROUTABLE));
        }
        for (int k = 0; k < LEVELS; k++) {
            ch.exchangeBind(k == 0 ? RELEASE : level(k - 1), level(k), pattern(k, "0") + "#");
        }
    }

    /** The words before bit {@code k} as wildcards, then the bit and a dot. */
    private static String pattern(int k, String bit) {
        return "*.".repeat(LEVELS - 1 - k) + bit + ".";
    }

    /** Whether this replica declared the queue's rungs already. */
    boolean declared(String queue) {
        return declared.contains(queue);
    }
}

package io.levee.observability;

/**
 * Levee's metric names: a contract with dashboards and alerts (docs/observability.md lists each with its tags). In
 * Prometheus form dots become underscores, counters end in {@code _total} and timers in {@code _seconds}.
 */
public final class MetricNames {

    /** Tasks the broker confirmed (counter; tag {@code queue}). */
    public static final String TASKS_ACCEPTED = "levee.tasks.accepted";
    /** Tasks refused (counter; tags {@code queue}, {@code reason}). */
    public static final String TASKS_REJECTED = "levee.tasks.rejected";
    /** From sending a task to the broker's confirm (timer; tag {@code queue}). */
    public static final String PUBLISH_CONFIRM = "levee.publish.confirm";
    /** Messages ready in a queue (gauge, sampled; tag {@code queue}). */
    public static final String QUEUE_DEPTH = "levee.queue.depth";
    /** Messages in a queue's dead-letter queue (gauge, sampled; tag {@code queue}). */
    public static final String QUEUE_DEAD_LETTERS = "levee.queue.dead.letters";
    /** Consumers attached to a queue, on every replica (gauge, sampled; tag {@code queue}). */
    public static final String QUEUE_CONSUMERS = "levee.queue.consumers";
    /** Messages in {@code levee.unroutable}: accepted tasks whose queue was gone (gauge, sampled). */
    public static final String UNROUTABLE_DEPTH = "levee.unroutable.depth";
    /** 1 while connected to the broker with the topology declared, else 0 (gauge). */
    public static final String BROKER_CONNECTED = "levee.broker.connected";
    /** 1 while the broker blocks this replica's publishing (resource alarm), else 0 (gauge). */
    public static final String BROKER_BLOCKED = "levee.broker.blocked";
    /** Handling attempts by outcome (counter; tags {@code queue}, {@code outcome}). */
    public static final String TASKS_HANDLED = "levee.tasks.handled";
    /** How long a handler ran (timer; tag {@code queue}). */
    public static final String HANDLER_DURATION = "levee.handler.duration";
    /** From a task's submission to the start of an attempt (timer; tag {@code queue}). */
    public static final String TASK_WAIT = "levee.task.wait";
    /** Attempts running now on this replica (gauge; tag {@code queue}). */
    public static final String TASKS_IN_FLIGHT = "levee.tasks.in.flight";
    /** Requests to a delivery downstream by status class (counter; tags {@code queue}, {@code status}). */
    public static final String DELIVERY_REQUESTS = "levee.delivery.requests";
    /** From sending a delivery request to its answer (timer; tag {@code queue}). */
    public static final String DELIVERY_DURATION = "levee.delivery.duration";

    /** The {@code queue} tag of a request for a queue that is not configured (no configured name has brackets). */
    static final String UNKNOWN_QUEUE = "(unknown)";

    private MetricNames() {}
}

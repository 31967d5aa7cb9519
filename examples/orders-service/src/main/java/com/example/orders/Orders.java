package com.example.orders;

import io.levee.limits.RateLimit;
import io.levee.worker.PermanentTaskFailure;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * Handles the {@code orders} queue: each order is written to PostgreSQL once, however often it is delivered.
 *
 * <ul>
 *   <li>{@code concurrency = "4"}: four tasks at once on each replica ({@code levee.queues.orders.concurrency}
 *       overrides it).
 *   <li>{@code @Bulkhead(4)}: never more than four at once in this method, whoever calls it.
 *   <li>{@code @Timeout}: an order that takes longer than 5 s fails and is retried with backoff.
 *   <li>{@code @RateLimit}: at most 50 orders a second per replica reach the database; the rest wait in the queue.
 * </ul>
 *
 * A returned call acknowledges the task. An invalid order can never succeed: {@link PermanentTaskFailure} sends it
 * to {@code orders.dlq} at once, with the reason in {@code levee-error-message}. Any other exception (the database is
 * down) retries it through {@code orders.retry.*}.
 */
@ApplicationScoped
public class Orders {

    private final OrderStore store;

    @Inject
    Orders(OrderStore store) {
        this.store = store;
    }

    @TaskHandler(value = "orders", concurrency = "4")
    @Bulkhead(4)
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @RateLimit(value = 50, window = 1, windowUnit = ChronoUnit.SECONDS)
    public void handle(Order order, TaskContext task) {
        List<String> problems = order.problems();
        if (!problems.isEmpty()) {
            throw new PermanentTaskFailure("invalid order: " + String.join("; ", problems));
        }
        store.save(task.taskId(), order);
    }
}

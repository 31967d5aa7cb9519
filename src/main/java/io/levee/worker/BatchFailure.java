package io.levee.worker;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Thrown by a batch handler ({@link TaskHandler#batchSize()}) to report an outcome per item instead of one for the
 * whole batch: each item named here fails with its own cause, which Levee classifies as it would a single task's
 * failure (retried with backoff, or dead-lettered when it is a {@link PermanentTaskFailure} or the last attempt);
 * every other item of the batch succeeded and is acknowledged. Any other exception fails the whole batch: every item
 * is retried (or dead-lettered) on its own attempt count.
 *
 * <pre>{@code
 * BatchFailure failed = new BatchFailure();
 * for (int i = 0; i < rows.size(); i++) {
 *     try { insert(rows.get(i)); } catch (SQLException e) { failed.item(i, e); }
 * }
 * failed.throwIfAny();
 * }</pre>
 */
public final class BatchFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** By 0-based index into the batch. */
    @SuppressWarnings("serial")
    private final Map<Integer, Throwable> items = new TreeMap<>();

    /** An empty report; add failed items with {@link #item}. */
    public BatchFailure() {
        super(null, null, false, false);
    }

    /**
     * Marks one item as failed.
     *
     * @param index 0-based position of the item in the batch the handler received
     * @param cause why it failed; decides between retry and dead-letter like a single task's exception
     * @return this, for chaining
     */
    public BatchFailure item(int index, Throwable cause) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        items.put(index, Objects.requireNonNull(cause, "cause"));
        return this;
    }

    /** The failed items by index. */
    public Map<Integer, Throwable> items() {
        return Collections.unmodifiableMap(items);
    }

    /** Throws this report when it names at least one item; returns otherwise. */
    public void throwIfAny() {
        if (!items.isEmpty()) {
            throw this;
        }
    }

    @Override
    public String getMessage() {
        return items.size() + " item(s) of the batch failed: " + items.keySet();
    }
}

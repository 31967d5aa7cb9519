package io.levee.admin;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where task statuses live: this replica's memory, or Redis shared by every gateway and worker. Updates carry a
 * rank (later stages of later attempts rank higher) so that updates arriving out of order, from different replicas
 * or a batched writer, never move a status backwards: a lower-ranked update only fills fields still missing.
 */
interface TaskStatusStore extends AutoCloseable {

    /**
     * One change of a task's status.
     *
     * @param queue  the task's queue
     * @param id     the task id
     * @param rank   its order among the task's updates
     * @param fields the fields it sets
     * @param ttl    how long the status is kept after this update
     */
    record Update(String queue, String id, int rank, Map<String, String> fields, Duration ttl) {
        public Update {
            fields = Map.copyOf(fields);
        }
    }

    /** Records an update without blocking the caller. */
    void record(Update update);

    /** A task's status fields, empty when unknown or expired. */
    Optional<Map<String, String>> read(String queue, String id);

    @Override
    void close();
}

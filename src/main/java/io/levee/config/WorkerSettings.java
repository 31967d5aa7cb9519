package io.levee.config;

import java.time.Duration;

/**
 * How a worker replica runs its consumers.
 *
 * @param drainTimeout how long in-flight tasks may run on shutdown before the rest go back to the broker
 * @param ackBatch     finished tasks a consumer session acknowledges at once (at most half its prefetch; it also
 *                     acknowledges whenever it finds finished tasks unacknowledged for 25 ms)
 */
public record WorkerSettings(Duration drainTimeout, int ackBatch) {}

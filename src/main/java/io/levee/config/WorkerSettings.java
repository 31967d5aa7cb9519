package io.levee.config;

import java.time.Duration;

/**
 * How a worker replica runs its consumers.
 *
 * @param drainTimeout how long in-flight tasks may run on shutdown before the rest go back to the broker
 */
public record WorkerSettings(Duration drainTimeout) {
}

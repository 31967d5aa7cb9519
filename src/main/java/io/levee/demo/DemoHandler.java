package io.levee.demo;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The handler of the {@code demo} queue that ships with Levee: it logs each task, to show the flow end to end. The
 * benchmarks in {@code bench/} use it as a stand-in workload on their own queue ({@code levee.demo.queue}, default
 * {@code demo}): {@code levee.demo.work-time} (ISO-8601, default {@code PT0S}) simulates work per task and
 * {@code levee.demo.log=false} keeps logging out of the measurement.
 */
@ApplicationScoped
public class DemoHandler {

    private static final Logger LOG = Logger.getLogger(DemoHandler.class.getName());

    private final Duration workTime;
    private final boolean log;

    @Inject
    DemoHandler(
            @ConfigProperty(name = "levee.demo.work-time", defaultValue = "PT0S") Duration workTime,
            @ConfigProperty(name = "levee.demo.log", defaultValue = "true") boolean log) {
        this.workTime = workTime;
        this.log = log;
    }

    /** Logs the task, after the configured simulated work. */
    @TaskHandler("${levee.demo.queue:demo}")
    public void handle(byte[] payload, TaskContext task) throws InterruptedException {
        if (!workTime.isZero()) {
            Thread.sleep(workTime);
        }
        if (log) {
            LOG.info(() -> "demo task " + task.taskId() + " (attempt " + task.attempt() + "): "
                    + new String(payload, StandardCharsets.UTF_8));
        }
    }
}

package io.levee.demo;

import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The handler of the {@code demo} queue that ships with Levee, present only with {@code levee.demo.enabled=true}
 * (which {@code ./levee run} and the stock image set; an application that depends on Levee gets neither the handler
 * nor the queue): it logs tasks with their payload, to show the flow end to end. While the queue is quiet every task
 * gets a line; under load the first {@code levee.demo.log-per-second} (default 5) tasks of each second do, so a burst
 * stays readable and cheap; the task log ({@code io.levee.task}) accounts for the rest in its summary line per
 * second. The benchmarks
 * in {@code bench/} use it as a stand-in workload on their own queue ({@code levee.demo.queue}, default
 * {@code demo}): {@code levee.demo.work-time} (ISO-8601, default {@code PT0S}) simulates work per task and
 * {@code levee.demo.log=false} keeps the demo's own lines out of the measurement (the task log still writes its
 * lines and summaries).
 */
@ApplicationScoped
@PartOf(Part.DEMO)
public class DemoHandler {

    private static final Logger LOG = Logger.getLogger(DemoHandler.class.getName());
    private static final int SHOWN_PAYLOAD = 200;

    private final Duration workTime;
    private final boolean log;
    private final DemoLog demoLog;

    @Inject
    DemoHandler(
            @ConfigProperty(name = "levee.demo.work-time", defaultValue = "PT0S") Duration workTime,
            @ConfigProperty(name = "levee.demo.log", defaultValue = "true") boolean log,
            @ConfigProperty(name = "levee.demo.log-per-second", defaultValue = "5") int logPerSecond) {
        this.workTime = workTime;
        this.log = log;
        this.demoLog = new DemoLog(Clock.systemUTC(), logPerSecond);
    }

    /** Logs the task (under load only the first few of each second), after the configured simulated work. */
    @TaskHandler(value = "${levee.demo.queue:demo}", concurrency = "2")
    public void handle(byte[] payload, TaskContext task) throws InterruptedException {
        if (!workTime.isZero()) {
            Thread.sleep(workTime);
        }
        if (log && demoLog.handled()) {
            LOG.info(() -> "demo task " + task.taskId() + " (attempt " + task.attempt() + "): " + shown(payload));
        }
    }

    private static String shown(byte[] payload) {
        if (payload.length <= SHOWN_PAYLOAD) {
            return new String(payload, StandardCharsets.UTF_8);
        }
        return new String(payload, 0, SHOWN_PAYLOAD, StandardCharsets.UTF_8) + "... (" + payload.length + " bytes)";
    }
}

package io.levee.demo;

import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/** The handler of the {@code demo} queue that ships with Levee: it logs each task, to show the flow end to end. */
@ApplicationScoped
public class DemoHandler {

    private static final Logger LOG = Logger.getLogger(DemoHandler.class.getName());

    /** Logs the task. */
    @TaskHandler("demo")
    public void handle(byte[] payload, TaskContext task) {
        LOG.info(() -> "demo task " + task.taskId() + " (attempt " + task.attempt() + "): "
                + new String(payload, StandardCharsets.UTF_8));
    }
}

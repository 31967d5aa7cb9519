package io.levee.ingress;

import io.levee.config.LeveeConfig;

/** Checks a queue name from a URL: 400 when it cannot be a queue name at all, 404 when no such queue is configured. */
final class QueueNames {

    private QueueNames() {}

    static void requireConfigured(LeveeConfig config, String queue) {
        if (queue == null || !LeveeConfig.QUEUE_NAME.matcher(queue).matches()) {
            String shown = queue == null ? "" : queue.length() > 40 ? queue.substring(0, 40) + "..." : queue;
            throw new ProblemException(
                    ProblemType.INVALID_QUEUE_NAME,
                    "'" + shown + "' is not a queue name: " + LeveeConfig.QUEUE_NAME_RULE);
        }
        if (config.queue(queue).isEmpty()) {
            throw new ProblemException(ProblemType.UNKNOWN_QUEUE, "no queue named '" + queue + "' is configured");
        }
    }
}

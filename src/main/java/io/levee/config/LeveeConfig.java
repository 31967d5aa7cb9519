package io.levee.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;

/**
 * Levee's whole configuration, read once from MicroProfile Config and validated: a bad value stops startup with
 * one line naming the key, the value and what is allowed.
 *
 * @param amqpUri broker URI ({@code levee.amqp.uri})
 * @param role    what this replica does ({@code levee.role})
 * @param publish publishing settings ({@code levee.publish.*})
 * @param worker  consumer settings ({@code levee.worker.*})
 * @param queues  task queues by name ({@code levee.queues.<name>.*})
 */
public record LeveeConfig(URI amqpUri, Role role, PublishSettings publish, WorkerSettings worker,
                          SortedMap<String, QueueSettings> queues) {

    /** Queue names: letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters. */
    public static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    public static final String QUEUE_NAME_RULE =
            "letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters";

    private static final String QUEUES = "levee.queues.";

    public LeveeConfig {
        queues = new TreeMap<>(queues);
    }

    /** The queue of that name, if it is configured. */
    public Optional<QueueSettings> queue(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    /** Reads and validates the configuration. */
    public static LeveeConfig load(Config config) {
        Settings s = new Settings(config);
        URI uri = s.uri("levee.amqp.uri", "amqp://guest:guest@127.0.0.1:5672");
        Role role = s.oneOf("levee.role", Role.class, Role.ALL);
        PublishSettings publish = new PublishSettings(
                s.integer("levee.publish.sessions", 32, 1, 1024),
                s.duration("levee.publish.confirm-timeout", "5s"),
                s.integer("levee.publish.session-max-sends", 10_000, 1, Integer.MAX_VALUE));
        WorkerSettings worker = new WorkerSettings(s.duration("levee.worker.drain-timeout", "30s"),
                s.integer("levee.worker.ack-batch", 32, 1, 10_000));
        Map<String, QueueSettings> queues = new TreeMap<>();
        for (String key : config.getPropertyNames()) {
            if (!key.startsWith(QUEUES) || key.indexOf('.', QUEUES.length()) < 0) {
                continue;
            }
            String name = key.substring(QUEUES.length(), key.indexOf('.', QUEUES.length()));
            if (!QUEUE_NAME.matcher(name).matches()) {
                throw new InvalidConfigurationException(key, name, "a queue name of " + QUEUE_NAME_RULE);
            }
            queues.computeIfAbsent(name, n -> queue(s, n));
        }
        return new LeveeConfig(uri, role, publish, worker, new TreeMap<>(queues));
    }

    private static QueueSettings queue(Settings s, String name) {
        String p = QUEUES + name + ".";
        return new QueueSettings(name,
                s.longValue(p + "max-length", 100_000, 1, Long.MAX_VALUE),
                s.integer(p + "delivery-limit", 5, 1, 1_000),
                s.integer(p + "concurrency", 1, 1, 256),
                s.integer(p + "prefetch", 50, 1, 10_000),
                s.durations(p + "retry-delays", "1s,10s,60s"));
    }
}

package io.levee.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
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
 * @param queues  task queues by name ({@code levee.queues.<name>.*}, and the demo's queue when
 *                {@code levee.demo.enabled=true})
 * @param ingest  ingest API settings ({@code levee.ingest.*})
 * @param idempotency idempotency-key store settings ({@code levee.idempotency.*})
 * @param amqpAddresses the nodes of a broker cluster as {@code host:port}, tried in order
 *                ({@code levee.amqp.addresses}); empty: the host and port of {@code levee.amqp.uri}. Credentials,
 *                virtual host and TLS come from {@code levee.amqp.uri} either way.
 */
public record LeveeConfig(
        URI amqpUri,
        Role role,
        PublishSettings publish,
        WorkerSettings worker,
        SortedMap<String, QueueSettings> queues,
        IngestSettings ingest,
        IdempotencySettings idempotency,
        List<String> amqpAddresses) {

    /** Queue names: letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters. */
    public static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    public static final String QUEUE_NAME_RULE =
            "letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters";

    private static final String QUEUES = "levee.queues.";

    /** The demo handler's queue, configured like any other and declared only while the demo is on. */
    private static final String DEMO_QUEUE = "levee.demo.queue";

    /** A broker node: a host name or address, a colon, and a port. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s:,]+:([0-9]{1,5})");

    public LeveeConfig {
        queues = new TreeMap<>(queues);
        amqpAddresses = List.copyOf(amqpAddresses);
    }

    /** The queue of that name, if it is configured. */
    public Optional<QueueSettings> queue(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    /**
     * Reads and validates the configuration. Levee reads it once, in {@link LeveeConfigProducer}; everything else
     * injects (or, outside injection, looks up) that one record.
     */
    public static LeveeConfig load(Config config) {
        Settings s = new Settings(config);
        URI uri = s.uri("levee.amqp.uri", "amqp://guest:guest@127.0.0.1:5672");
        Role role = s.oneOf("levee.role", Role.class, Role.ALL);
        PublishSettings publish = new PublishSettings(
                s.integer("levee.publish.sessions", 4, 1, 1024),
                s.duration("levee.publish.confirm-timeout", "5s"),
                s.integer("levee.publish.session-max-sends", 2_000, 1, Integer.MAX_VALUE));
        WorkerSettings worker = new WorkerSettings(
                s.duration("levee.worker.drain-timeout", "30s"), s.integer("levee.worker.ack-batch", 32, 1, 10_000));
        Map<String, QueueSettings> queues = new TreeMap<>();
        Set<String> keys = new TreeSet<>();
        config.getPropertyNames().forEach(keys::add);
        for (String key : keys) {
            if (!key.startsWith(QUEUES) || key.indexOf('.', QUEUES.length()) < 0) {
                continue;
            }
            String name = key.substring(QUEUES.length(), key.indexOf('.', QUEUES.length()));
            if (!QUEUE_NAME.matcher(name).matches()) {
                throw new InvalidConfigurationException(key, name, "a queue name of " + QUEUE_NAME_RULE);
            }
            queues.computeIfAbsent(name, n -> queue(s, keys, n));
        }
        if (Part.DEMO.enabledIn(config)) {
            String demo = s.string(DEMO_QUEUE, "demo");
            if (!QUEUE_NAME.matcher(demo).matches()) {
                throw new InvalidConfigurationException(DEMO_QUEUE, demo, "a queue name of " + QUEUE_NAME_RULE);
            }
            queues.computeIfAbsent(demo, n -> queue(s, keys, n));
        }
        BindingSettings.checkConsistent(
                queues.values().stream().flatMap(q -> q.bindings().stream()).toList());
        IngestSettings ingest = new IngestSettings(
                s.integer("levee.ingest.batch-max-items", 500, 1, 10_000),
                s.size("levee.ingest.max-body-size", "256KiB", 2, 64L << 20),
                s.size("levee.ingest.batch-max-body-size", "4MiB", 2, 256L << 20),
                s.duration("levee.ingest.publish-timeout", "6s"),
                s.duration("levee.ingest.rate-window", "30s"),
                s.duration("levee.ingest.request-timeout", "10s"),
                s.size("levee.ingest.body-memory", "64MiB", 1024, 16L << 30));
        IdempotencySettings idempotency = new IdempotencySettings(
                s.optionalUri("levee.idempotency.redis-uri", "redis", "rediss"),
                s.duration("levee.idempotency.ttl", "24h"),
                s.integer("levee.idempotency.max-entries", 100_000, 1, 100_000_000));
        return new LeveeConfig(uri, role, publish, worker, new TreeMap<>(queues), ingest, idempotency, addresses(s));
    }

    private static List<String> addresses(Settings s) {
        String raw = s.string("levee.amqp.addresses", "").trim();
        if (raw.isEmpty()) {
            return List.of();
        }
        List<String> addresses = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            String address = part.trim();
            Matcher m = ADDRESS.matcher(address);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65_535) {
                throw new InvalidConfigurationException(
                        "levee.amqp.addresses",
                        raw,
                        "host:port pairs separated by commas, such as rabbit-0:5672,rabbit-1:5672,rabbit-2:5672");
            }
            addresses.add(address);
        }
        return addresses;
    }

    private static java.time.Duration maxDelay(Settings s, String key) {
        java.time.Duration d = s.durationOrZero(key, "7d");
        if (d.compareTo(QueueSettings.MAX_DELAY_LIMIT) > 0) {
            throw new InvalidConfigurationException(key, s.string(key, "7d"), "a duration from 0 to 30d");
        }
        return d;
    }

    private static QueueSettings queue(Settings s, Set<String> keys, String name) {
        String p = QUEUES + name + ".";
        return new QueueSettings(
                name,
                s.longValue(p + "max-length", 100_000, 1, Long.MAX_VALUE),
                s.integer(p + "delivery-limit", 5, 1, 1_000),
                s.integer(p + "concurrency", 1, 1, 256),
                s.integer(p + "prefetch", 50, 1, 10_000),
                s.durations(p + "retry-delays", "1s,10s,60s"),
                s.optionalString(p + "schema"),
                s.longValue(p + "ingest.max-rate", 0, 0, 100_000_000),
                DeliverySettings.read(s, name),
                BindingSettings.read(s, keys, name),
                s.optionalString(p + "task-ttl").map(v -> s.duration(p + "task-ttl", v)),
                maxDelay(s, p + "max-delay"),
                s.optionalString(p + "deduplicate").map(v -> s.bool(p + "deduplicate", false)),
                s.duration(p + "deduplicate-ttl", "24h"));
    }
}

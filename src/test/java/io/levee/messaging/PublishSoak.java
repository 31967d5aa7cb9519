package io.levee.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.helidon.config.mp.MpConfigSources;
import io.levee.config.LeveeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;

/**
 * Publisher benchmark, not a test: drives {@link TaskPublisher} from many virtual threads against a quorum queue and
 * reports the confirmed rate per 10 s, the first and last minute, and every attempt that never got a completion.
 * The queue is purged every few seconds so that the broker's disk does not become the measure.
 *
 * <pre>
 * LEVEE_AMQP_URI=amqp://... java -cp target/classes:target/test-classes:target/libs/* io.levee.messaging.PublishSoak --duration 330s
 * java -cp ... io.levee.messaging.PublishSoak --sends 1000000
 * </pre>
 * Options: {@code --duration D} or {@code --sends N}, {@code --concurrency C} (64), {@code --sessions S} (4),
 * {@code --size BYTES} (1024), {@code --session-max-sends N} (2000).
 */
public final class PublishSoak {

    private static final String QUEUE = "bench-publish-soak";

    private PublishSoak() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        long sends = Long.parseLong(opts.getOrDefault("sends", "0"));
        Duration duration =
                Duration.parse("PT" + opts.getOrDefault("duration", "330s").toUpperCase(java.util.Locale.ROOT));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "64"));
        int size = Integer.parseInt(opts.getOrDefault("size", "1024"));

        String uri = System.getenv().getOrDefault("LEVEE_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
        Config config = ConfigProviderResolver.instance()
                .getBuilder()
                .withSources(MpConfigSources.create(Map.of(
                        "levee.amqp.uri",
                        uri,
                        "levee.role",
                        "gateway",
                        "levee.publish.sessions",
                        opts.getOrDefault("sessions", "4"),
                        "levee.publish.session-max-sends",
                        opts.getOrDefault("session-max-sends", "2000"),
                        "levee.queues." + QUEUE + ".max-length",
                        "50000000",
                        "levee.queues." + QUEUE + ".retry-delays",
                        "")))
                .build();
        Broker broker = new Broker(LeveeConfig.load(config), null);
        broker.declareTopology();
        TaskPublisher publisher = new TaskPublisher(broker);

        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        body[0] = '"';
        body[size - 1] = '"';

        ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        var admin = factory.newConnection("levee-publish-soak");
        Channel purge = admin.createChannel();
        purge.queuePurge(QUEUE);
        var purging = purger.scheduleAtFixedRate(
                () -> {
                    try {
                        purge.queuePurge(QUEUE);
                    } catch (Exception e) {
                        System.err.println("purge failed: " + e);
                    }
                },
                3,
                3,
                TimeUnit.SECONDS);

        LongAdder ok = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        AtomicLong issued = new AtomicLong();
        long start = System.nanoTime();
        long end = sends > 0 ? Long.MAX_VALUE : start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end && (sends == 0 || issued.incrementAndGet() <= sends)) {
                    TaskEnvelope task = new TaskEnvelope(
                            UUID.randomUUID().toString(), QUEUE, System.currentTimeMillis(), 1, null, null, null, body);
                    try {
                        publisher.publish(task, Duration.ofSeconds(10));
                        ok.increment();
                    } catch (RuntimeException e) {
                        errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder())
                                .increment();
                    }
                }
            }));
        }
        List<Long> perTen = new ArrayList<>();
        List<Double> cpuPerThousand = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long previous = 0;
        long previousCpu = os.getProcessCpuTime();
        while (workers.stream().anyMatch(Thread::isAlive)) {
            for (Thread t : workers) {
                t.join(Duration.ofMillis(100));
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed >= (perTen.size() + 1) * 10_000_000_000L) {
                long now = ok.sum();
                long cpu = os.getProcessCpuTime();
                perTen.add(now - previous);
                // Client CPU per 1,000 confirmed sends: the JMS client's confirm bookkeeping shows here first,
                // independent of how busy the shared machine and broker are.
                cpuPerThousand.add((cpu - previousCpu) / 1e6 / Math.max(1, (now - previous) / 1000.0));
                previous = now;
                previousCpu = cpu;
                System.out.printf(
                        "t=%4ds confirmed/s=%8.0f client-cpu-ms/1000=%6.1f total=%d %s%n",
                        perTen.size() * 10, perTen.getLast() / 10.0, cpuPerThousand.getLast(), now, publisher.stats());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        purging.cancel(false);
        purger.shutdownNow();
        admin.close();
        PublishStats stats = publisher.stats();
        publisher.close();
        broker.close();

        System.out.printf(
                "RESULT confirmed=%d errors=%s seconds=%.1f rate=%.0f/s%n",
                ok.sum(), errors, seconds, ok.sum() / seconds);
        System.out.println("RESULT publisher " + stats);
        long missing = stats.sent() - stats.confirmed() - stats.nacked() - stats.confirmTimeouts() - stats.failed();
        System.out.println("RESULT attempts without an outcome at the end=" + missing
                + " missing completions (confirm timeouts)=" + stats.confirmTimeouts());
        if (perTen.size() >= 12) {
            double first =
                    (perTen.get(0) + perTen.get(1) + perTen.get(2) + perTen.get(3) + perTen.get(4) + perTen.get(5))
                            / 60.0;
            int n = perTen.size();
            double last =
                    perTen.subList(n - 6, n).stream().mapToLong(Long::longValue).sum() / 60.0;
            System.out.printf(
                    "RESULT first minute=%.0f/s last minute=%.0f/s last/first=%.2f%n", first, last, last / first);
            double cpuFirst = cpuPerThousand.subList(0, 6).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(0);
            double cpuLast = cpuPerThousand.subList(n - 6, n).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(0);
            System.out.printf(
                    "RESULT client cpu ms per 1000 sends: first minute=%.1f last minute=%.1f" + " last/first=%.2f%n",
                    cpuFirst, cpuLast, cpuLast / cpuFirst);
        }
        System.exit(0);
    }
}

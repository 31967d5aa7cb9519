import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Levee's consumer benchmarks (run by bench/drain/run.sh and bench/scaling/run.sh; not tests).
 *
 * <p>Every measurement is the same: pre-fill a quorum queue with N tasks of 1 KB in Levee's wire format, start a
 * consumer process, poll the queue's ready count every 10 ms, and take the steady drain rate: the last 90 % of N
 * divided by the time from the queue holding 90 % of N to it being empty. JVM start-up and the first 10 % (JIT
 * warm-up) are therefore outside the measurement, for Levee and for PerfTest alike.
 *
 * <ul>
 * <li>{@code drain}: Levee's demo handler as a no-op vs RabbitMQ PerfTest consuming the same kind of queue, rounds
 * interleaved; also Levee with one ack per task ({@code levee.worker.ack-batch=1}) for the ack-mode choice.</li>
 * <li>{@code scaling}: Levee with a 5 ms handler at concurrency 1, 4 and 8.</li>
 * <li>{@code dedup}: the no-op drain without duplicate suppression, with it in memory and with it in Redis
 * ({@code LEVEE_BENCH_REDIS_URI}, default db 5 of 127.0.0.1:6379), rounds interleaved, with CPU per 1,000 tasks of the
 * Levee process, the broker and Redis; {@code LEVEE_BENCH_COMPARE_JAR} adds the Redis variant run from another build
 * of Levee (a jar beside its {@code libs/}) for a before/after in the same run.</li>
 * <li>{@code batch}: a handler inserting into PostgreSQL one row per call vs a batch handler inserting up to 500 rows
 * per call ({@code bench/batch/src}, run in Levee's jar), 4 sessions each, rounds interleaved.</li>
 * <li>{@code delay}: lateness of delayed tasks: Levee (as a gateway) accepts tasks with {@code Levee-Delay} of
 * 1 s to 1 h (each plus a random 0–999 ms, so the delays' bit patterns vary), a plain consumer takes them from the
 * queue as the ladder releases them, and lateness is the arrival time minus the task's {@code levee-not-before}
 * (same clock).</li>
 * </ul>
 * {@code LEVEE_BENCH_AMQP_URI} and {@code LEVEE_BENCH_PORT} move the benchmark to another virtual host and port.
 * Only 127.0.0.1 is used; every child process has a deadline.
 */
public final class Bench {

    static final String URI = System.getenv().getOrDefault("LEVEE_BENCH_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
    static final String REDIS = System.getenv().getOrDefault("LEVEE_BENCH_REDIS_URI", "redis://127.0.0.1:6379/5");
    /** Levee's own queue for the benchmark, served by the demo handler ({@code levee.demo.queue}). */
    static final String LEVEE_QUEUE = "bench-drain";

    static final String PT_QUEUE = "bench-perftest";
    static final int LEVEE_PORT = Integer.parseInt(System.getenv().getOrDefault("LEVEE_BENCH_PORT", "18101"));
    static final Duration CHILD_DEADLINE = Duration.ofMinutes(3);

    static Path root;
    static String javaBin;

    public static void main(String[] args) throws Exception {
        root = Path.of(System.getProperty("levee.root", ".")).toAbsolutePath().normalize();
        javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String mode = args.length > 0 ? args[0] : "drain";
        boolean smoke = List.of(args).contains("--smoke");
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(URI);
        try (Connection c = f.newConnection("levee-bench")) {
            ensureLeveeTopology(c);
            switch (mode) {
                case "drain" -> drain(c, smoke);
                case "scaling" -> scaling(c, smoke);
                case "dedup" -> dedup(c, smoke);
                case "batch" -> batch(c, smoke);
                case "delay" -> delay(c, smoke);
                default -> throw new IllegalArgumentException("mode: drain | scaling | dedup | batch | delay");
            }
        }
    }

    static void drain(Connection c, boolean smoke) throws Exception {
        int n = smoke ? 30_000 : 150_000;
        int rounds = smoke ? 1 : 3;
        int concurrency = 4;
        int prefetch = 100;
        declarePerfTestQueue(c);
        List<Double> perfTest = new ArrayList<>();
        List<Double> levee = new ArrayList<>();
        List<Double> leveeAckEach = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            fill(c, PT_QUEUE, n);
            perfTest.add(measure(c, PT_QUEUE, n, perfTest(concurrency, prefetch)));
            System.out.printf(Locale.ROOT, "round %d perftest     %,10.0f msg/s%n", r, last(perfTest));
            fill(c, LEVEE_QUEUE, n);
            levee.add(measure(c, LEVEE_QUEUE, n, levee(concurrency, prefetch, "PT0S", 32)));
            System.out.printf(Locale.ROOT, "round %d levee        %,10.0f msg/s%n", r, last(levee));
            if (!smoke) {
                fill(c, LEVEE_QUEUE, n);
                leveeAckEach.add(measure(c, LEVEE_QUEUE, n, levee(concurrency, prefetch, "PT0S", 1)));
                System.out.printf(Locale.ROOT, "round %d levee ack=1  %,10.0f msg/s%n", r, last(leveeAckEach));
            }
        }
        double ratio = median(levee) / median(perfTest);
        System.out.printf(
                Locale.ROOT,
                "perftest median %,.0f msg/s; levee median %,.0f msg/s%n",
                median(perfTest),
                median(levee));
        if (!leveeAckEach.isEmpty()) {
            System.out.printf(
                    Locale.ROOT,
                    "levee with one ack per task: median %,.0f msg/s (%.2fx perftest)%n",
                    median(leveeAckEach),
                    median(leveeAckEach) / median(perfTest));
        }
        System.out.printf(Locale.ROOT, "drain ratio: %.2f%n", ratio);
    }

    static void dedup(Connection c, boolean smoke) throws Exception {
        int n = smoke ? 30_000 : 100_000;
        int rounds = smoke ? 1 : 3;
        Map<String, List<String>> variants = new java.util.LinkedHashMap<>();
        variants.put("off", List.of());
        variants.put("memory", List.of("-Dlevee.queues." + LEVEE_QUEUE + ".deduplicate=true"));
        variants.put(
                "redis",
                List.of(
                        "-Dlevee.queues." + LEVEE_QUEUE + ".deduplicate=true",
                        "-Dlevee.state.redis-uri=" + REDIS,
                        "-Dlevee.state.key-prefix=levee-bench-" + System.currentTimeMillis() + ":"));
        // Another build of Levee (its jar beside its libs/) run as one more Redis variant: a before/after in one run.
        String compareJar = System.getenv("LEVEE_BENCH_COMPARE_JAR");
        if (compareJar != null && !compareJar.isBlank()) {
            variants.put("redis-compare", variants.get("redis"));
        }
        Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
        for (int r = 1; r <= rounds; r++) {
            for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                fill(c, LEVEE_QUEUE, n);
                List<String> command = new ArrayList<>(levee(4, 100, "PT0S", 32));
                command.addAll(1, v.getValue());
                if (v.getKey().equals("redis-compare")) {
                    command.set(
                            command.size() - 1,
                            Path.of(compareJar).toAbsolutePath().toString());
                }
                cpu.clear();
                double rate = measure(c, LEVEE_QUEUE, n, command);
                rates.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(rate);
                System.out.printf(
                        Locale.ROOT,
                        "round %d dedup %-13s %,10.0f msg/s  CPU ms per 1,000 tasks: levee %.1f, broker %.1f, redis %.1f%n",
                        r,
                        v.getKey(),
                        rate,
                        cpu.getOrDefault("levee", 0.0),
                        cpu.getOrDefault("broker", 0.0),
                        cpu.getOrDefault("redis", 0.0));
            }
        }
        double off = median(rates.get("off"));
        for (String k : rates.keySet()) {
            System.out.printf(
                    Locale.ROOT,
                    "dedup %-13s median %,10.0f msg/s (%.2fx off)%n",
                    k,
                    median(rates.get(k)),
                    median(rates.get(k)) / off);
        }
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }

    static void batch(Connection c, boolean smoke) throws Exception {
        int n = smoke ? 10_000 : 30_000;
        int rounds = smoke ? 1 : 3;
        List<String> command = List.of(
                javaBin,
                "-Dlevee.role=worker",
                "-Dserver.port=" + LEVEE_PORT,
                "-Dlevee.auth.enabled=false",
                "-Dserver.host=127.0.0.1",
                "-Dlevee.amqp.uri=" + URI,
                "-Dlevee.queues.bench-pg-row.max-length=1000000",
                "-Dlevee.queues.bench-pg-batch.max-length=1000000",
                "-Dlevee.demo.log=false",
                "-Dbench.pg.url=" + System.getProperty("bench.pg.url"),
                "-cp",
                System.getProperty("bench.batch.classpath"),
                "io.helidon.microprofile.cdi.Main");
        declaredBy(c, "bench-pg-row", command); // declared after bench-pg-batch (alphabetical)
        Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
        for (int r = 1; r <= rounds; r++) {
            for (String queue : List.of("bench-pg-row", "bench-pg-batch")) {
                fill(c, queue, n);
                cpu.clear();
                double rate = measure(c, queue, n, command);
                rates.computeIfAbsent(queue, k -> new ArrayList<>()).add(rate);
                System.out.printf(
                        Locale.ROOT,
                        "round %d %-15s %,10.0f tasks/s  CPU ms per 1,000 tasks: levee %.1f, broker %.1f, postgres %.1f%n",
                        r,
                        queue,
                        rate,
                        cpu.getOrDefault("levee", 0.0),
                        cpu.getOrDefault("broker", 0.0),
                        cpu.getOrDefault("postgres", 0.0));
            }
        }
        double row = median(rates.get("bench-pg-row"));
        double batch = median(rates.get("bench-pg-batch"));
        System.out.printf(
                Locale.ROOT,
                "one row per call median %,.0f tasks/s; 500-row batches median %,.0f tasks/s (%.1fx)%n",
                row,
                batch,
                batch / row);
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }

    static void delay(Connection c, boolean smoke) throws Exception {
        String queue = "bench-delay";
        long[] delays = smoke ? new long[] {1, 5, 30} : new long[] {1, 5, 30, 60, 300, 600, 3600};
        int perDelay = smoke ? 20 : 40;
        List<String> gateway = List.of(
                javaBin,
                "-Dlevee.role=gateway",
                "-Dserver.port=" + LEVEE_PORT,
                "-Dlevee.auth.enabled=false",
                "-Dserver.host=127.0.0.1",
                "-Dlevee.amqp.uri=" + URI,
                "-Dlevee.queues." + queue + ".max-length=1000000",
                "-Dlevee.queues." + queue + ".max-delay=2h",
                "-jar",
                root.resolve("target/levee.jar").toString());
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "levee-bench-delay.log");
        Process p = new ProcessBuilder(gateway)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Map<Long, List<Long>> lateness = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Long> delayOf = new java.util.concurrent.ConcurrentHashMap<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + LEVEE_PORT;
        try (Channel ch = c.createChannel()) {
            long ready = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (true) {
                try {
                    if (http.send(
                                            java.net.http.HttpRequest.newBuilder(
                                                            java.net.URI.create(base + "/health/ready"))
                                                    .build(),
                                            java.net.http.HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > ready) {
                    throw new IllegalStateException("Levee not ready; see " + log);
                }
                Thread.sleep(200);
            }
            ch.queuePurge(queue);
            ch.basicConsume(queue, true, new com.rabbitmq.client.DefaultConsumer(ch) {
                @Override
                public void handleDelivery(
                        String tag, com.rabbitmq.client.Envelope env, AMQP.BasicProperties props, byte[] body) {
                    long now = System.currentTimeMillis();
                    Object notBefore = props.getHeaders().get("levee-not-before");
                    Long d = delayOf.get(props.getMessageId());
                    if (notBefore != null && d != null) {
                        lateness.computeIfAbsent(d, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(now - Long.parseLong(notBefore.toString()));
                    }
                }
            });
            java.util.Random random = new java.util.Random(42);
            int total = 0;
            for (int i = 0; i < perDelay; i++) {
                for (long d : delays) {
                    long ms = d * 1000 + random.nextInt(1000);
                    var r = http.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(base + "/v1/queues/" + queue + "/tasks"))
                                    .header("Content-Type", "application/json")
                                    .header("Levee-Delay", ms + "ms")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"d\":" + d + "}"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 202) {
                        throw new IllegalStateException(r.statusCode() + " " + r.body());
                    }
                    String id = r.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
                    delayOf.put(id, d);
                    total++;
                }
            }
            System.out.printf(Locale.ROOT, "%d delayed tasks accepted; load average %s%n", total, loadAverage());
            // The gateway is not needed any more: the ladder releases without Levee.
            p.destroy();
            long end = System.nanoTime()
                    + Duration.ofSeconds(delays[delays.length - 1] + 120).toNanos();
            while (lateness.values().stream().mapToInt(List::size).sum() < total && System.nanoTime() < end) {
                Thread.sleep(500);
            }
            for (long d : delays) {
                List<Long> values = new ArrayList<>(lateness.getOrDefault(d, List.of()));
                values.sort(null);
                if (values.isEmpty()) {
                    System.out.printf(Locale.ROOT, "delay %5d s: nothing released%n", d);
                    continue;
                }
                System.out.printf(
                        Locale.ROOT,
                        "delay %5d s (+0-999 ms): %3d released, early %d, lateness median %5d ms, p99 %5d ms, max %5d ms%n",
                        d,
                        values.size(),
                        values.stream().filter(v -> v < 0).count(),
                        values.get(values.size() / 2),
                        values.get(Math.min(values.size() - 1, (int) Math.ceil(values.size() * 0.99) - 1)),
                        values.getLast());
            }
            System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** Starts Levee with {@code command} once when {@code queue} does not exist yet, until it declared it. */
    static void declaredBy(Connection c, String queue, List<String> command) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.queueDeclarePassive(queue);
            return;
        } catch (IOException missing) {
            System.out.println("declaring " + queue);
        }
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                try (Channel ch = c.createChannel()) {
                    ch.queueDeclarePassive(queue);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            throw new IllegalStateException("Levee did not declare queue " + queue + " within a minute");
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** CPU ms per 1,000 tasks of each process on the path during the last measured window. */
    static final Map<String, Double> cpu = new HashMap<>();

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** utime + stime of a process in ms (Linux), or -1; pid -2 sums every process named postgres. */
    static double cpuMs(long pid) {
        if (pid == -2) {
            return ProcessHandle.allProcesses()
                    .mapToLong(ProcessHandle::pid)
                    .filter(p -> comm(p).equals("postgres"))
                    .mapToDouble(Bench::cpuMs)
                    .filter(ms -> ms >= 0)
                    .sum();
        }
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The first process whose name ({@code /proc/<pid>/comm}) is this; readable for other users' processes too. */
    static long pidOf(String name) {
        return ProcessHandle.allProcesses()
                .mapToLong(ProcessHandle::pid)
                .filter(pid -> comm(pid).equals(name))
                .findFirst()
                .orElse(-1);
    }

    static String comm(long pid) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/" + pid + "/comm"))
                    .trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static void scaling(Connection c, boolean smoke) throws Exception {
        double base = 0;
        for (int concurrency : new int[] {1, 4, 8}) {
            // About 10 s of work at perfect scaling (2 s in smoke mode).
            int n = concurrency * (smoke ? 400 : 2_000);
            fill(c, LEVEE_QUEUE, n);
            double rate = measure(c, LEVEE_QUEUE, n, levee(concurrency, 20, "PT0.005S", 32));
            if (concurrency == 1) {
                base = rate;
            }
            System.out.printf(
                    Locale.ROOT,
                    "concurrency %d: %,8.0f tasks/s  (%.2fx linear)%n",
                    concurrency,
                    rate,
                    rate / (base * concurrency));
        }
    }

    static List<String> perfTest(int consumers, int prefetch) {
        String cp = root.resolve("bench/perftest/target/lib").toString() + File.separator + "*";
        return List.of(
                javaBin,
                "-cp",
                cp,
                "com.rabbitmq.perf.PerfTest",
                "--uri",
                URI,
                "-x",
                "0",
                "-y",
                Integer.toString(consumers),
                "-q",
                Integer.toString(prefetch),
                "-u",
                PT_QUEUE,
                "-p",
                "-z",
                "170");
    }

    static List<String> levee(int concurrency, int prefetch, String workTime, int ackBatch) {
        return List.of(
                javaBin,
                "-Dlevee.role=worker",
                "-Dserver.port=" + LEVEE_PORT,
                "-Dlevee.auth.enabled=false",
                "-Dserver.host=127.0.0.1",
                "-Dlevee.amqp.uri=" + URI,
                "-Dlevee.demo.enabled=true",
                "-Dlevee.demo.queue=" + LEVEE_QUEUE,
                "-Dlevee.queues." + LEVEE_QUEUE + ".max-length=1000000",
                "-Dlevee.queues." + LEVEE_QUEUE + ".concurrency=" + concurrency,
                "-Dlevee.queues." + LEVEE_QUEUE + ".prefetch=" + prefetch,
                "-Dlevee.worker.ack-batch=" + ackBatch,
                "-Dlevee.demo.work-time=" + workTime,
                "-Dlevee.demo.log=false",
                "-jar",
                root.resolve("target/levee.jar").toString());
    }

    /** Starts the consumer process, waits until the queue is empty, stops the process; returns messages/s. */
    static double measure(Connection c, String queue, int n, List<String> command) throws Exception {
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "levee-bench-" + queue + ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + CHILD_DEADLINE.toNanos();
        long start = 0;
        long startDepth = 0;
        long[] pids = {p.pid(), pidOf("beam.smp"), pidOf("redis-server"), -2};
        String[] names = {"levee", "broker", "redis", "postgres"};
        double[] cpuAtStart = new double[pids.length];
        try (Channel ch = c.createChannel()) {
            while (true) {
                long now = System.nanoTime();
                long depth = ch.queueDeclarePassive(queue).getMessageCount();
                if (start == 0 && depth <= n * 0.9) {
                    start = now;
                    startDepth = depth;
                    for (int i = 0; i < pids.length; i++) {
                        cpuAtStart[i] = cpuMs(pids[i]);
                    }
                }
                if (depth == 0) {
                    for (int i = 0; i < pids.length; i++) {
                        if (pids[i] != -1 && cpuAtStart[i] >= 0) {
                            cpu.put(names[i], (cpuMs(pids[i]) - cpuAtStart[i]) / (startDepth / 1000.0));
                        }
                    }
                    return startDepth / ((now - start) / 1e9);
                }
                if (now > deadline || !p.isAlive()) {
                    throw new IllegalStateException(
                            "consumer did not drain " + queue + " (depth " + depth + "); see " + log);
                }
                Thread.sleep(10);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Levee declares its own queues; on a broker it never ran against, start it once for that. */
    static void ensureLeveeTopology(Connection c) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.queueDeclarePassive(LEVEE_QUEUE);
            return;
        } catch (IOException missing) {
            System.out.println("declaring Levee's topology");
        }
        Process p = new ProcessBuilder(levee(1, 1, "PT0S", 1))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                try (Channel ch = c.createChannel()) {
                    ch.queueDeclarePassive(LEVEE_QUEUE);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            throw new IllegalStateException("Levee did not declare queue " + LEVEE_QUEUE + " within a minute");
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    static void declarePerfTestQueue(Connection c) throws IOException, java.util.concurrent.TimeoutException {
        try (Channel ch = c.createChannel()) {
            ch.queueDelete(PT_QUEUE);
            ch.queueDeclare(PT_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
        }
    }

    /** Empties the queue and puts n 1 KB tasks in Levee's wire format on it, confirmed. */
    static void fill(Connection c, String queue, int n) throws Exception {
        byte[] body = ("{\"payload\":\"" + "x".repeat(1024 - 14) + "\"}").getBytes();
        // Unique per fill: duplicate suppression must see new tasks in every round.
        String run = Long.toString(System.nanoTime(), 36);
        try (Channel ch = c.createChannel()) {
            ch.queuePurge(queue);
            ch.confirmSelect();
            for (int i = 0; i < n; i++) {
                String id = "bench-" + run + "-" + i;
                Map<String, Object> headers = new HashMap<>();
                headers.put("levee-task-id", id);
                headers.put("levee-queue", queue);
                headers.put("levee-submitted-at", System.currentTimeMillis());
                headers.put("levee-attempt", 1);
                ch.basicPublish(
                        "",
                        queue,
                        new AMQP.BasicProperties.Builder()
                                .contentType("application/json")
                                .deliveryMode(2)
                                .messageId(id)
                                .headers(headers)
                                .build(),
                        body);
                if (i % 1_000 == 999) {
                    ch.waitForConfirmsOrDie(60_000);
                }
            }
            ch.waitForConfirmsOrDie(60_000);
            long depth = ch.queueDeclarePassive(queue).getMessageCount();
            if (depth != n) {
                throw new IllegalStateException(queue + " holds " + depth + " messages after filling " + n);
            }
        }
    }

    static double last(List<Double> values) {
        return values.getLast();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fragile-backend benchmark (run by bench/peak-shaving/run-fragile.sh; not a test).
 *
 * <p>Ports from {@code -Dlevee.bench.port} (default 18410, as below), Levee's jar from {@code -Dlevee.bench.jar}.
 *
 * <p>A fragile backend in its own JVM (127.0.0.1:18420): capacity N requests/s and M in flight. A request waits its
 * turn in a virtual queue (one slot every 1/capacity s) plus 20 ms of work; when its wait would exceed 1 s, or M
 * requests are already in flight, it is answered 503 at once. So above its capacity it first slows down, then fails.
 * Its capacity can be changed while it runs ({@code POST /capacity?c=}).
 *
 * <p>Phases: (1) a burst of 20 x N/s for 10 s straight to the backend, open loop; (2) the same burst POSTed to Levee
 * (127.0.0.1:18410), which delivers it with adaptive pacing; 60 s after the burst the backend's capacity halves for
 * 40 s, then recovers; a sampler records offered, delivered, capacity, depth, Levee's rate and circuit every second
 * (CSV and SVG under target/bench/); (3) two Levee replicas (18411, 18412) on one Redis budget of N deliver a
 * backlog POSTed while their consumers were paused: every 1 s window is counted, and the rate together, AIMD cuts,
 * Redis commands and CPU per delivered task are printed (with {@code -Dlevee.bench.baseline-jar=} a second jar runs
 * the phase too, interleaved over {@code -Dlevee.bench.rounds}); (4) sync vs async on an 80 ms backend: wrk -c64 straight to it vs POSTing to
 * Levee.
 */
public final class Fragile {

    static final String AMQP =
            System.getenv().getOrDefault("LEVEE_BENCH_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/levee-adp");
    static final String REDIS = System.getenv().getOrDefault("LEVEE_BENCH_REDIS_URI", "redis://127.0.0.1:6379/14");
    /** The first of this run's ports: Levee on it, the replicas on the next two, the backend on it + 10. */
    static final int PORT = Integer.getInteger("levee.bench.port", 18410);

    static final int BACKEND = PORT + 10;
    static final int LEVEE = PORT;
    /** Levee's jar; the replicas phase also runs a second one for comparison when levee.bench.baseline-jar is set. */
    static final String JAR = System.getProperty("levee.bench.jar", "target/levee.jar");

    static final String BASELINE_JAR = System.getProperty("levee.bench.baseline-jar", "");
    static final int ROUNDS = Integer.getInteger("levee.bench.rounds", 1);
    static final int N = Integer.getInteger("levee.bench.capacity", 50);
    static final int M = 32;
    static final Duration WORK = Duration.ofMillis(20);
    static final Duration MAX_QUEUE = Duration.ofSeconds(1);
    static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    static Path root;
    static String javaBin;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("backend")) {
            backend();
            return;
        }
        root = Path.of(System.getProperty("levee.root", ".")).toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("target/bench"));
        javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Queues left by an earlier run would deliver their leftovers into this run's measurement.
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(AMQP);
        try (var c = factory.newConnection("levee-bench-fragile");
                var ch = c.createChannel()) {
            for (String q : List.of("fragile", "fragile-shared", "sync80")) {
                for (String name : List.of(q, q + ".dlq", q + ".retry.1s", q + ".retry.5s", q + ".retry.30s")) {
                    ch.queueDelete(name);
                }
            }
        }
        Set<String> phases = args.length == 0 ? Set.of("direct", "levee", "replicas", "sync") : Set.of(args);
        Process backend = new ProcessBuilder(
                        javaBin,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dlevee.bench.port=" + PORT,
                        root.resolve("bench/peak-shaving/Fragile.java").toString(),
                        "backend")
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("target/bench/fragile-backend.log").toFile())
                .start();
        List<Process> started = new ArrayList<>(List.of(backend));
        backendPid = backend.pid();
        boolean ok = true;
        try {
            await("backend", () -> answers("http://127.0.0.1:" + BACKEND + "/stats"), Duration.ofSeconds(90));
            System.out.println("load average: " + loadAverage() + "; fragile backend: capacity " + N + "/s, " + M
                    + " in flight, 20 ms of work, 503 beyond 1 s of queue");
            if (phases.contains("direct")) {
                ok &= direct();
            }
            if (phases.contains("levee") || phases.contains("sync")) {
                Process levee = levee(LEVEE, "fragile", List.of(), started);
                if (phases.contains("levee")) {
                    ok &= throughLevee(levee, backend);
                }
                if (phases.contains("sync")) {
                    syncVsAsync();
                }
                stop(levee);
            }
            if (phases.contains("replicas")) {
                ok &= replicas(started);
            }
        } finally {
            for (Process p : started) {
                stop(p);
            }
        }
        System.out.println("fragile: " + (ok ? "PASS" : "FAIL"));
        System.exit(ok ? 0 : 1);
    }

    // ---------------------------------------------------------------- the backend

    static final AtomicLong arrivals = new AtomicLong();
    static final AtomicLong served = new AtomicLong();
    static final AtomicLong rejected = new AtomicLong();
    static final AtomicInteger inFlight = new AtomicInteger();
    static final ConcurrentLinkedQueue<String> times = new ConcurrentLinkedQueue<>();
    static final Set<String> ids = ConcurrentHashMap.newKeySet();
    static volatile double capacity = N;
    static long nextFree;

    static void backend() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", BACKEND), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/work", Fragile::work);
        server.createContext("/slow80", e -> {
            drain(e);
            sleep(Duration.ofMillis(80));
            answer(e, 200);
        });
        server.createContext("/capacity", e -> {
            String q = e.getRequestURI().getQuery();
            capacity = Double.parseDouble(q.substring(q.indexOf('=') + 1));
            answer(e, 204);
        });
        server.createContext("/stats", e -> {
            byte[] body = (arrivals.get() + " " + served.get() + " " + rejected.get() + " " + capacity + " "
                            + ids.size())
                    .getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        server.createContext("/reset", e -> {
            arrivals.set(0);
            served.set(0);
            rejected.set(0);
            times.clear();
            ids.clear();
            capacity = Double.parseDouble(e.getRequestURI().getQuery().substring(2));
            answer(e, 204);
        });
        server.createContext("/times", e -> {
            byte[] body = String.join("\n", times).getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        server.start();
    }

    static void work(HttpExchange e) throws IOException {
        long now = System.nanoTime();
        drain(e);
        arrivals.incrementAndGet();
        times.add(Long.toString(now));
        if (inFlight.incrementAndGet() > M) {
            inFlight.decrementAndGet();
            rejected.incrementAndGet();
            answer(e, 503);
            return;
        }
        try {
            long wait;
            synchronized (Fragile.class) {
                long start = Math.max(now, nextFree);
                wait = start - now;
                if (wait <= MAX_QUEUE.toNanos()) {
                    nextFree = start + (long) (1e9 / capacity);
                }
            }
            if (wait > MAX_QUEUE.toNanos()) {
                rejected.incrementAndGet();
                answer(e, 503);
                return;
            }
            sleep(Duration.ofNanos(wait).plus(WORK));
            served.incrementAndGet();
            String id = e.getRequestHeaders().getFirst("Idempotency-Key");
            if (id != null) {
                ids.add(id);
            }
            answer(e, 200);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    static void drain(HttpExchange e) throws IOException {
        try (InputStream in = e.getRequestBody()) {
            in.readAllBytes();
        }
    }

    static void answer(HttpExchange e, int status) throws IOException {
        e.sendResponseHeaders(status, -1);
        e.close();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- phase 1: burst straight to the backend

    record Burst(long sent, long ok, long failed, double seconds) {}

    /**
     * Sends 20 x N requests/s for 10 s, open loop, each on its own virtual thread; waits for every answer. An answer
     * with status {@code okStatus} is ok; every answered request counts in {@code offered}, every failure in
     * {@link #FAILURES} by status or exception.
     */
    static Burst burst(String url, int okStatus, AtomicLong offered) throws Exception {
        int rate = 20 * N;
        int total = rate * 10;
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        byte[] body = ("{\"order\":\"o\",\"pad\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                }
                threads.submit(() -> {
                    try {
                        HttpResponse<Void> r = HTTP.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == okStatus) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            FAILURES.computeIfAbsent(Integer.toString(r.statusCode()), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                        offered.incrementAndGet();
                    } catch (Exception ex) {
                        failed.incrementAndGet();
                        FAILURES.computeIfAbsent(ex.getClass().getSimpleName(), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                });
            }
        }
        return new Burst(total, ok.get(), failed.get(), (System.nanoTime() - start) / 1e9);
    }

    static boolean direct() throws Exception {
        post("http://127.0.0.1:" + BACKEND + "/reset?c=" + N);
        Burst b = burst("http://127.0.0.1:" + BACKEND + "/work", 200, new AtomicLong());
        FAILURES.clear();
        System.out.printf(
                Locale.ROOT,
                "direct: %,d requests at %d/s (20x capacity) for 10 s straight to the backend: %,d served, %,d failed"
                        + " (%.1f %%)%n",
                b.sent(),
                20 * N,
                b.ok(),
                b.failed(),
                100.0 * b.failed() / b.sent());
        return true;
    }

    // ---------------------------------------------------------------- phase 2: the same burst through Levee

    static boolean throughLevee(Process levee, Process backend) throws Exception {
        post("http://127.0.0.1:" + BACKEND + "/reset?c=" + N);
        long leveePid = levee.pid();
        long beam = brokerPid();
        double[] cpu0 = {cpuMs(leveePid), cpuMs(backend.pid()), cpuMs(beam)};
        List<String> rows = new ArrayList<>();
        rows.add("t,offered,delivered,rejected503,capacity,depth,rate,circuit");
        AtomicLong offered = new AtomicLong();
        long t0 = System.nanoTime();
        long halveAt = 70;
        long recoverAt = 110;
        Thread sampler = Thread.ofVirtual().start(() -> {
            long lastServed = 0;
            long lastRejected = 0;
            long lastOffered = 0;
            for (int t = 1; !Thread.currentThread().isInterrupted(); t++) {
                long due = t0 + t * 1_000_000_000L;
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    if (t == halveAt) {
                        post("http://127.0.0.1:" + BACKEND + "/capacity?c=" + (N / 2.0));
                    }
                    if (t == recoverAt) {
                        post("http://127.0.0.1:" + BACKEND + "/capacity?c=" + N);
                    }
                    String[] s = get("http://127.0.0.1:" + BACKEND + "/stats").split(" ");
                    String q = get("http://127.0.0.1:" + LEVEE + "/v1/queues/fragile");
                    long sv = Long.parseLong(s[1]);
                    long rj = Long.parseLong(s[2]);
                    long of = offered.get();
                    rows.add(t + "," + (of - lastOffered) + "," + (sv - lastServed) + "," + (rj - lastRejected) + ","
                            + s[3] + "," + field(q, "depth") + "," + field(q, "rate") + ","
                            + circuit(q));
                    lastServed = sv;
                    lastRejected = rj;
                    lastOffered = of;
                } catch (Exception e) {
                    rows.add(t + ",,,,,,,");
                }
            }
        });
        Burst b = burst("http://127.0.0.1:" + LEVEE + "/v1/queues/fragile/tasks", 202, offered);
        long drainBy = System.nanoTime() + Duration.ofSeconds(400).toNanos();
        String[] s;
        while (true) {
            s = get("http://127.0.0.1:" + BACKEND + "/stats").split(" ");
            long depth = Long.parseLong(field(get("http://127.0.0.1:" + LEVEE + "/v1/queues/fragile"), "depth"));
            if ((Long.parseLong(s[4]) >= b.ok() && depth == 0) || System.nanoTime() > drainBy || !levee.isAlive()) {
                break;
            }
            Thread.sleep(1_000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        double[] cpu1 = {cpuMs(leveePid), cpuMs(backend.pid()), cpuMs(beam)};
        Files.write(root.resolve("target/bench/fragile-timeline.csv"), rows);
        Files.writeString(root.resolve("docs/fragile-timeline.svg"), svg(rows, halveAt, recoverAt));
        long requests = Long.parseLong(s[0]);
        long rejected503 = Long.parseLong(s[2]);
        long delivered = Long.parseLong(s[4]);
        long lost = Math.max(0, b.ok() - delivered);
        String q = get("http://127.0.0.1:" + LEVEE + "/v1/queues/fragile");
        int[] follow = follow(rows, halveAt, recoverAt);
        System.out.printf(
                Locale.ROOT,
                "levee: %,d POSTs at %d/s for 10 s: %,d accepted, %,d failed " + FAILURES
                        + "; backend saw %,d requests, %,d answered 503"
                        + " (%.2f %%), %,d distinct tasks served, %d lost; dead-lettered %s; run %.0f s%n",
                b.sent(),
                20 * N,
                b.ok(),
                b.failed(),
                requests,
                rejected503,
                100.0 * rejected503 / Math.max(1, requests),
                delivered,
                lost,
                dlq(),
                seconds);
        System.out.printf(
                Locale.ROOT,
                "capacity %d -> %d at t=%d s: delivered <= %.0f/s after %d s; back to %d at t=%d s: delivered >= %.0f/s"
                        + " after %d s; rate cuts %s, circuit opened %s%n",
                N,
                N / 2,
                halveAt,
                N / 2 * 1.1,
                follow[0],
                N,
                recoverAt,
                N * 0.9,
                follow[1],
                field(q, "cuts"),
                field(q, "circuitOpened"));
        System.out.printf(
                Locale.ROOT,
                "cpu ms per delivered task: levee %.2f, backend %.2f, beam.smp %.2f; load average %s%n",
                (cpu1[0] - cpu0[0]) / Math.max(1, delivered),
                (cpu1[1] - cpu0[1]) / Math.max(1, delivered),
                (cpu1[2] - cpu0[2]) / Math.max(1, delivered),
                loadAverage());
        return b.failed() == 0 && lost == 0 && rejected503 < 0.01 * requests;
    }

    static final java.util.Map<String, AtomicLong> FAILURES = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Seconds from halving until delivery is at most half capacity + 10 %, and from recovery to 90 % of it. */
    static int[] follow(List<String> rows, long halveAt, long recoverAt) {
        int down = -1;
        int up = -1;
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",", -1);
            if (c[2].isEmpty()) {
                continue;
            }
            int t = Integer.parseInt(c[0]);
            long delivered = Long.parseLong(c[2]);
            if (down < 0 && t > halveAt && t <= recoverAt && delivered <= N / 2 * 1.1) {
                down = (int) (t - halveAt);
            }
            if (up < 0 && t > recoverAt && delivered >= N * 0.9) {
                up = (int) (t - recoverAt);
            }
        }
        return new int[] {down, up};
    }

    // ---------------------------------------------------------------- phase 3: two replicas, one budget

    static boolean replicas(List<Process> started) throws Exception {
        boolean ok = true;
        for (int round = 1; round <= ROUNDS; round++) {
            if (!BASELINE_JAR.isEmpty()) {
                ok &= replicas(started, BASELINE_JAR, "baseline round " + round);
            }
            ok &= replicas(started, JAR, BASELINE_JAR.isEmpty() ? "" : "candidate round " + round);
        }
        return ok;
    }

    /**
     * Two replicas on one budget deliver a backlog that was filled while their consumers were paused (so the rate at
     * which the benchmark can POST does not limit the delivery rate), resumed at once.
     */
    static boolean replicas(List<Process> started, String jar, String label) throws Exception {
        post("http://127.0.0.1:" + BACKEND + "/reset?c=100000");
        List<String> shared = List.of(
                "-Dlevee.limits.redis-uri=" + REDIS,
                "-Dlevee.limits.key-prefix=levee:bench:" + System.nanoTime() + ":");
        String queue = "fragile-shared";
        Process a = levee(PORT + 1, queue, shared, started, jar);
        Process b = levee(PORT + 2, queue, shared, started, jar);
        String qa = "http://127.0.0.1:" + (PORT + 1) + "/v1/queues/" + queue;
        String qb = "http://127.0.0.1:" + (PORT + 2) + "/v1/queues/" + queue;
        post(qa + "/pause");
        int backlog = N * 40;
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        long posting = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        try (var posters = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                posters.submit(() -> {
                    while (next.getAndIncrement() < backlog) {
                        HTTP.send(
                                HttpRequest.newBuilder(URI.create(qa + "/tasks"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                    }
                    return null;
                });
            }
        }
        double postSeconds = (System.nanoTime() - posting) / 1e9;
        long early =
                Long.parseLong(get("http://127.0.0.1:" + BACKEND + "/stats").split(" ")[0]);
        long beam = brokerPid();
        long redisPid = pidOf("redis-server");
        long[] pids = {a.pid(), b.pid(), backendPid, beam, redisPid};
        double[] cpu0 =
                java.util.Arrays.stream(pids).mapToDouble(Fragile::cpuMs).toArray();
        long commands0 = redisCommands();
        String load0 = loadAverage();
        post(qa + "/resume");
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (Long.parseLong(get("http://127.0.0.1:" + BACKEND + "/stats").split(" ")[1]) < backlog
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        double[] cpu1 =
                java.util.Arrays.stream(pids).mapToDouble(Fragile::cpuMs).toArray();
        long commands = redisCommands() - commands0;
        List<Long> arrivalsNanos = new ArrayList<>();
        get("http://127.0.0.1:" + BACKEND + "/times")
                .lines()
                .filter(l -> !l.isBlank())
                .forEach(l -> arrivalsNanos.add(Long.parseLong(l)));
        arrivalsNanos.sort(null);
        int busiest = 0;
        int end = 0;
        for (int s = 0; s < arrivalsNanos.size(); s++) {
            while (end < arrivalsNanos.size() && arrivalsNanos.get(end) - arrivalsNanos.get(s) < 1_000_000_000L) {
                end++;
            }
            busiest = Math.max(busiest, end - s);
        }
        double span = (arrivalsNanos.getLast() - arrivalsNanos.getFirst()) / 1e9;
        double rate = (arrivalsNanos.size() - 1) / span;
        int delivered = Math.max(1, arrivalsNanos.size());
        String sa = get(qa);
        String sb = get(qb);
        System.out.printf(
                Locale.ROOT,
                "replicas%s: 2 Levee workers, one Redis budget of %d/s: %,d tasks (POSTed in %.1f s while paused, %d"
                        + " delivered before resume) delivered in %.1f s (%.1f/s together, %.2f x the budget);"
                        + " busiest 1 s window %d (limit %.1f); budgets %s / %s; rate now %s / %s, cuts %s / %s;"
                        + " Redis commands %.1f per delivered task (server-wide); cpu ms per delivered task: levee"
                        + " %.2f + %.2f, backend %.2f, beam.smp %.2f, redis %.2f; load average %s -> %s%n",
                label.isEmpty() ? "" : " (" + label + ", " + Path.of(jar).getFileName() + ")",
                N,
                arrivalsNanos.size(),
                postSeconds,
                early,
                span,
                rate,
                rate / N,
                busiest,
                N * 1.05,
                field(sa, "budget"),
                field(sb, "budget"),
                field(sa, "rate"),
                field(sb, "rate"),
                field(sa, "cuts"),
                field(sb, "cuts"),
                commands / (double) delivered,
                (cpu1[0] - cpu0[0]) / delivered,
                (cpu1[1] - cpu0[1]) / delivered,
                (cpu1[2] - cpu0[2]) / delivered,
                (cpu1[3] - cpu0[3]) / delivered,
                (cpu1[4] - cpu0[4]) / delivered,
                load0,
                loadAverage());
        stop(a);
        stop(b);
        return busiest <= N * 1.05;
    }

    static long backendPid = -1;

    /** Commands Redis processed so far (all clients: the figure is only as good as Redis is quiet otherwise). */
    static long redisCommands() {
        try (var jedis = new redis.clients.jedis.Jedis(URI.create(REDIS))) {
            Matcher m = Pattern.compile("total_commands_processed:(\\d+)").matcher(jedis.info("stats"));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- phase 4: sync vs async, 80 ms backend

    static void syncVsAsync() throws Exception {
        Path body = root.resolve("target/bench/fragile-task.json");
        Files.writeString(body, "{\"order\":\"o\",\"pad\":\"" + "x".repeat(200) + "\"}");
        String direct = wrk(body, "http://127.0.0.1:" + BACKEND + "/slow80");
        String async = wrk(body, "http://127.0.0.1:" + LEVEE + "/v1/queues/sync80/tasks");
        System.out.println("sync (wrk -c64 10 s straight to an 80 ms backend): " + direct);
        System.out.println("async (wrk -c64 10 s POSTing to Levee, delivered later): " + async);
    }

    static String wrk(Path body, String url) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "timeout",
                        "60",
                        "wrk",
                        "-t2",
                        "-c64",
                        "-d10s",
                        "--timeout",
                        "10s",
                        "-s",
                        root.resolve("bench/wrk-post.lua").toString(),
                        url)
                .redirectErrorStream(true);
        pb.environment().put("LEVEE_BENCH_BODY", body.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("RESULT (.*)").matcher(out);
        return m.find() ? m.group(1) : out;
    }

    // ---------------------------------------------------------------- Levee processes

    static Process levee(int port, String queue, List<String> extra, List<Process> started) throws Exception {
        return levee(port, queue, extra, started, JAR);
    }

    static Process levee(int port, String queue, List<String> extra, List<Process> started, String jar)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                javaBin,
                "--sun-misc-unsafe-memory-access=allow",
                "-Dserver.port=" + port,
                "-Dserver.host=127.0.0.1",
                "-Dlevee.auth.enabled=false",
                "-Dlevee.amqp.uri=" + AMQP,
                "-Dlevee.role=all",
                "-Dlevee.queues." + queue + ".max-length=1000000",
                "-Dlevee.queues." + queue + ".retry-delays=1s,5s,30s",
                "-Dlevee.queues." + queue + ".prefetch=2",
                "-Dlevee.queues." + queue + ".delivery.url=http://127.0.0.1:" + BACKEND + "/work",
                "-Dlevee.queues." + queue + ".delivery.max-rate=" + N,
                "-Dlevee.queues." + queue + ".delivery.max-in-flight=16",
                "-Dlevee.queues." + queue + ".delivery.adaptive.latency-threshold=250ms",
                "-Dlevee.queues." + queue + ".delivery.adaptive.latency-window=5s",
                "-Dlevee.queues." + queue + ".delivery.adaptive.increase-per-second=" + Math.max(1, N / 10),
                "-Dlevee.queues.sync80.max-length=1000000",
                "-Dlevee.queues.sync80.delivery.url=http://127.0.0.1:" + BACKEND + "/slow80",
                "-Dlevee.queues.sync80.delivery.max-rate=2000",
                "-Dlevee.queues.sync80.delivery.max-in-flight=64"));
        command.addAll(extra);
        command.addAll(List.of("-jar", root.resolve(jar).toString()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("target/bench/fragile-levee-" + port + ".log")
                        .toFile())
                .start();
        started.add(p);
        await("Levee on " + port, () -> answers("http://127.0.0.1:" + port + "/health/ready"), Duration.ofSeconds(120));
        return p;
    }

    static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(40, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    // ---------------------------------------------------------------- the plot

    /** Offered and delivered rate, capacity and Levee's rate (left axis), depth (right axis), circuit (band). */
    static String svg(List<String> rows, long halveAt, long recoverAt) {
        List<double[]> data = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",", -1);
            if (java.util.Arrays.stream(c).anyMatch(String::isEmpty)) {
                continue; // a sample whose requests failed (Levee or the backend did not answer in time)
            }
            data.add(new double[] {
                Double.parseDouble(c[0]), Double.parseDouble(c[1]), Double.parseDouble(c[2]), Double.parseDouble(c[3]),
                Double.parseDouble(c[4]), Double.parseDouble(c[5]), Double.parseDouble(c[6]), Double.parseDouble(c[7])
            });
        }
        int w = 900;
        int h = 420;
        int left = 60;
        int right = 70;
        int top = 30;
        int bottom = 50;
        double tMax = data.isEmpty() ? 1 : data.getLast()[0];
        double yMax = N * 1.6;
        double dMax = Math.max(1, data.stream().mapToDouble(d -> d[5]).max().orElse(1));
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n",
                w,
                h));
        s.append("<rect width='100%' height='100%' fill='white'/>\n");
        double pw = w - left - right;
        double ph = h - top - bottom;
        for (double[] d : data) {
            if (d[7] > 0) {
                double x = left + (d[0] - 1) / tMax * pw;
                s.append(String.format(
                        Locale.ROOT,
                        "<rect x='%.1f' y='%d' width='%.1f' height='%.1f' fill='%s' opacity='0.25'/>%n",
                        x,
                        top,
                        pw / tMax,
                        ph,
                        d[7] == 2 ? "red" : "orange"));
            }
        }
        s.append(String.format(
                Locale.ROOT,
                "<rect x='%d' y='%d' width='%.0f' height='%.0f' fill='none' stroke='black'/>%n",
                left,
                top,
                pw,
                ph));
        for (int i = 0; i <= 4; i++) {
            double y = top + ph - i * ph / 4;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1='%d' x2='%.0f' y1='%.1f' y2='%.1f' stroke='#ddd'/>%n",
                    left,
                    left + pw,
                    y,
                    y));
            s.append(String.format(
                    Locale.ROOT,
                    "<text x='%d' y='%.1f' text-anchor='end'>%.0f</text>%n",
                    left - 5,
                    y + 4,
                    yMax * i / 4));
            s.append(String.format(
                    Locale.ROOT, "<text x='%.0f' y='%.1f'>%.0f</text>%n", left + pw + 5, y + 4, dMax * i / 4));
        }
        for (int t = 0; t <= tMax; t += 30) {
            double x = left + t / tMax * pw;
            s.append(String.format(
                    Locale.ROOT, "<text x='%.1f' y='%.0f' text-anchor='middle'>%d</text>%n", x, top + ph + 15, t));
        }
        s.append(String.format(
                Locale.ROOT,
                "<text x='%.0f' y='%d' text-anchor='middle'>seconds (capacity halved at %d s, back at %d s)</text>%n",
                left + pw / 2,
                h - 12,
                halveAt,
                recoverAt));
        s.append(String.format(
                Locale.ROOT,
                "<text x='15' y='%.0f' transform='rotate(-90 15 %.0f)' text-anchor='middle'>requests/s (offered clipped at %.0f)</text>%n",
                top + ph / 2,
                top + ph / 2,
                yMax));
        s.append(String.format(
                Locale.ROOT,
                "<text x='%d' y='%.0f' transform='rotate(90 %d %.0f)' text-anchor='middle'>queue depth</text>%n",
                w - 15,
                top + ph / 2,
                w - 15,
                top + ph / 2));
        String[][] series = {
            {"1", "#999", "offered (POSTs/s)"},
            {"4", "black", "backend capacity"},
            {"6", "#1f77b4", "Levee rate"},
            {"2", "#2ca02c", "delivered (2xx/s)"},
            {"3", "red", "503/s"},
            {"5", "#9467bd", "depth (right axis)"}
        };
        int legend = 0;
        for (String[] ser : series) {
            int col = Integer.parseInt(ser[0]);
            StringBuilder pts = new StringBuilder();
            for (double[] d : data) {
                double v = col == 5 ? d[col] / dMax * yMax : Math.min(d[col], yMax);
                double x = left + (d[0] - 1) / tMax * pw;
                double y = top + ph - v / yMax * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append(String.format(
                    Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>%n", ser[1], pts));
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='%s' stroke-width='3'/><text x='%d' y='%d'>%s</text>%n",
                    left + 10 + legend * 135,
                    left + 30 + legend * 135,
                    15,
                    15,
                    ser[1],
                    left + 34 + legend * 135,
                    19,
                    ser[2]));
            legend++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    // ---------------------------------------------------------------- helpers

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(String what, Check check, Duration timeout) throws Exception {
        long by = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > by) {
                throw new IllegalStateException(what + " not ready within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    static boolean answers(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String get(String url) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static void post(String url) throws Exception {
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** A JSON member's value as text (numbers and strings), good enough for Levee's flat answers. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    static String circuit(String json) {
        return switch (field(json, "circuit")) {
            case "open" -> "2";
            case "half-open" -> "1";
            default -> "0";
        };
    }

    static String dlq() {
        try {
            var f = new com.rabbitmq.client.ConnectionFactory();
            f.setUri(AMQP);
            try (var c = f.newConnection();
                    var ch = c.createChannel()) {
                return Long.toString(ch.queueDeclarePassive("fragile.dlq").getMessageCount());
            }
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** The oldest process of that name (the pre-started broker, not a test's extra node). */
    /**
     * The broker's process: the beam.smp holding the socket that listens on the AMQP port. Other RabbitMQ nodes may
     * run on the machine (fault scenarios start their own), so the lowest-numbered beam.smp is not necessarily it;
     * falls back to that when /proc does not tell.
     */
    static long brokerPid() {
        URI amqp = URI.create(AMQP);
        String port = String.format(Locale.ROOT, ":%04X", amqp.getPort() > 0 ? amqp.getPort() : 5672);
        Set<String> listening = new java.util.HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] c = line.trim().split("\\s+");
                    if (c.length > 9 && c[1].endsWith(port) && c[3].equals("0A")) {
                        listening.add("socket:[" + c[9] + "]");
                    }
                }
            } catch (IOException ignored) {
                // no such table here
            }
        }
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.toList()) {
                try {
                    if (!Files.readString(d.resolve("comm")).trim().equals("beam.smp")) {
                        continue;
                    }
                    try (var fds = Files.list(d.resolve("fd"))) {
                        for (Path fd : fds.toList()) {
                            try {
                                if (listening.contains(
                                        Files.readSymbolicLink(fd).toString())) {
                                    return Long.parseLong(d.getFileName().toString());
                                }
                            } catch (IOException ignored) {
                                // closed meanwhile
                            }
                        }
                    }
                } catch (IOException | NumberFormatException ignored) {
                    // not a process, or gone meanwhile
                }
            }
        } catch (IOException e) {
            return pidOf("beam.smp");
        }
        return pidOf("beam.smp");
    }

    static long pidOf(String name) {
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.sorted(java.util.Comparator.comparingLong(
                            p -> p.getFileName().toString().chars().allMatch(Character::isDigit)
                                    ? Long.parseLong(p.getFileName().toString())
                                    : Long.MAX_VALUE))
                    .toList()) {
                String n = d.getFileName().toString();
                if (n.chars().allMatch(Character::isDigit)) {
                    try {
                        if (Files.readString(d.resolve("comm")).trim().equals(name)) {
                            return Long.parseLong(n);
                        }
                    } catch (IOException ignored) {
                        // gone meanwhile
                    }
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peak-shaving benchmark (run by bench/peak-shaving/run.sh; not a test).
 *
 * <p>A stub downstream on 127.0.0.1:18151, in its own JVM so that the load does not delay its clock readings,
 * records when each task arrives and answers 204 at once. Levee (127.0.0.1:18150, role all) delivers queue
 * {@code bench-peak} to it with {@code delivery.max-rate=50} ({@code -Dlevee.bench.rate}). After a 2 s wrk warm-up
 * into a queue nobody consumes (so that JIT compilation does not limit the burst), wrk -c64 POSTs as fast as Levee
 * accepts for 1 s (smoke) or 3 s; the burst must be at least 20x max-rate. Then the benchmark waits for every accepted
 * task to arrive and reports: failed submissions (anything but a 202, or a socket error), lost and duplicate tasks,
 * what is left in the queue or dead-lettered, the most arrivals in any 1 s window, and the backlog's drain rate
 * (arrivals over the span from the first to the last). Exits 1 when a target is missed: burst at least 20x, 0 failed,
 * 0 lost, 0 left, 0 dead-lettered, busiest 1 s window at most max-rate + 5 %, drain at least 0.95x max-rate.
 */
public final class PeakShaving {

    static final String AMQP = "amqp://guest:guest@127.0.0.1:5672";
    static final String QUEUE = "bench-peak";
    static final int LEVEE_PORT = 18150;
    static final int STUB_PORT = 18151;
    /** The downstream's capacity: 20x of it (1,000/s) is what this 2-core box can reliably POST while delivering. */
    static final int RATE = Integer.getInteger("levee.bench.rate", 50);

    static final int CONNECTIONS = 64;
    static final String WARMUP_QUEUE = "bench-peak-warmup";

    record Arrival(long nanos, String id) {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("stub")) {
            stub();
            return;
        }
        boolean smoke = List.of(args).contains("--smoke");
        int seconds = smoke ? 1 : 3;
        Path root =
                Path.of(System.getProperty("levee.root", ".")).toAbsolutePath().normalize();
        Path log = root.resolve("target/bench/peak-shaving-levee.log");
        java.nio.file.Files.createDirectories(log.getParent());

        // A queue left by an earlier run would deliver its leftovers into this run's measurement.
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(AMQP);
        try (Connection c = f.newConnection("levee-bench-peak");
                Channel ch = c.createChannel()) {
            ch.queueDelete(QUEUE);
            ch.queueDelete(WARMUP_QUEUE);
        }

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process stub = new ProcessBuilder(
                        javaBin,
                        "-cp",
                        System.getProperty("java.class.path"),
                        root.resolve("bench/peak-shaving/PeakShaving.java").toString(),
                        "stub")
                .redirectErrorStream(true)
                .redirectOutput(
                        root.resolve("target/bench/peak-shaving-stub.log").toFile())
                .start();
        List<String> command = List.of(
                javaBin,
                "--sun-misc-unsafe-memory-access=allow",
                "-Dserver.port=" + LEVEE_PORT,
                "-Dlevee.auth.enabled=false",
                "-Dserver.host=127.0.0.1",
                "-Dlevee.amqp.uri=" + AMQP,
                "-Dlevee.role=all",
                "-Dlevee.queues." + QUEUE + ".max-length=1000000",
                "-Dlevee.queues." + QUEUE + ".retry-delays=1s",
                "-Dlevee.queues." + QUEUE + ".delivery.url=http://127.0.0.1:" + STUB_PORT + "/sink",
                "-Dlevee.queues." + QUEUE + ".delivery.max-rate=" + RATE,
                "-Dlevee.queues." + QUEUE + ".delivery.max-in-flight=16",
                "-Dlevee.queues." + WARMUP_QUEUE + ".max-length=1000000",
                "-jar",
                root.resolve("target/levee.jar").toString());
        Process levee = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int status;
        try {
            status = run(root, f, levee, log, seconds);
        } finally {
            for (Process p : List.of(levee, stub)) {
                p.destroy();
                if (!p.waitFor(40, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            try (Connection c = f.newConnection("levee-bench-peak");
                    Channel ch = c.createChannel()) {
                ch.queueDelete(WARMUP_QUEUE);
            }
        }
        System.exit(status);
    }

    /** The stub downstream: POST /sink records an arrival; GET /report lists them as "nanos id" lines. */
    static void stub() throws Exception {
        ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", STUB_PORT), 256);
        // Platform threads: a virtual thread's first run waits for a free carrier, which would delay the reading.
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/sink", exchange -> {
            long now = System.nanoTime();
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            arrivals.add(new Arrival(now, exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/report", exchange -> {
            StringBuilder out = new StringBuilder();
            arrivals.forEach(
                    a -> out.append(a.nanos()).append(' ').append(a.id()).append('\n'));
            byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
    }

    static List<Arrival> report(HttpClient http) throws Exception {
        String text = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + STUB_PORT + "/report"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        List<Arrival> out = new ArrayList<>();
        text.lines().forEach(l -> {
            int sp = l.indexOf(' ');
            out.add(new Arrival(Long.parseLong(l.substring(0, sp)), l.substring(sp + 1)));
        });
        return out;
    }

    static int run(Path root, ConnectionFactory f, Process levee, Path log, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        String base = "http://127.0.0.1:" + LEVEE_PORT;
        long readyBy = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String stubReport = "http://127.0.0.1:" + STUB_PORT + "/report";
        while (!answers(http, base + "/health/ready") || !answers(http, stubReport)) {
            if (!levee.isAlive() || System.nanoTime() > readyBy) {
                System.err.println("Levee or the stub did not become ready; see " + log);
                return 1;
            }
            Thread.sleep(200);
        }

        Path body = root.resolve("target/bench/peak-shaving-task.json");
        java.nio.file.Files.writeString(body, "{\"order\":\"o-1\",\"pad\":\"" + "x".repeat(200) + "\"}");
        // Warm-up into a queue nobody consumes, so that JIT compilation does not limit the burst.
        wrk(root, body, WARMUP_QUEUE, 2);
        Wrk burst = wrk(root, body, QUEUE, seconds);
        long failed = burst.requests() - burst.accepted() + burst.socketErrors();

        // The backlog drains at RATE: allow twice the nominal time before calling anything lost.
        long drainBy = System.nanoTime()
                + Duration.ofSeconds(2L * burst.requests() / RATE + 30).toNanos();
        List<Arrival> all = report(http);
        long left;
        long deadLettered;
        try (Connection c = f.newConnection("levee-bench-peak");
                Channel ch = c.createChannel()) {
            left = ch.queueDeclarePassive(QUEUE).getMessageCount();
            while ((arrivedIds(all).size() < burst.accepted() || left > 0)
                    && System.nanoTime() < drainBy
                    && levee.isAlive()) {
                Thread.sleep(500);
                all = report(http);
                left = ch.queueDeclarePassive(QUEUE).getMessageCount();
            }
            // The queue is empty, but the last few tasks may still be on their way to the stub.
            Thread.sleep(1_000);
            all = report(http);
            deadLettered = ch.queueDeclarePassive(QUEUE + ".dlq").getMessageCount();
        }
        all.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        StringBuilder times = new StringBuilder();
        all.forEach(a -> times.append(a.nanos()).append(' ').append(a.id()).append('\n'));
        java.nio.file.Files.writeString(root.resolve("target/bench/peak-shaving-arrivals.txt"), times);
        Set<String> arrived = arrivedIds(all);
        // wrk stops counting at its deadline while up to CONNECTIONS requests are still being answered; Levee may
        // accept those too, so the downstream may see up to CONNECTIONS more tasks than wrk counted, never fewer.
        // wrk does not report task ids, so "lost" is a count; the queue and its dead-letter queue must be empty too.
        long lost = Math.max(0, burst.accepted() - arrived.size());
        int duplicates = all.size() - arrived.size();
        int busiest = busiestSecond(all);
        double drainSeconds =
                all.size() < 2 ? 0 : (all.getLast().nanos() - all.getFirst().nanos()) / 1e9;
        double drainRate = drainSeconds == 0 ? 0 : (all.size() - 1) / drainSeconds;

        double burstRate = burst.requests() / burst.seconds();
        System.out.printf(
                Locale.ROOT,
                "burst: wrk -c%d for %d s: %,d requests (%,.0f/s = %.1fx max-rate), %,d"
                        + " accepted, %d failed; p99 %.1f ms%n",
                CONNECTIONS,
                seconds,
                burst.requests(),
                burstRate,
                burstRate / RATE,
                burst.accepted(),
                failed,
                burst.p99Ms());
        System.out.printf(
                Locale.ROOT,
                "downstream (max-rate %d/s): %,d arrivals, %d lost, %d duplicates, %d left"
                        + " in the queue, %d dead-lettered; busiest 1 s window %d (limit %.0f); drain %.1f tasks/s over"
                        + " %.1f s (%.3fx max-rate)%n",
                RATE,
                all.size(),
                lost,
                duplicates,
                left,
                deadLettered,
                busiest,
                RATE * 1.05,
                drainRate,
                drainSeconds,
                drainRate / RATE);
        boolean ok = failed == 0
                && lost == 0
                && left == 0
                && deadLettered == 0
                && burstRate >= 20 * RATE
                && busiest <= RATE * 1.05
                && drainRate >= 0.95 * RATE;
        System.out.println("peak-shaving: " + (ok ? "PASS" : "FAIL"));
        return ok ? 0 : 1;
    }

    /** What wrk's RESULT line (bench/wrk-post.lua) reported. */
    record Wrk(long requests, long accepted, long socketErrors, double seconds, double p99Ms) {}

    /** POSTs the body to the queue from wrk -c{CONNECTIONS} for that many seconds. */
    static Wrk wrk(Path root, Path body, String queue, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "timeout",
                        Integer.toString(seconds + 30),
                        "wrk",
                        "-t2",
                        "-c" + CONNECTIONS,
                        "-d" + seconds + "s",
                        "--timeout",
                        "10s",
                        "-s",
                        root.resolve("bench/wrk-post.lua").toString(),
                        "http://127.0.0.1:" + LEVEE_PORT + "/v1/queues/" + queue + "/tasks")
                .redirectErrorStream(true);
        pb.environment().put("LEVEE_BENCH_BODY", body.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("RESULT requests=(\\d+) accepted=(\\d+) other=\\d+ socket_errors=(\\d+)"
                        + " seconds=([0-9.]+) rps=\\d+ p50_ms=[0-9.]+ p99_ms=([0-9.]+)")
                .matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no RESULT line:\n" + out);
        }
        return new Wrk(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)),
                Double.parseDouble(m.group(4)),
                Double.parseDouble(m.group(5)));
    }

    static Set<String> arrivedIds(List<Arrival> arrivals) {
        Set<String> ids = new java.util.HashSet<>();
        arrivals.forEach(a -> ids.add(a.id()));
        return ids;
    }

    /** The most arrivals in any window [t, t + 1 s) that starts at an arrival. */
    static int busiestSecond(List<Arrival> sorted) {
        int most = 0;
        int end = 0;
        for (int s = 0; s < sorted.size(); s++) {
            while (end < sorted.size()
                    && sorted.get(end).nanos() - sorted.get(s).nanos() < 1_000_000_000L) {
                end++;
            }
            most = Math.max(most, end - s);
        }
        return most;
    }

    static boolean answers(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Levee's fault harness (run by bench/faults/run.sh; not a test). Each scenario starts real Levee processes
 * ({@code java}, a gateway and a worker whose handler records every handled task in PostgreSQL), sends a bounded
 * burst of HTTP submissions, injects one fault, waits for the backlog to drain (bounded), and accounts for every
 * task: requests, 202s, other statuses, handled, lost (a 202 whose task was never handled and is in no Levee queue:
 * must be 0), duplicates (handled more than once), held (a 202 whose task is still waiting in a Levee queue at the
 * end, e.g. a retry copy the broker keeps while its queue is full), and the threads, broker connections and channels
 * before and after.
 *
 * <p>Scenarios: 1 connections cut by a TCP proxy; 2 broker restarted (own node); 3 worker kill -9 mid-drain; 4
 * gateway kill -9 mid-burst; 5 queue full with retries waiting and handlers returning tasks (bulkhead below
 * concurrency); 6 memory alarm (own node); 7 one node of a 3-node cluster killed (own nodes).
 */
public final class Faults {

    /** The gateway's HTTP port; the worker's is the next one, the proxy's ten above (-Dfaults.port). */
    static final int GATEWAY_PORT = Integer.getInteger("faults.port", 18110);

    static final int WORKER_PORT = GATEWAY_PORT + 1;
    static final int PROXY_PORT = GATEWAY_PORT + 10;
    /** Own node n listens for AMQP on this + n and for Erlang distribution on NODE_DIST_PORT + n. */
    static final int NODE_PORT = Integer.getInteger("faults.node-port", 5680);

    static final int NODE_DIST_PORT = Integer.getInteger("faults.node-dist-port", 25680);
    /** Queues an accepted task may wait in on its way to the handler; anywhere else unhandled, it is lost. */
    static final List<String> WAITING = List.of("faults", "faults.retry.1s");

    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    static Path root;
    static String javaBin;
    static String vhost;
    static String jdbc;
    static String table;
    static boolean ci;
    static final List<Row> rows = new ArrayList<>();
    static final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public static void main(String[] args) throws Exception {
        root = Path.of(System.getProperty("levee.root", ".")).toAbsolutePath().normalize();
        javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        vhost = System.getProperty("faults.vhost", "levee-rel");
        jdbc = System.getProperty("faults.jdbc", "jdbc:postgresql://127.0.0.1:5432/levee_rel?user=postgres");
        table = "faults_" + ProcessHandle.current().pid();
        ci = List.of(args).contains("--ci");
        List<String> scenarios = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                scenarios.addAll(List.of(a.split(",")));
            }
        }
        if (scenarios.isEmpty()) {
            scenarios.addAll(List.of("3", "4", "5"));
        }
        ensureDatabase();
        sql("create table " + table
                + " (task_id text not null, attempt int, pid bigint, at timestamptz default now())");
        sql("create table " + table + "_accepted (task_id text primary key)");
        boolean failed = false;
        long started = System.nanoTime();
        try {
            for (String s : scenarios) {
                long scenarioStarted = System.nanoTime();
                sql("truncate " + table);
                sql("truncate " + table + "_accepted");
                Row row =
                        switch (s) {
                            case "1" -> new Scenario1().run();
                            case "3" -> new Scenario3().run();
                            case "4" -> new Scenario4().run();
                            case "5" -> new Scenario5().run();
                            case "2" -> new Scenario2().run();
                            case "6" -> new Scenario6().run();
                            case "7" -> new Scenario7().run();
                            default -> throw new IllegalArgumentException("unknown scenario " + s);
                        };
                row.seconds = (System.nanoTime() - scenarioStarted) / 1e9;
                rows.add(row);
                System.out.println(row.line());
                failed |= row.lost > 0 || row.error != null;
            }
        } finally {
            sql("drop table if exists " + table);
            sql("drop table if exists " + table + "_accepted");
        }
        System.out.println();
        System.out.println(Row.HEADER);
        rows.forEach(r -> System.out.println(r.line()));
        long lost = rows.stream().mapToLong(r -> r.lost).sum();
        System.out.printf(Locale.ROOT, "faults took: %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("faults lost: " + lost);
        System.exit(failed ? 1 : 0);
    }

    // ---------------------------------------------------------------------------------------------------- scenarios

    /** What every scenario shares: one gateway, one worker, a burst, a fault, a bounded drain, the accounting. */
    abstract static class Scenario {
        final List<Levee> processes = new CopyOnWriteArrayList<>();
        Levee gateway;
        Levee worker;
        String amqpUri = "amqp://guest:guest@127.0.0.1:5672/" + vhost;
        String brokerNode = null; // rabbitmqctl -n, null for the default node
        String note = "";
        /** A fault step that failed (a restart never ready): the row is an error, whatever its counts. */
        final AtomicReference<Throwable> faultFailure = new AtomicReference<>();

        abstract String name();

        abstract String command();

        int tasks() {
            return ci ? 1_000 : 10_000;
        }

        int concurrency() {
            return 32;
        }

        /** How long the accounting waits for the broker to settle what the stopped processes left (see run). */
        static final Duration SETTLE_BOUND = Duration.ofSeconds(20);

        Duration drainBound() {
            return ci ? Duration.ofSeconds(40) : Duration.ofSeconds(120);
        }

        Map<String, String> queue() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("levee.queues.faults.max-length", "100000");
            q.put("levee.queues.faults.concurrency", "4");
            q.put("levee.queues.faults.prefetch", "20");
            q.put("levee.queues.faults.delivery-limit", "20");
            q.put("levee.queues.faults.retry-delays", "1s");
            q.put("levee.faults.fail-first-percent", "5");
            q.put("levee.faults.work-time", "PT0.001S");
            return q;
        }

        List<String> queues() {
            return List.of("faults", "faults.retry.1s", "faults.dlq", "levee.unroutable");
        }

        /** The virtual host whose connections and channels are counted. */
        List<String> vhostFilter() {
            return List.of(vhost);
        }

        /** Where the harness itself reads the broker (around any proxy). */
        String scanUri() {
            return amqpUri;
        }

        void before() throws Exception {}

        /**
         * A few tasks through every path (some retried) before the "before" count, so that connections and threads
         * opened on first use (settlement, database) are in both counts. They are not part of the accounting.
         */
        void warmUp() throws Exception {
            Burst w = Burst.send(50, 4, sent -> false, () -> {});
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (handledAmong(w.accepted) < w.accepted.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }

        /** Sends the burst, injecting the fault on the way. */
        abstract Burst burst() throws Exception;

        void after() throws Exception {}

        Row run() throws Exception {
            Row row = new Row(name(), command());
            try {
                before();
                deleteQueues(scanUri(), queues());
                gateway = start("gateway", "gateway", GATEWAY_PORT);
                worker = start("worker", "worker", WORKER_PORT);
                awaitReady(gateway);
                awaitReady(worker);
                warmUp();
                row.before = Resources.measure(processes, vhostFilter().getFirst(), brokerNode);
                Burst b = burst();
                row.requests = b.sent.get();
                row.accepted = b.accepted.size();
                row.statuses = new TreeMap<>(b.statuses);
                storeAccepted(b.accepted);
                long deadline = System.nanoTime() + drainBound().toNanos();
                while (unhandled() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                }
                row.drainSeconds = (drainBound().toNanos() - (deadline - System.nanoTime())) / 1e9;
                // What the broker holds when the bound ran out: a task invisible to basic.get (held by dead-lettering,
                // or prefetched by a consumer that never ran it) shows here and nowhere else.
                String atBound = unhandled() > 0
                        ? BrokerCounts.read(brokerNode, vhostFilter().getFirst()) + "; channels holding tasks: "
                                + BrokerCounts.channelsHolding(
                                        brokerNode, vhostFilter().getFirst())
                                + "; worker threads: " + ThreadDump.save(worker)
                                + "; broker state: "
                                + BrokerCounts.saveState(
                                        brokerNode, vhostFilter().getFirst())
                        : "-";
                // Connections and channels opened on first use are counted in "before" after the warm-up; the same
                // warm-up after the fault makes "after" comparable (a connection reopened lazily is not missing).
                warmUp();
                row.after = Resources.measure(processes, vhostFilter().getFirst(), brokerNode);
                String missingAfter = row.before.missingIn(row.after);
                String newAfter = row.after.missingIn(row.before);
                // The accounting reads the queues once no consumer holds a task: a task prefetched by a worker is
                // invisible to basic.get and would read as lost. Stopping drains in-flight tasks and returns the rest.
                List<String> killed = new ArrayList<>();
                for (Levee l : processes) {
                    if (l.stop()) {
                        killed.add(l.name);
                    }
                }
                // A task handed back by a closing consumer, or held by at-least-once dead-lettering (a retry copy
                // expiring into a full queue), is in its queue but invisible to basic.get until the broker is done
                // with it: the scan waits (bounded) until no queue reports such a message.
                BrokerCounts atScan =
                        BrokerCounts.awaitSettled(brokerNode, vhostFilter().getFirst(), SETTLE_BOUND);
                Set<String> missing = unhandledIds();
                Map<String, Set<String>> found = QueueScan.ids(scanUri(), queues());
                Set<String> held = new HashSet<>();
                Set<String> parked = new HashSet<>();
                found.forEach((q, ids) -> (WAITING.contains(q) ? held : parked).addAll(ids));
                held.retainAll(missing);
                parked.retainAll(missing);
                parked.removeAll(held);
                row.held = held.size();
                // Unhandled and dead-lettered or parked in levee.unroutable counts as lost: the handler never saw it.
                row.lost = missing.size() - held.size();
                long[] h = handledCounts();
                row.handled = h[1];
                row.duplicates = h[0] - h[1];
                row.note = note + b.latencies();
                if (!missingAfter.isEmpty() || !newAfter.isEmpty()) {
                    row.note += " connections after vs before: fewer " + (missingAfter.isEmpty() ? "-" : missingAfter)
                            + "; more " + (newAfter.isEmpty() ? "-" : newAfter) + ";";
                }
                if (!parked.isEmpty()) {
                    row.note += " " + parked.size() + " unhandled in faults.dlq or levee.unroutable;";
                }
                if (atScan.unsettled() > 0) {
                    row.note += " at the scan, " + atScan.unsettled() + " message(s) still unacknowledged or held by"
                            + " dead-lettering, invisible to basic.get (" + atScan + ");";
                }
                if (!killed.isEmpty()) {
                    row.note += " " + killed + " did not exit within 30 s of SIGTERM (killed);";
                }
                if (row.lost > 0) {
                    List<String> sample = missing.stream()
                            .filter(id -> !held.contains(id))
                            .limit(5)
                            .toList();
                    row.note += " LOST e.g. " + sample;
                    row.note += " broker at the drain bound: [" + atBound + "]; at the scan: [" + atScan + "];";
                    for (String id : sample) {
                        row.note += " worker log of " + id + ": " + LogLines.of(worker, id) + ";";
                    }
                    row.note += " " + lateCheck(missing, held) + ";";
                }
                faultFailure.compareAndSet(null, b.faultError.get());
                if (faultFailure.get() != null) {
                    throw new IllegalStateException("the fault step failed", faultFailure.get());
                }
            } catch (Exception e) {
                row.error = e.toString();
                e.printStackTrace();
            } finally {
                for (Levee l : processes) {
                    l.stop();
                }
                after();
            }
            return row;
        }

        /**
         * Whether tasks missing at the scan come back later (nothing consumes any more): the queues are scanned again
         * once a second for 60 s, with the broker's counts.
         */
        String lateCheck(Set<String> missing, Set<String> held) throws Exception {
            Set<String> lost = new HashSet<>(missing);
            lost.removeAll(held);
            long started = System.nanoTime();
            StringBuilder out = new StringBuilder("late check:");
            while (!lost.isEmpty()
                    && System.nanoTime() - started < Duration.ofSeconds(60).toNanos()) {
                Thread.sleep(1_000);
                Map<String, Set<String>> found = QueueScan.ids(scanUri(), queues());
                for (var e : found.entrySet()) {
                    for (String id : e.getValue()) {
                        if (lost.remove(id)) {
                            out.append(String.format(
                                    Locale.ROOT,
                                    " %s in %s after %.0f s [%s]",
                                    id,
                                    e.getKey(),
                                    (System.nanoTime() - started) / 1e9,
                                    BrokerCounts.read(brokerNode, vhostFilter().getFirst())));
                        }
                    }
                }
            }
            if (!lost.isEmpty()) {
                out.append(" not back within 60 s: ")
                        .append(lost)
                        .append(" [")
                        .append(BrokerCounts.read(brokerNode, vhostFilter().getFirst()))
                        .append("]");
            }
            return out.toString();
        }

        Levee start(String name, String role, int port) throws IOException {
            Map<String, String> props = new LinkedHashMap<>(queue());
            props.put("levee.role", role);
            props.put("server.port", Integer.toString(port));
            Levee l = Levee.start(name, props, amqpUri);
            processes.add(l);
            return l;
        }

        Levee restart(Levee old) throws IOException {
            processes.remove(old);
            Levee l = Levee.start(old.name, old.props, amqpUri);
            processes.add(l);
            return l;
        }
    }

    /** A scenario on a RabbitMQ node of the harness's own, whose default virtual host it counts. */
    abstract static class OnOwnNode extends Scenario {
        final Node node;

        OnOwnNode(int n) {
            node = new Node(n);
        }

        @Override
        void before() throws Exception {
            node.start();
            amqpUri = node.uri();
            brokerNode = node.name();
        }

        @Override
        List<String> vhostFilter() {
            return List.of("/");
        }

        @Override
        void after() throws Exception {
            node.stop();
        }
    }

    /** Scenario 3: the worker killed with kill -9 while it drains a backlog, then restarted. */
    static final class Scenario3 extends Scenario {
        String name() {
            return "3 worker kill -9 mid-drain";
        }

        String command() {
            return "bench/faults/run.sh 3" + (ci ? " --ci" : "");
        }

        @Override
        Map<String, String> queue() {
            Map<String, String> q = super.queue();
            q.put("levee.faults.work-time", "PT0.005S");
            return q;
        }

        Burst burst() throws Exception {
            long start = handlingRows();
            // Mid-drain: once a third of the burst is handled, the rest waiting in the queue or in flight.
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (handlingRows() - start < tasks() / 3 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    long handledAtKill = handlingRows() - start;
                    worker.kill();
                    note = "worker killed after " + handledAtKill + " handlings, restarted;";
                    worker = restart(worker);
                    awaitReady(worker);
                } catch (Exception e) {
                    faultFailure.set(e);
                }
            });
            Burst b = Burst.send(tasks(), concurrency(), sent -> false, () -> {});
            killer.join(Duration.ofMinutes(3));
            return b;
        }
    }

    /** Scenario 4: the gateway killed with kill -9 in the middle of the burst, then restarted. */
    static final class Scenario4 extends Scenario {
        String name() {
            return "4 gateway kill -9 mid-burst";
        }

        String command() {
            return "bench/faults/run.sh 4" + (ci ? " --ci" : "");
        }

        Burst burst() throws Exception {
            return Burst.sendFaultingOnce(tasks(), concurrency(), tasks() * 2 / 5, () -> {
                gateway.kill();
                note = "gateway killed after " + tasks() * 2 / 5 + " requests, restarted;";
                gateway = restart(gateway);
                awaitReady(gateway);
            });
        }
    }

    /**
     * Scenario 5: the queue full (a small bound, a burst far above it) while tasks wait in the retry queue (a share
     * of first attempts fails) and while handlers return tasks (bulkhead 2 below concurrency 6).
     */
    static final class Scenario5 extends OnOwnNode {
        /**
         * On the harness's own node: a retry copy that expires into the full queue is held by the broker's at-least-once
         * dead-lettering (invisible to a consumer) and retried after dead_letter_worker_publisher_confirm_timeout,
         * 180 s by default; the own node sets 5 s, so held tasks come back within the drain bound.
         */
        Scenario5() {
            super(9);
        }

        String name() {
            return "5 queue full + retries + returns";
        }

        String command() {
            return "bench/faults/run.sh 5" + (ci ? " --ci" : "");
        }

        @Override
        Map<String, String> queue() {
            Map<String, String> q = super.queue();
            q.put("levee.queues.faults.max-length", "200");
            q.put("levee.queues.faults.concurrency", "6");
            q.put("levee.queues.faults.prefetch", "5");
            q.put("levee.faults.fail-first-percent", "20");
            q.put("levee.faults.work-time", "PT0.002S");
            q.put("levee.faults.RecordingHandler/handle/Bulkhead/value", "2");
            return q;
        }

        Burst burst() throws Exception {
            return Burst.send(tasks(), concurrency(), sent -> false, () -> {});
        }
    }

    /** Scenario 1: every broker connection cut by a TCP proxy between Levee and RabbitMQ, three times mid-burst. */
    static final class Scenario1 extends Scenario {
        Proxy proxy;

        String name() {
            return "1 connections cut (proxy)";
        }

        String command() {
            return "bench/faults/run.sh 1" + (ci ? " --ci" : "");
        }

        @Override
        String scanUri() {
            return "amqp://guest:guest@127.0.0.1:5672/" + vhost;
        }

        @Override
        void before() throws IOException {
            proxy = Proxy.start(PROXY_PORT, 5672);
            amqpUri = "amqp://guest:guest@127.0.0.1:" + PROXY_PORT + "/" + vhost;
        }

        Burst burst() throws Exception {
            AtomicInteger cuts = new AtomicInteger();
            Burst b = Burst.send(tasks(), concurrency(), sent -> sent >= (cuts.get() + 1) * tasks() / 4, () -> {
                if (cuts.get() < 3) {
                    cuts.incrementAndGet();
                    proxy.cut();
                }
            });
            note = cuts.get() + " cuts, " + proxy.cutConnections.sum() + " connections dropped;";
            return b;
        }

        @Override
        void after() {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /** Scenario 2: the harness's own RabbitMQ node stopped ({@code stop_app}) mid-burst and started again. */
    static final class Scenario2 extends OnOwnNode {
        Scenario2() {
            super(1);
        }

        String name() {
            return "2 broker restart (own node)";
        }

        String command() {
            return "bench/faults/run.sh 2" + (ci ? " --ci" : "");
        }

        Burst burst() throws Exception {
            AtomicInteger refusedWhileAway = new AtomicInteger();
            Burst b = Burst.sendFaultingOnce(tasks(), concurrency(), tasks() / 3, () -> {
                long t0 = System.nanoTime();
                // The clients wait while rabbitmqctl stops the broker (seconds on a loaded machine), so the rest of
                // the burst meets a stopped broker instead of finishing before it stops.
                Burst.paused = true;
                try {
                    node.ctl("stop_app");
                } finally {
                    Burst.paused = false;
                }
                int before = Burst.current.sent.get() - Burst.current.accepted.size();
                node.ctl("start_app");
                node.ctl("await_startup");
                refusedWhileAway.set(Burst.current.sent.get() - Burst.current.accepted.size() - before);
                note = String.format(
                        Locale.ROOT,
                        "stop_app/start_app after %d requests, broker away %.1f s;",
                        tasks() / 3,
                        (System.nanoTime() - t0) / 1e9);
            });
            if (refusedWhileAway.get() == 0) {
                faultFailure.compareAndSet(
                        null, new IllegalStateException("no request refused while the broker was away"));
            }
            // Recovery: a probe burst once the broker is back, accounted with the rest.
            Burst probe = Burst.send(100, 4, sent -> false, () -> {});
            b.absorb(probe);
            note += " " + refusedWhileAway.get() + " refused while it was away; after it came back "
                    + probe.accepted.size() + " of 100 accepted;";
            return b;
        }
    }

    /**
     * Scenario 6: the harness's own node blocked by a memory alarm ({@code set_vm_memory_high_watermark 0.0001})
     * for 10 s mid-burst, then restored: 503s within the publish timeout, the gateway's memory bounded (its peak RSS
     * and heap during the alarm), recovery afterwards.
     */
    static final class Scenario6 extends OnOwnNode {
        Scenario6() {
            super(1);
        }

        String name() {
            return "6 memory alarm (own node)";
        }

        String command() {
            return "bench/faults/run.sh 6" + (ci ? " --ci" : "");
        }

        Burst burst() throws Exception {
            AtomicInteger rejectedDuringAlarm = new AtomicInteger();
            Burst b = Burst.sendFaultingOnce(tasks(), concurrency(), tasks() / 3, () -> {
                // The clients wait while rabbitmqctl sets the alarm (seconds on a loaded machine), so the rest of the
                // burst meets a blocked broker instead of finishing before the alarm.
                Burst.paused = true;
                try {
                    node.ctl("set_vm_memory_high_watermark", "0.0001");
                } finally {
                    Burst.paused = false;
                }
                int before503 = Burst.current.statuses.getOrDefault("503", 0);
                long peakRss = 0;
                long peakHeap = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                    peakRss = Math.max(peakRss, rssKb(gateway.process.pid()));
                    peakHeap = Math.max(peakHeap, heapUsedKb(gateway.process.pid()));
                    sleep(Duration.ofMillis(500));
                }
                rejectedDuringAlarm.set(Burst.current.statuses.getOrDefault("503", 0) - before503);
                node.ctl("set_vm_memory_high_watermark", "0.4");
                note = "alarm 10 s after " + tasks() / 3 + " requests; gateway peak RSS " + peakRss / 1024
                        + " MB, heap used " + peakHeap / 1024 + " MB (-Xmx256m);";
            });
            if (rejectedDuringAlarm.get() == 0) {
                faultFailure.compareAndSet(null, new IllegalStateException("no 503 while the alarm was on"));
            }
            // Recovery: a probe burst after the alarm cleared, accounted with the rest.
            Burst probe = Burst.send(100, 4, sent -> false, () -> {});
            b.absorb(probe);
            note += " " + rejectedDuringAlarm.get() + " x 503 during the alarm; after it cleared "
                    + probe.accepted.size() + " of 100 accepted;";
            return b;
        }
    }

    /**
     * Scenario 7: a 3-node cluster of the harness's own nodes, quorum queues with members on all three, Levee given
     * all three addresses ({@code levee.amqp.addresses}); the node Levee connects to first killed with kill -9
     * mid-burst and brought back.
     */
    static final class Scenario7 extends Scenario {
        final List<Node> nodes = List.of(new Node(1), new Node(2), new Node(3));

        String name() {
            return "7 3-node cluster, node lost";
        }

        String command() {
            return "bench/faults/run.sh 7" + (ci ? " --ci" : "");
        }

        @Override
        void before() throws Exception {
            for (Node n : nodes) {
                n.start();
            }
            for (Node n : nodes.subList(1, 3)) {
                n.ctl("stop_app");
                n.ctl("join_cluster", nodes.get(0).name());
                n.ctl("start_app");
                n.ctl("await_startup");
            }
            amqpUri = nodes.get(0).uri();
            brokerNode = nodes.get(1).name();
        }

        @Override
        Map<String, String> queue() {
            Map<String, String> q = super.queue();
            q.put(
                    "levee.amqp.addresses",
                    String.join(
                            ",",
                            nodes.stream()
                                    .map(n -> "127.0.0.1:" + (NODE_PORT + n.n()))
                                    .toList()));
            return q;
        }

        @Override
        List<String> vhostFilter() {
            return List.of("/");
        }

        Burst burst() throws Exception {
            return Burst.sendFaultingOnce(tasks(), concurrency(), tasks() / 3, () -> {
                Node lost = nodes.get(0);
                lost.kill();
                sleep(Duration.ofSeconds(5));
                lost.startAgain();
                note = lost.name() + " killed (kill -9) after " + tasks() / 3 + " requests, back after 5 s;";
            });
        }

        @Override
        void after() throws Exception {
            for (Node n : nodes.reversed()) {
                n.stop();
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    static void unchecked(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return 0;
    }

    /** Heap in use, from {@code jcmd GC.heap_info} ("used NK"). */
    static long heapUsedKb(long pid) {
        try {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid),
                            "GC.heap_info")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("used (\\d+)K").matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    /**
     * A RabbitMQ node of the harness's own: node name {@code rel<n>@localhost}, AMQP port NODE_PORT+n (5680+n),
     * distribution port NODE_DIST_PORT+n (25680+n), data under /tmp/levee-rel-<n>, no plugins; run as the rabbitmq user (its Erlang cookie). Dead-letter
     * retries into a full queue after 5 s instead of 180 s ({@code dead_letter_worker_publisher_confirm_timeout}).
     */
    record Node(int n) {
        String name() {
            return "rel" + n + "@localhost";
        }

        String uri() {
            return "amqp://guest:guest@127.0.0.1:" + (NODE_PORT + n) + "/%2F";
        }

        Path dir() {
            return Path.of("/tmp/levee-rel-" + n);
        }

        void start() throws Exception {
            run(List.of("rm", "-rf", dir().toString()));
            Files.createDirectories(dir().resolve("mnesia"));
            Files.createDirectories(dir().resolve("log"));
            Files.writeString(dir().resolve("plugins"), "[].\n");
            Files.writeString(
                    dir().resolve("advanced.config"),
                    "[{rabbit, [{dead_letter_worker_publisher_confirm_timeout, 5000}]}].\n");
            run(List.of("chown", "-R", "rabbitmq:rabbitmq", dir().toString()));
            startAgain();
        }

        void startAgain() throws Exception {
            String env = String.join(
                    " ",
                    "RABBITMQ_NODENAME=" + name(),
                    "RABBITMQ_NODE_PORT=" + (NODE_PORT + n),
                    "RABBITMQ_DIST_PORT=" + (NODE_DIST_PORT + n),
                    "RABBITMQ_MNESIA_BASE=" + dir().resolve("mnesia"),
                    "RABBITMQ_LOG_BASE=" + dir().resolve("log"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE=" + dir().resolve("plugins"),
                    "RABBITMQ_PID_FILE=" + dir().resolve("pid"),
                    "RABBITMQ_CONFIG_FILE=" + dir().resolve("none"),
                    "RABBITMQ_ADVANCED_CONFIG_FILE=" + dir().resolve("advanced.config"));
            run(List.of("su", "rabbitmq", "-s", "/bin/sh", "-c", env + " rabbitmq-server -detached"));
            // await_startup needs the node registered first, which takes a few seconds after -detached returns.
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                try {
                    ctl("await_startup");
                    return;
                } catch (IllegalStateException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    sleep(Duration.ofSeconds(1));
                }
            }
        }

        /** kill -9 of the node's Erlang VM. */
        void kill() throws Exception {
            String pid = Files.readString(dir().resolve("pid")).trim();
            run(List.of("kill", "-9", pid));
        }

        void stop() {
            try {
                ctl("stop");
            } catch (IllegalStateException e) {
                System.err.println("stopping " + name() + ": " + e.getMessage());
            }
        }

        void ctl(String... args) {
            List<String> cmd = new ArrayList<>(List.of("timeout", "120", "rabbitmqctl", "-q", "-n", name()));
            cmd.addAll(List.of(args));
            try {
                run(cmd);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        static void run(List<String> cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + out);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- processes

    /** A Levee process: the stock jar plus the harness's handler on the class path. */
    record Levee(String name, Map<String, String> props, Process process, Path log) {

        static Levee start(String name, Map<String, String> props, String amqpUri) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "--sun-misc-unsafe-memory-access=allow"));
            // The build's AOT cache (when there is one) halves the start; the JVM ignores it if it does not fit.
            if (Files.exists(root.resolve("target/levee.aot"))) {
                cmd.add("-XX:AOTCache=" + root.resolve("target/levee.aot"));
            }
            Map<String, String> all = new LinkedHashMap<>();
            all.put("server.host", "127.0.0.1");
            all.put("levee.auth.enabled", "false");
            all.put("levee.amqp.uri", amqpUri);
            all.put("levee.faults.jdbc", jdbc);
            all.put("levee.faults.table", table);
            all.put("levee.publish.confirm-timeout", "PT5S");
            // Every task outcome on a line of its own (no per-second budget): a task the accounting misses can be
            // followed through the worker's log.
            all.put("levee.log.task-lines-per-second", "-1");
            all.putAll(props);
            all.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.addAll(List.of(
                    "-cp",
                    String.join(
                            ":",
                            root.resolve("target/levee.jar").toString(),
                            root.resolve("target/faults/handler").toString(),
                            System.getProperty("faults.pg.jar")),
                    "io.helidon.Main"));
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "levee-faults-" + name + ".log");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new Levee(name, props, p, log);
        }

        int port() {
            return Integer.parseInt(props.get("server.port"));
        }

        /** kill -9. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM, then kill -9 after 30 s; whether it came to the kill. */
        boolean stop() throws InterruptedException {
            if (!process.isAlive()) {
                return false;
            }
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                return true;
            }
            return false;
        }
    }

    static void awaitReady(Levee l) throws Exception {
        // A start takes 20 s on two idle cores and over 45 s at a load average of 15-25.
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!l.process.isAlive()) {
                throw new IllegalStateException(l.name + " exited; see " + l.log);
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + "/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(l.name + " not ready within 180 s; see " + l.log);
    }

    // ------------------------------------------------------------------------------------------------------- load

    /** A bounded burst of task submissions with {@code concurrency} clients; {@code fault} runs once when due. */
    static final class Burst {
        final AtomicInteger sent = new AtomicInteger();
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> statuses = new ConcurrentHashMap<>();
        /** The longest a submission waited for its answer, by status. */
        final Map<String, Long> slowestNanos = new ConcurrentHashMap<>();

        final AtomicReference<Throwable> faultError = new AtomicReference<>();
        /** While true, clients wait before their next submission (a fault being injected). */
        static volatile boolean paused;

        /** Adds another burst's submissions to this one's accounting. */
        void absorb(Burst other) {
            sent.addAndGet(other.sent.get());
            accepted.addAll(other.accepted);
            other.statuses.forEach((k, v) -> statuses.merge(k, v, Integer::sum));
            other.slowestNanos.forEach((k, v) -> slowestNanos.merge(k, v, Math::max));
        }

        /** The burst being sent (a fault step reads how far it got). */
        static volatile Burst current;

        /** The slowest answer of each status, e.g. " slowest answer: 202 0.4 s, 503 5.1 s;". */
        String latencies() {
            StringBuilder out = new StringBuilder();
            new TreeMap<>(slowestNanos).forEach((status, nanos) -> {
                if (!status.equals("conn-error")) {
                    out.append(out.isEmpty() ? " slowest answer: " : ", ")
                            .append(status)
                            .append(String.format(Locale.ROOT, " %.1f s", nanos / 1e9));
                }
            });
            return out.isEmpty() ? "" : out.append(";").toString();
        }

        /** Sends {@code n} tasks and injects the fault once, when {@code at} requests have been sent. */
        static Burst sendFaultingOnce(int n, int concurrency, int at, Step fault) throws Exception {
            AtomicBoolean done = new AtomicBoolean();
            return send(n, concurrency, sent -> sent >= at, () -> {
                if (done.compareAndSet(false, true)) {
                    unchecked(fault);
                }
            });
        }

        static Burst send(int n, int concurrency, IntPredicate faultDue, Runnable fault) throws Exception {
            Burst b = new Burst();
            current = b;
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean faulting = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            String pad = "x".repeat(200);
            for (int c = 0; c < concurrency; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        if (faultDue.test(i) && faulting.compareAndSet(false, true)) {
                            Thread.ofVirtual().start(() -> {
                                try {
                                    fault.run();
                                } catch (RuntimeException e) {
                                    b.faultError.compareAndSet(null, e);
                                } finally {
                                    faulting.set(false);
                                }
                            });
                        }
                        while (paused) {
                            sleep(Duration.ofMillis(20));
                        }
                        // Like a real client, a submission that found no gateway is sent again (a new task).
                        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                        while (!b.submit(i, pad) && System.nanoTime() < until) {
                            sleep(Duration.ofMillis(100));
                        }
                    }
                }));
            }
            for (Thread t : clients) {
                t.join(Duration.ofMinutes(5));
            }
            // A fault still being injected (a restart) finishes before the accounting starts.
            while (faulting.get()) {
                Thread.sleep(50);
            }
            return b;
        }

        /** Whether the gateway answered (any status). */
        boolean submit(int i, String pad) {
            sent.incrementAndGet();
            long started = System.nanoTime();
            String status;
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + GATEWAY_PORT + "/v1/queues/faults/tasks"))
                                .timeout(Duration.ofSeconds(15))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                status = Integer.toString(r.statusCode());
                if (r.statusCode() == 202) {
                    Matcher m = ID.matcher(r.body());
                    if (!m.find()) {
                        throw new IllegalStateException("202 without a task id: " + r.body());
                    }
                    accepted.add(m.group(1));
                }
            } catch (IOException e) {
                status = "conn-error";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = "interrupted";
            }
            statuses.merge(status, 1, Integer::sum);
            slowestNanos.merge(status, System.nanoTime() - started, Math::max);
            return !status.equals("conn-error");
        }
    }

    // ------------------------------------------------------------------------------------------------- accounting

    /** Creates the accounting database when PostgreSQL answers but does not have it (a fresh machine). */
    static void ensureDatabase() throws Exception {
        try (var c = DriverManager.getConnection(jdbc)) {
            return;
        } catch (java.sql.SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw e;
            }
        }
        URI u = URI.create(jdbc.substring("jdbc:".length()));
        String db = u.getPath().substring(1);
        String admin = jdbc.replace(
                "/" + db + (u.getQuery() == null ? "" : "?"), "/postgres" + (u.getQuery() == null ? "" : "?"));
        try (var c = DriverManager.getConnection(admin);
                Statement s = c.createStatement()) {
            s.execute("create database " + db);
        }
    }

    static void sql(String statement) throws Exception {
        try (var c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    static void storeAccepted(Set<String> ids) throws Exception {
        try (var c = DriverManager.getConnection(jdbc);
                PreparedStatement s = c.prepareStatement("insert into " + table + "_accepted values (?)")) {
            c.setAutoCommit(false);
            for (String id : ids) {
                s.setString(1, id);
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
    }

    static long unhandled() throws Exception {
        try (var c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from " + table + "_accepted a where not exists"
                        + " (select 1 from " + table + " h where h.task_id = a.task_id)")) {
            r.next();
            return r.getLong(1);
        }
    }

    static Set<String> unhandledIds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (var c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select task_id from " + table + "_accepted a where not exists"
                        + " (select 1 from " + table + " h where h.task_id = a.task_id)")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    /** Handling rows and distinct handled tasks, of the accepted tasks of the burst. */
    static long[] handledCounts() throws Exception {
        try (var c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*), count(distinct h.task_id) from " + table + " h join "
                        + table + "_accepted a on a.task_id = h.task_id")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    /** Distinct handled tasks among these ids (while the burst is still being accounted). */
    static long handledAmong(Set<String> ids) throws Exception {
        if (ids.isEmpty()) {
            return 0;
        }
        try (var c = DriverManager.getConnection(jdbc);
                PreparedStatement s = c.prepareStatement(
                        "select count(distinct task_id) from " + table + " where task_id = any (?)")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Handling rows so far, whatever the task (to find the middle of a drain). */
    static long handlingRows() throws Exception {
        try (var c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Each scenario declares its queue afresh (its bound differs). */
    static void deleteQueues(String uri, List<String> queues) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        try (Connection c = f.newConnection("levee-faults-setup")) {
            for (String q : queues) {
                if (!q.equals("levee.unroutable")) {
                    try (Channel ch = c.createChannel()) {
                        ch.queueDelete(q);
                    }
                }
            }
        }
    }

    /** The ids of the messages in queues, read with basic.get without acknowledging; closing returns them. */
    static final class QueueScan {
        static Map<String, Set<String>> ids(String uri, List<String> queues) throws Exception {
            Map<String, Set<String>> ids = new LinkedHashMap<>();
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(uri);
            try (Connection c = f.newConnection("levee-faults-scan")) {
                for (String q : queues) {
                    Channel ch = c.createChannel();
                    Set<String> inQueue = ids.computeIfAbsent(q, k -> new HashSet<>());
                    try {
                        GetResponse r;
                        while ((r = ch.basicGet(q, false)) != null) {
                            Object id = r.getProps().getHeaders() == null
                                    ? null
                                    : r.getProps().getHeaders().get("levee-task-id");
                            inQueue.add(
                                    id != null ? id.toString() : r.getProps().getMessageId());
                        }
                    } catch (IOException missing) {
                        // the queue does not exist
                    } finally {
                        if (ch.isOpen()) {
                            ch.abort();
                        }
                    }
                }
            }
            return ids;
        }
    }

    // ------------------------------------------------------------------------------------------------- diagnosis

    /**
     * Per queue of a virtual host: messages, ready, unacknowledged (delivered to a consumer, not settled) and, for a
     * quorum queue, messages held by at-least-once dead-lettering ({@code messages_dlx}: invisible to consumers and
     * to basic.get until the dead-letter target confirms them). Printed e.g. "faults 3/0/3/0 (messages/ready/unacked/
     * dlx)".
     */
    record BrokerCounts(Map<String, long[]> queues, String error) {

        /** Quorum queues' messages_dlx is no list_queues info key of rabbitmqctl 3.10, hence eval. */
        private static final Pattern QUEUE_COUNTS =
                Pattern.compile("\\{<<\"([^\"]*)\">>,(\\d+),(\\d+),(\\d+),(\\d+)\\}");

        static BrokerCounts read(String node, String vhost) {
            List<String> cmd = new ArrayList<>(List.of("timeout", "60", "rabbitmqctl", "-q"));
            if (node != null) {
                cmd.addAll(List.of("-n", node));
            }
            cmd.addAll(List.of(
                    "eval",
                    "[begin {resource, _, queue, N} = amqqueue:get_name(Q),"
                            + " I = rabbit_amqqueue:info(Q, [messages, messages_ready, messages_unacknowledged]),"
                            + " D = case amqqueue:get_type(Q) of rabbit_quorum_queue -> proplists:get_value("
                            + "messages_dlx, rabbit_amqqueue:info(Q, [messages_dlx]), 0); _ -> 0 end,"
                            + " list_to_tuple([N | [V || {_, V} <- I] ++ [D]]) end"
                            + " || Q <- rabbit_amqqueue:list(<<\"" + vhost + "\">>)]."));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(60, TimeUnit.SECONDS);
                Map<String, long[]> queues = new TreeMap<>();
                Matcher m = QUEUE_COUNTS.matcher(out);
                while (m.find()) {
                    long[] n = new long[4];
                    for (int i = 0; i < 4; i++) {
                        n[i] = Long.parseLong(m.group(i + 2));
                    }
                    queues.put(m.group(1), n);
                }
                return new BrokerCounts(queues, p.exitValue() == 0 ? null : out.strip());
            } catch (IOException | InterruptedException e) {
                return new BrokerCounts(Map.of(), "rabbitmqctl failed: " + e);
            }
        }

        /**
         * Reads the counts until no queue has a message delivered and unsettled or held by dead-lettering, or the
         * bound runs out; answers the last counts read.
         */
        static BrokerCounts awaitSettled(String node, String vhost, Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            BrokerCounts c = read(node, vhost);
            while (c.unsettled() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                c = read(node, vhost);
            }
            return c;
        }

        /** Messages delivered and not settled, or held by dead-lettering: in a queue, but invisible to basic.get. */
        long unsettled() {
            return queues.values().stream().mapToLong(n -> n[2] + n[3]).sum();
        }

        long deadLettering() {
            return queues.values().stream().mapToLong(n -> n[3]).sum();
        }

        @Override
        public String toString() {
            if (error != null) {
                return error;
            }
            StringBuilder out = new StringBuilder();
            queues.forEach((q, n) -> out.append(out.isEmpty() ? "" : ", ")
                    .append(q)
                    .append(' ')
                    .append(n[0])
                    .append('/')
                    .append(n[1])
                    .append('/')
                    .append(n[2])
                    .append('/')
                    .append(n[3]));
            return out.append(" (messages/ready/unacked/dlx)").toString();
        }

        /**
         * The quorum queues' state machine overviews (ready, checked out, dead-lettering, enqueuers) and the
         * at-least-once dead-letter workers' state, saved under target/faults; answers the path.
         */
        static String saveState(String node, String vhost) {
            Path out = root.resolve("target/faults/broker-state-" + System.currentTimeMillis() + ".txt");
            List<String> cmd = new ArrayList<>(List.of("timeout", "60", "rabbitmqctl", "-q"));
            if (node != null) {
                cmd.addAll(List.of("-n", node));
            }
            cmd.addAll(List.of(
                    "eval",
                    "{[{amqqueue:get_name(Q), ra:local_query(amqqueue:get_pid(Q), fun rabbit_fifo:overview/1),"
                            + " ra:local_query(amqqueue:get_pid(Q), fun(S) -> S end)}"
                            + " || Q <- rabbit_amqqueue:list(<<\"" + vhost + "\">>),"
                            + " amqqueue:get_type(Q) == rabbit_quorum_queue],"
                            + " [sys:get_status(P) || {_, P, _, _} <- supervisor:which_children(rabbit_fifo_dlx_sup)],"
                            + " [{P, sys:get_status(P)} || P <- rabbit_channel:list(),"
                            + " proplists:get_value(vhost, rabbit_channel:info(P, [vhost])) == <<\"" + vhost
                            + "\">>]}."));
            try {
                Process p = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                p.waitFor(60, TimeUnit.SECONDS);
                return out.toString();
            } catch (IOException | InterruptedException e) {
                return "rabbitmqctl failed: " + e;
            }
        }

        /** Channels of a virtual host with unacknowledged deliveries: name, unacked, consumers, prefetch. */
        static String channelsHolding(String node, String vhost) {
            List<String> cmd = new ArrayList<>(List.of("timeout", "60", "rabbitmqctl", "-q"));
            if (node != null) {
                cmd.addAll(List.of("-n", node));
            }
            cmd.addAll(List.of(
                    "list_channels", "vhost", "name", "messages_unacknowledged", "consumer_count", "prefetch_count"));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(60, TimeUnit.SECONDS);
                List<String> holding = new ArrayList<>();
                for (String line : out.lines().toList()) {
                    String[] f = line.split("\t");
                    if (f.length >= 5 && f[0].equals(vhost) && !f[2].trim().equals("0")) {
                        holding.add(f[1] + " unacked " + f[2] + " consumers " + f[3] + " prefetch " + f[4]);
                    }
                }
                return holding.isEmpty() ? "none" : String.join(", ", holding);
            } catch (IOException | InterruptedException e) {
                return "rabbitmqctl failed: " + e;
            }
        }
    }

    /** A thread dump of a Levee process (jcmd Thread.print), saved under target/faults; answers its path. */
    static final class ThreadDump {
        static String save(Levee l) {
            if (l == null || !l.process.isAlive()) {
                return "not running";
            }
            Path out = root.resolve("target/faults/" + l.name + "-threads-" + System.currentTimeMillis() + ".txt");
            try {
                Process p = new ProcessBuilder(
                                Path.of(javaBin).resolveSibling("jcmd").toString(),
                                Long.toString(l.process.pid()),
                                "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                p.waitFor(60, TimeUnit.SECONDS);
                return out.toString();
            } catch (IOException | InterruptedException e) {
                return "jcmd failed: " + e;
            }
        }
    }

    /** The lines of a Levee process's log that name a task (the harness's worker logs every outcome). */
    static final class LogLines {
        static List<String> of(Levee l, String taskId) {
            try (var lines = Files.lines(l.log)) {
                return lines.filter(line -> line.contains(taskId))
                        .map(line -> line.replaceAll(" request=\\S+", ""))
                        .limit(20)
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                return List.of("cannot read " + l.log + ": " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- resources

    /** Threads of the Levee processes, and broker connections and channels in the harness's virtual host. */
    record Resources(int threads, int connections, int channels, Map<String, Integer> names) {

        private static final Pattern CONNECTION_NAME = Pattern.compile("\\{\"connection_name\",\"([^\"]*)\"\\}");

        /** Connection names this count has more of than {@code later}, e.g. "levee-settlement x1". */
        String missingIn(Resources later) {
            StringBuilder out = new StringBuilder();
            names.forEach((name, n) -> {
                int m = later.names.getOrDefault(name, 0);
                if (m < n) {
                    out.append(out.isEmpty() ? "" : ", ")
                            .append(name)
                            .append(" x")
                            .append(n - m);
                }
            });
            return out.toString();
        }

        static Resources measure(List<Levee> processes, String vhost, String node) throws Exception {
            int threads = 0;
            for (Levee l : processes) {
                if (!l.process.isAlive()) {
                    continue;
                }
                for (String line : Files.readAllLines(Path.of("/proc/" + l.process.pid() + "/status"))) {
                    if (line.startsWith("Threads:")) {
                        threads += Integer.parseInt(line.substring(8).trim());
                    }
                }
            }
            List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
            if (node != null) {
                cmd.addAll(List.of("-n", node));
            }
            cmd.addAll(List.of("list_connections", "vhost", "channels", "client_properties"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            int connections = 0;
            int channels = 0;
            Map<String, Integer> names = new TreeMap<>();
            for (String line : out.lines().toList()) {
                String[] f = line.split("\t", 3);
                if (f.length == 3 && f[0].equals(vhost)) {
                    connections++;
                    channels += Integer.parseInt(f[1].trim());
                    Matcher m = CONNECTION_NAME.matcher(f[2]);
                    names.merge(m.find() ? m.group(1) : "(unnamed)", 1, Integer::sum);
                }
            }
            return new Resources(threads, connections, channels, names);
        }

        @Override
        public String toString() {
            return threads + "/" + connections + "/" + channels;
        }
    }

    // -------------------------------------------------------------------------------------------------------- row

    static final class Row {
        static final String HEADER =
                "scenario | requests | 202 | other statuses | handled | lost | duplicates | held | drain s | took s | threads/conns/channels before -> after | notes";
        final String scenario;
        final String command;
        int requests;
        int accepted;
        Map<String, Integer> statuses = Map.of();
        long handled;
        long lost;
        long duplicates;
        long held;
        double drainSeconds;
        double seconds;
        Resources before;
        Resources after;
        String note = "";
        String error;

        Row(String scenario, String command) {
            this.scenario = scenario;
            this.command = command;
        }

        String line() {
            Map<String, Integer> other = new TreeMap<>(statuses);
            other.remove("202");
            return String.format(
                    Locale.ROOT,
                    "%s | %d | %d | %s | %d | %d | %d | %d | %.1f | %.0f | %s -> %s | %s%s",
                    scenario,
                    requests,
                    accepted,
                    other,
                    handled,
                    lost,
                    duplicates,
                    held,
                    drainSeconds,
                    seconds,
                    before,
                    after,
                    note,
                    error == null ? "" : " ERROR " + error);
        }
    }

    // ------------------------------------------------------------------------------------------------------ proxy

    /** A TCP proxy whose {@link #cut} drops every connection through it (new ones are accepted again at once). */
    static final class Proxy {
        final ServerSocket server;
        final int target;
        final Set<Socket> open = ConcurrentHashMap.newKeySet();
        final LongAdder cutConnections = new LongAdder();

        private Proxy(ServerSocket server, int target) {
            this.server = server;
            this.target = target;
        }

        static Proxy start(int port, int target) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            Proxy p = new Proxy(s, target);
            Thread.ofVirtual().start(p::accept);
            return p;
        }

        void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket("127.0.0.1", target);
                    open.add(client);
                    open.add(upstream);
                    Thread.ofVirtual().start(() -> pipe(client, upstream));
                    Thread.ofVirtual().start(() -> pipe(upstream, client));
                } catch (IOException e) {
                    // closed, or the broker refused
                }
            }
        }

        void pipe(Socket from, Socket to) {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        /** Drops every connection through the proxy (an RST-like close on both sides). */
        void cut() {
            for (Socket s : List.copyOf(open)) {
                try {
                    s.setSoLinger(true, 0);
                } catch (IOException e) {
                    // already closed
                }
                closeQuietly(s);
                open.remove(s);
                cutConnections.increment();
            }
        }

        void close() {
            cut();
            closeQuietly(server);
        }

        static void closeQuietly(java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}

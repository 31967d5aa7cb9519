package io.levee.security;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Authentication and authorization through the real web server: every endpoint against callers without
 * credentials, with an unknown credential, with the right role, with a wrong role and with a wrong queue, for API
 * keys and for JWTs signed at test time; path tricks; the submitter in the message; idempotency scoped by identity.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.auth.enabled", value = "true")
@AddConfig(key = "levee.auth.api-keys-file", value = SecurityIT.KEY_FILE)
@AddConfig(key = "mp.jwt.verify.publickey.location", value = SecurityIT.JWKS_FILE)
@AddConfig(key = "mp.jwt.verify.issuer", value = Credentials.ISSUER)
@AddConfig(key = "mp.jwt.verify.audiences", value = Credentials.AUDIENCE)
@AddConfig(key = "levee.queues.it-sec-a.max-length", value = "10000")
@AddConfig(key = "levee.queues.it-sec-b.max-length", value = "10000")
@AddConfig(key = "levee.queues.it-sec-handled.max-length", value = "1000")
@AddBean(SecurityIT.Witness.class)
class SecurityIT {

    static final String KEY_FILE = "target/security-it/api-keys";
    static final String JWKS_FILE = "target/security-it/jwks.json";
    static final String A = "it-sec-a";
    static final String B = "it-sec-b";
    /** A queue with a handler, which every key and test token may also use. */
    static final String HANDLED = "it-sec-handled";

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final KeyPair RSA = Credentials.rsa();
    static final KeyPair EC = Credentials.ec();
    /**
     * Keys by role label, each limited to queue A; "submit2" is a second submitter of A; "read-all" and "operate-all"
     * may use every queue (the unroutable endpoints need that).
     */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        for (String name : List.of("submit", "read", "operate", "submit2", "read-all", "operate-all")) {
            KEYS.put(name, Credentials.newKey());
        }
        Credentials.write(Path.of(KEY_FILE), keyLines());
        try {
            Files.writeString(
                    Path.of(JWKS_FILE), Credentials.jwks((RSAPublicKey) RSA.getPublic(), (ECPublicKey) EC.getPublic()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> keyLines() {
        List<String> lines = new ArrayList<>();
        lines.add("# test keys, made for this run");
        KEYS.forEach((name, key) -> lines.add(name + " " + Credentials.sha256Hex(key) + " " + roleOf(name)
                + (name.endsWith("-all") ? "" : " " + A + "," + HANDLED)));
        return lines;
    }

    /** The role a credential label stands for: "submit2" and "read-all" are a submitter and a reader. */
    static String roleOf(String label) {
        return label.replace("2", "").replace("-all", "");
    }

    /** The queues a test token of that label may use: A, or every queue (no claim) for the "-all" labels. */
    static List<String> queuesOf(String label) {
        return label.endsWith("-all") ? null : List.of(A);
    }

    @Inject
    WebTarget target;

    String base;

    @BeforeEach
    void ready() {
        base = "http://127.0.0.1:" + target.getUri().getPort();
        await("Levee ready")
                .atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", "/health/ready", null, null).statusCode() == 200);
    }

    /** One endpoint: how to call it, the role it needs and whether it is about one queue. */
    record Endpoint(String method, String path, String role, boolean queueScoped, String body) {
        String on(String queue) {
            return path.replace("{q}", queue);
        }

        /** Whether it is about tasks of any queue, so that only a caller who may use every queue may call it. */
        boolean everyQueue() {
            return path.startsWith("/v1/unroutable");
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/v1/queues/{q}/tasks", "submit", true, "{\"n\":1}"),
            new Endpoint("POST", "/v1/queues/{q}/tasks/batch", "submit", true, "[{\"n\":1},{\"n\":2}]"),
            new Endpoint("GET", "/v1/queues", "read", false, null),
            new Endpoint("GET", "/v1/queues/{q}", "read", true, null),
            new Endpoint("GET", "/v1/queues/{q}/schema", "read", true, null),
            new Endpoint("GET", "/v1/queues/{q}/tasks/00000000-0000-4000-8000-000000000000", "read", true, null),
            new Endpoint("GET", "/v1/queues/{q}/dead-letters", "read", true, null),
            new Endpoint("POST", "/v1/queues/{q}/dead-letters/replay", "operate", true, "{}"),
            new Endpoint("DELETE", "/v1/queues/{q}/dead-letters", "operate", true, null),
            new Endpoint("POST", "/v1/queues/{q}/pause", "operate", true, "{}"),
            new Endpoint("POST", "/v1/queues/{q}/resume", "operate", true, "{}"),
            new Endpoint("GET", "/v1/queues/{q}/limits", "read", true, null),
            new Endpoint("PUT", "/v1/queues/{q}/limits", "operate", true, "{}"),
            new Endpoint("GET", "/v1/unroutable", "read", false, null),
            new Endpoint("POST", "/v1/unroutable/replay", "operate", false, "{}"),
            new Endpoint("GET", "/dashboard/", "read", false, null),
            new Endpoint("GET", "/dashboard/dashboard.js", "read", false, null),
            new Endpoint("GET", "/metrics", "read", false, null),
            new Endpoint("GET", "/openapi", "read", false, null));

    /** A credential scheme: how the caller of a role (limited to queue A) proves itself. */
    record Scheme(String name, Function<String, String> credentialOf, String unknown) {}

    static List<Scheme> schemes() {
        return List.of(
                new Scheme("API key", KEYS::get, Credentials.newKey()),
                new Scheme(
                        "JWT RS256",
                        role -> Credentials.sign(
                                Credentials.claims("alice-" + role, List.of(roleOf(role)), queuesOf(role)),
                                "RS256",
                                "rsa-1",
                                RSA.getPrivate()),
                        Credentials.sign(
                                Credentials.claims("mallory", List.of("submit", "read", "operate"), null),
                                "RS256",
                                "rsa-1",
                                Credentials.rsa().getPrivate())),
                new Scheme(
                        "JWT ES256",
                        role -> Credentials.sign(
                                Credentials.claims("bob-" + role, List.of(roleOf(role)), queuesOf(role)),
                                "ES256",
                                "ec-1",
                                EC.getPrivate()),
                        Credentials.sign(
                                Credentials.claims("mallory", List.of("submit", "read", "operate"), null),
                                "ES256",
                                "ec-1",
                                Credentials.ec().getPrivate())));
    }

    @Test
    void everyEndpointAnswersEachKindOfCallerAsItsRoleSays() {
        List<String> wrong = new ArrayList<>();
        for (Scheme scheme : schemes()) {
            for (Endpoint e : ENDPOINTS) {
                String label = scheme.name() + " " + e.method() + " " + e.path();
                HttpResponse<String> none = send(e.method(), e.on(A), e.body(), null);
                expect(wrong, label + " without credentials", none, 401);
                if (none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer") == false) {
                    wrong.add(label + " without credentials: no Bearer WWW-Authenticate");
                }
                expect(
                        wrong,
                        label + " with an unknown credential",
                        send(e.method(), e.on(A), e.body(), scheme.unknown()),
                        401);
                HttpResponse<String> right = send(
                        e.method(),
                        e.on(A),
                        e.body(),
                        scheme.credentialOf().apply(e.everyQueue() ? e.role() + "-all" : e.role()));
                if (right.statusCode() == 401 || right.statusCode() == 403) {
                    wrong.add(label + " with the right role: " + right.statusCode() + " " + right.body());
                }
                if (e.role().equals("submit") && right.statusCode() != 202) {
                    wrong.add(label + " with the right role: " + right.statusCode() + " " + right.body());
                }
                String otherRole = e.role().equals("read") ? "submit" : "read";
                expect(
                        wrong,
                        label + " with the role " + otherRole,
                        send(
                                e.method(),
                                e.on(A),
                                e.body(),
                                scheme.credentialOf().apply(otherRole)),
                        403);
                if (e.everyQueue()) {
                    expect(
                            wrong,
                            label + " limited to queue A",
                            send(
                                    e.method(),
                                    e.on(A),
                                    e.body(),
                                    scheme.credentialOf().apply(e.role())),
                            403);
                }
                if (e.queueScoped()) {
                    expect(
                            wrong,
                            label + " on another queue",
                            send(
                                    e.method(),
                                    e.on(B),
                                    e.body(),
                                    scheme.credentialOf().apply(e.role())),
                            403);
                }
            }
        }
        assertThat(wrong.toString(), wrong, is(empty()));
    }

    @Test
    void aReaderLimitedToSomeQueuesListsOnlyThose() {
        String limited = send("GET", "/v1/queues", null, KEYS.get("read")).body();
        assertThat(limited, containsString("\"" + A + "\""));
        assertThat(limited, not(containsString("\"" + B + "\"")));
        assertThat(send("GET", "/v1/queues", null, KEYS.get("read-all")).body(), containsString("\"" + B + "\""));
    }

    @Test
    void refusalsAreProblemDocuments() {
        HttpResponse<String> none = send("GET", "/v1/queues", null, null);
        assertThat(none.statusCode(), is(401));
        assertThat(none.headers().firstValue("Content-Type").orElse(""), startsWith("application/problem+json"));
        assertThat(none.body(), containsString("urn:levee:problem:unauthorized"));
        assertThat(
                none.headers().firstValue("WWW-Authenticate").orElse(""),
                is("Bearer realm=\"levee\", Basic realm=\"levee\", charset=\"UTF-8\""));

        HttpResponse<String> denied = send("GET", "/v1/queues", null, KEYS.get("submit"));
        assertThat(denied.statusCode(), is(403));
        assertThat(denied.headers().firstValue("Content-Type").orElse(""), startsWith("application/problem+json"));
        assertThat(denied.body(), containsString("urn:levee:problem:forbidden"));
    }

    @Test
    void refusedSubmissionsAreCountedAsRejected() {
        double unauthorized = rejected(B, "unauthorized");
        double forbidden = rejected(B, "forbidden");
        assertThat(send("POST", "/v1/queues/" + B + "/tasks", "{}", null).statusCode(), is(401));
        assertThat(
                send("POST", "/v1/queues/" + B + "/tasks/batch", "[{}]", "wrong-key")
                        .statusCode(),
                is(401));
        assertThat(
                "the submit key is for queue A only",
                send("POST", "/v1/queues/" + B + "/tasks", "{}", KEYS.get("submit"))
                        .statusCode(),
                is(403));
        assertThat(send("GET", "/v1/queues/" + B, null, null).statusCode(), is(401));

        assertThat("two submissions without valid credentials", rejected(B, "unauthorized"), is(unauthorized + 2));
        assertThat("one submission to a queue the key may not use", rejected(B, "forbidden"), is(forbidden + 1));
    }

    /** {@code levee_tasks_rejected_total} of a queue and reason, read from /metrics with the read key. */
    private double rejected(String queue, String reason) {
        String metrics = send("GET", "/metrics", null, KEYS.get("read")).body();
        String prefix = "levee_tasks_rejected_total{";
        return metrics.lines()
                .filter(l -> l.startsWith(prefix)
                        && l.contains("queue=\"" + queue + "\"")
                        && l.contains("reason=\"" + reason + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aBrowserOpensTheDashboardWithBasicCredentialsNamingTheKey() {
        String reader = basic("read", KEYS.get("read"));
        for (String path : List.of("/dashboard/", "/v1/queues")) {
            assertThat(path, sendRaw("GET", path, reader).statusCode(), is(200));
        }
        assertThat(
                "the key under another name",
                sendRaw("GET", "/v1/queues", basic("submit", KEYS.get("read"))).statusCode(),
                is(401));
        assertThat(
                "a name without its key",
                sendRaw("GET", "/v1/queues", basic("read", KEYS.get("submit"))).statusCode(),
                is(401));
        assertThat(
                "the role still applies",
                sendRaw("GET", "/v1/queues", basic("submit", KEYS.get("submit")))
                        .statusCode(),
                is(403));
    }

    private static String basic(String user, String key) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((user + ":" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpResponse<String> sendRaw(String method, String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", authorization)
                .build());
    }

    @Test
    void healthStaysOpen() {
        for (String path : List.of("/health", "/health/ready", "/health/live")) {
            assertThat(path, send("GET", path, null, null).statusCode(), is(200));
        }
    }

    @Test
    void badTokensAreRefused() {
        Map<String, Object> good = Credentials.claims("eve", List.of("submit"), List.of(A));
        Map<String, Object> expired = new LinkedHashMap<>(good);
        expired.put("exp", java.time.Instant.now().getEpochSecond() - 3600);
        Map<String, Object> issuer = new LinkedHashMap<>(good);
        issuer.put("iss", "https://elsewhere.test");
        Map<String, Object> audience = new LinkedHashMap<>(good);
        audience.put("aud", "someone-else");
        Map<String, Object> noExpiry = new LinkedHashMap<>(good);
        noExpiry.remove("exp");
        Map<String, Object> future = new LinkedHashMap<>(good);
        future.put("nbf", java.time.Instant.now().getEpochSecond() + 3600);
        String valid = Credentials.sign(good, "RS256", "rsa-1", RSA.getPrivate());
        String[] parts = valid.split("\\.", -1);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", Credentials.sign(expired, "RS256", "rsa-1", RSA.getPrivate()));
        tokens.put("wrong issuer", Credentials.sign(issuer, "RS256", "rsa-1", RSA.getPrivate()));
        tokens.put("wrong audience", Credentials.sign(audience, "RS256", "rsa-1", RSA.getPrivate()));
        tokens.put("no expiry", Credentials.sign(noExpiry, "RS256", "rsa-1", RSA.getPrivate()));
        tokens.put("not yet valid", Credentials.sign(future, "RS256", "rsa-1", RSA.getPrivate()));
        tokens.put("alg none", Credentials.forge(Map.of("alg", "none"), good, new byte[0]) + "x");
        tokens.put(
                "HS256 keyed with the public key", hs256(good, RSA.getPublic().getEncoded()));
        tokens.put("RSA key named as the EC key", Credentials.sign(good, "RS256", "ec-1", RSA.getPrivate()));
        tokens.put(
                "claims swapped after signing",
                parts[0] + "."
                        + java.util.Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(
                                        ("{\"iss\":\"" + Credentials.ISSUER + "\",\"aud\":\"" + Credentials.AUDIENCE
                                                        + "\",\"sub\":\"eve\",\"exp\":9999999999,"
                                                        + "\"groups\":[\"submit\"]}")
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "." + parts[2]);
        assertThat(send("POST", "/v1/queues/" + A + "/tasks", "{}", valid).statusCode(), is(202));
        tokens.forEach((what, token) -> assertThat(
                what, send("POST", "/v1/queues/" + A + "/tasks", "{}", token).statusCode(), is(401)));
    }

    private static String hs256(Map<String, Object> claims, byte[] secret) {
        try {
            String signed = java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(Credentials.JSON.writeValueAsBytes(Map.of("alg", "HS256")))
                    + "."
                    + java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(Credentials.JSON.writeValueAsBytes(claims));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            return signed + "."
                    + java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(mac.doFinal(signed.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pathTricksNeitherBypassNorReachAnotherQueue() {
        TaskFeed.purge(B);
        String submitA = KEYS.get("submit");
        long before = TestBroker.depth(B);
        Map<String, Integer> tricks = new LinkedHashMap<>();
        tricks.put("/v1/queues/" + A + "/..%2F" + B + "/tasks", 400);
        tricks.put("/v1/queues/" + A + "/%2e%2e/" + B + "/tasks", 400);
        tricks.put("/v1/queues/" + A + "/%2E%2E/" + B + "/tasks", 400);
        tricks.put("/v1/queues/" + A + "/../" + B + "/tasks", 400);
        tricks.put("/v1/queues/" + A + "%2F..%2F" + B + "/tasks", 400);
        tricks.put("/v1/queues/./" + B + "/tasks", 400);
        tricks.put("//v1/queues/" + B + "/tasks", 400);
        tricks.put("/v1//queues/" + B + "/tasks", 400);
        tricks.put("/v1/queues//" + B + "/tasks", 400);
        tricks.put("/v1/queues/" + B + ";a=" + A + "/tasks", 400);
        tricks.put("/v1/queues/" + B + "%3B/tasks", 400);
        tricks.put("/V1/queues/" + B + "/tasks", 403);
        tricks.put("/v1/QUEUES/" + B + "/tasks", 403);
        tricks.put("/v1/queues/" + B.toUpperCase(java.util.Locale.ROOT) + "/tasks", 403);
        tricks.put("/v1/queues/" + B + "./tasks", 403);
        tricks.put("/v1/queues/" + A + "./tasks", 403);
        tricks.put("/v1/queues/" + B + "/tasks/", 403);
        tricks.put("/v1/queues/" + B + "/tasks/batch/", 403);
        List<String> wrong = new ArrayList<>();
        tricks.forEach((path, status) -> {
            HttpResponse<String> r = send("POST", path, "{\"trick\":true}", submitA);
            if (r.statusCode() != status) {
                wrong.add(path + " -> " + r.statusCode() + " " + r.body());
            }
        });
        for (String path : List.of(
                "/health/../v1/queues",
                "/health/%2e%2e/v1/queues",
                "/health%2F..%2Fv1%2Fqueues",
                "/health/..;/v1/queues",
                "/dashboard/../v1/queues",
                "/HEALTH/../v1/queues")) {
            HttpResponse<String> r = send("GET", path, null, null);
            if (r.statusCode() != 400 || r.body().contains("maxLength")) {
                wrong.add("GET " + path + " without credentials -> " + r.statusCode() + " " + r.body());
            }
        }
        for (String path : List.of("/Health/ready", "/health./ready", "/Dashboard/", "/METRICS", "/OpenAPI")) {
            HttpResponse<String> r = send("GET", path, null, null);
            if (r.statusCode() != 401) {
                wrong.add("GET " + path + " without credentials -> " + r.statusCode());
            }
        }
        assertThat(wrong.toString(), wrong, is(empty()));
        assertThat("nothing reached the other queue", TestBroker.depth(B), is(before));
    }

    /**
     * Every endpoint, each path trick: without credentials the answer is 400 or 401, never the resource; with a
     * credential of the endpoint's role for queue A, a trick aimed at queue B is 400, 403, 404 or 405, never 2xx, and
     * B is left as it was (no task, not paused).
     */
    @Test
    void pathTricksOnEveryEndpointNeitherBypassNorReachAnotherQueue() {
        TaskFeed.purge(B);
        long before = TestBroker.depth(B);
        List<String> wrong = new ArrayList<>();
        int tried = 0;
        for (Endpoint e : ENDPOINTS) {
            for (String path : tricks(e)) {
                tried++;
                HttpResponse<String> none = send(e.method(), path, e.body(), null);
                if (none.statusCode() != 400 && none.statusCode() != 401) {
                    wrong.add(e.method() + " " + path + " without credentials -> " + none.statusCode());
                }
                if (e.queueScoped()) {
                    HttpResponse<String> r = send(e.method(), path, e.body(), KEYS.get(e.role()));
                    if (!List.of(400, 403, 404, 405).contains(r.statusCode())) {
                        wrong.add(e.method() + " " + path + " with A's " + e.role() + " key -> " + r.statusCode() + " "
                                + r.body());
                    }
                }
            }
        }
        assertThat(wrong.toString(), wrong, is(empty()));
        assertThat("every endpoint was tried with several tricks", tried, is(ENDPOINTS.size() * 12));
        assertThat("nothing reached the other queue", TestBroker.depth(B), is(before));
        assertThat(
                "the other queue was not paused",
                send(
                                "GET",
                                "/v1/queues/" + B,
                                null,
                                Credentials.sign(
                                        Credentials.claims("auditor", List.of("read"), null),
                                        "RS256",
                                        "rsa-1",
                                        RSA.getPrivate()))
                        .body(),
                not(containsString("\"paused\":true")));
    }

    /**
     * Twelve variants of an endpoint's path: queue-scoped ones aim at queue B from A's namespace; the others are
     * reached through the open /health path or in another spelling.
     */
    private static List<String> tricks(Endpoint e) {
        if (e.queueScoped()) {
            String p = e.on(B);
            String q = "/v1/queues/" + B;
            return List.of(
                    p.replace(q, "/v1/queues/" + A + "/%2e%2e/" + B),
                    p.replace(q, "/v1/queues/" + A + "/..%2F" + B),
                    p.replace(q, "/v1/queues/" + A + "%2F..%2F" + B),
                    p.replace(q, "/v1/queues/" + A + "/../" + B),
                    p.replace(q, "/v1/queues//" + B),
                    "/" + p,
                    p.replace(q, "/v1/queues/" + B + ";q=" + A),
                    p.replace(q, "/v1/queues/" + B + "%3B" + A),
                    p.replace(q, "/V1/queues/" + B),
                    p.replace(q, "/v1/queues/" + B.toUpperCase(java.util.Locale.ROOT)),
                    p.replace(q, "/v1/queues/" + A + "."),
                    p.replace(q, "/v1/queues/" + B + "."));
        }
        String p = e.path();
        return List.of(
                "/health/.." + p,
                "/health/%2e%2e" + p,
                "/health%2F..%2F" + p.substring(1).replace("/", "%2F"),
                "/health/..;" + p,
                "/health;" + p,
                "/" + p,
                p.replace("/", "//"),
                p.toUpperCase(java.util.Locale.ROOT),
                p.endsWith("/") ? p.substring(0, p.length() - 1) + "./" : p + ".",
                p + "/.",
                p.replaceFirst("/", "/./"),
                "/health/./.." + p);
    }

    @Test
    void theSubmitterTravelsInTheMessage() {
        TaskFeed.purge(A);
        assertThat(
                send("POST", "/v1/queues/" + A + "/tasks", "{\"who\":1}", KEYS.get("submit"))
                        .statusCode(),
                is(202));
        String token = Credentials.sign(
                Credentials.claims("carol", List.of("submit"), List.of(A)), "ES256", "ec-1", EC.getPrivate());
        assertThat(
                send("POST", "/v1/queues/" + A + "/tasks/batch", "[{\"who\":2}]", token)
                        .statusCode(),
                is(202));
        List<TaskFeed.Received> received = new ArrayList<>();
        await("both tasks in the queue").atMost(Duration.ofSeconds(10)).until(() -> {
            received.addAll(TaskFeed.take(A));
            return received.size() >= 2;
        });
        assertThat(received, hasSize(2));
        assertThat(received.get(0).header("levee-submitted-by"), is("key:submit"));
        assertThat(received.get(1).header("levee-submitted-by"), is("jwt:carol"));
    }

    /** Records who submitted each task it handles, as the handler sees it. */
    public static class Witness {
        static final java.util.concurrent.BlockingQueue<String> SUBMITTERS =
                new java.util.concurrent.LinkedBlockingQueue<>();

        @TaskHandler(queue = HANDLED)
        public void handle(String body, TaskContext task) {
            SUBMITTERS.add(body.replaceAll("\\s", "") + " " + task.submittedBy());
        }
    }

    @Test
    void aHandlerSeesWhoSubmittedTheTask() {
        Witness.SUBMITTERS.clear();
        assertThat(
                send("POST", "/v1/queues/" + HANDLED + "/tasks", "{\"by\":\"key\"}", KEYS.get("submit"))
                        .statusCode(),
                is(202));
        String token = Credentials.sign(
                Credentials.claims("dave", List.of("submit"), List.of(HANDLED)), "RS256", "rsa-1", RSA.getPrivate());
        assertThat(
                send("POST", "/v1/queues/" + HANDLED + "/tasks/batch", "[{\"by\":\"jwt\"}]", token)
                        .statusCode(),
                is(202));
        List<String> seen = new ArrayList<>();
        await("both tasks handled").atMost(Duration.ofSeconds(30)).until(() -> {
            Witness.SUBMITTERS.drainTo(seen);
            return seen.size() >= 2;
        });
        assertThat(
                seen.stream().sorted().toList(),
                is(List.of("{\"by\":\"jwt\"} jwt:dave", "{\"by\":\"key\"} key:submit")));
    }

    @Test
    void theQueueClaimIsOptionalAndMayBeACommaSeparatedString() {
        Map<String, Object> listed = Credentials.claims("frank", List.of("read"), null);
        listed.put("levee-queues", HANDLED + ", " + B);
        String asString = Credentials.sign(listed, "RS256", "rsa-1", RSA.getPrivate());
        assertThat(send("GET", "/v1/queues/" + B, null, asString).statusCode(), is(200));
        assertThat(send("GET", "/v1/queues/" + HANDLED, null, asString).statusCode(), is(200));
        assertThat(
                "a queue the string does not name",
                send("GET", "/v1/queues/" + A, null, asString).statusCode(),
                is(403));
        String without =
                Credentials.sign(Credentials.claims("grace", List.of("read"), null), "ES256", "ec-1", EC.getPrivate());
        for (String q : List.of(A, B, HANDLED)) {
            assertThat(
                    "no queue claim: every queue",
                    send("GET", "/v1/queues/" + q, null, without).statusCode(),
                    is(200));
        }
    }

    @Test
    void idempotencyKeysAreScopedByIdentity() {
        String key = "order-" + System.nanoTime();
        HttpResponse<String> first = sendWith("{\"n\":1}", KEYS.get("submit"), key);
        HttpResponse<String> other = sendWith("{\"n\":2}", KEYS.get("submit2"), key);
        HttpResponse<String> again = sendWith("{\"n\":1}", KEYS.get("submit"), key);
        assertThat(first.statusCode(), is(202));
        assertThat("another identity's key is its own, not a reuse", other.statusCode(), is(202));
        assertThat(again.statusCode(), is(202));
        assertThat(id(other), not(is(id(first))));
        assertThat("the same identity replays its own task", id(again), is(id(first)));
    }

    @Test
    void keyFileChangesTakeEffectWithoutARestart() {
        String newcomer = Credentials.newKey();
        List<String> lines = new ArrayList<>(keyLines());
        lines.add("newcomer " + Credentials.sha256Hex(newcomer) + " read");
        assertThat(send("GET", "/v1/queues", null, newcomer).statusCode(), is(401));
        Credentials.write(Path.of(KEY_FILE), lines);
        try {
            await("the new key works")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> send("GET", "/v1/queues", null, newcomer).statusCode() == 200);
            Credentials.write(Path.of(KEY_FILE), List.of("broken line"));
            await("the broken file kept the previous keys")
                    .during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> send("GET", "/v1/queues", null, newcomer).statusCode() == 200);
        } finally {
            Credentials.write(Path.of(KEY_FILE), keyLines());
        }
        await("the removed key is refused")
                .atMost(Duration.ofSeconds(10))
                .until(() -> send("GET", "/v1/queues", null, newcomer).statusCode() == 401);
    }

    private HttpResponse<String> sendWith(String body, String credential, String idempotencyKey) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/queues/" + A + "/tasks"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + credential)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static String id(HttpResponse<String> r) {
        try {
            return Credentials.JSON.readTree(r.body()).path("id").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void expect(List<String> wrong, String what, HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            wrong.add(what + ": expected " + status + ", got " + r.statusCode() + " " + r.body());
        }
    }

    HttpResponse<String> send(String method, String path, String body, String credential) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        return send(b.build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.levee.helm;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/** Renders the chart with embedded Helm (no cluster) and checks what a deployment relies on, field by field. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/levee");
    private static final Path EVERY_OPTION = Path.of("src/test/resources/helm/every-option.yaml");
    private static final Path PER_ROLE = Path.of("src/test/resources/helm/per-role.yaml");
    private static final List<String> ROLES = List.of("gateway", "worker");
    /** The values file examples/orders-service documents for running its image. */
    private static final Path ORDERS_SERVICE = Path.of("examples/orders-service/helm/values.yaml");

    @Test
    void chartLintsClean() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(String.join("\n", lint.getMessages()), lint.isFailed(), is(false));
    }

    @Test
    void gatewayAndWorkerRunTheSameImageInTheirRolesWithProbesAndAGracePeriodAboveTheDrainTimeout() {
        Map<String, Map<String, Object>> docs = render(template());

        Map<String, Object> gateway = container(docs.get("Deployment/shop-levee-gateway"));
        Map<String, Object> worker = container(docs.get("Deployment/shop-levee-worker"));
        assertThat(env(gateway).get("LEVEE_ROLE"), is("gateway"));
        assertThat(env(worker).get("LEVEE_ROLE"), is("worker"));
        assertThat(gateway.get("image"), is("levee:0.1.0"));
        assertThat(gateway.get("image"), is(worker.get("image")));
        assertThat(path(gateway, "startupProbe", "httpGet", "path"), is("/health/started"));
        assertThat(path(gateway, "readinessProbe", "httpGet", "path"), is("/health/ready"));
        assertThat(path(worker, "livenessProbe", "httpGet", "path"), is("/health/live"));
        assertThat(path(worker, "resources", "requests", "cpu"), is("500m"));
        assertThat(path(gateway, "resources", "limits", "memory"), is("512Mi"));

        int grace = (Integer) path(
                docs.get("Deployment/shop-levee-worker"), "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertThat(grace, is(45));
        assertThat(env(worker).get("LEVEE_WORKER_DRAIN_TIMEOUT"), is("30s"));
        assertThat(env(worker).get("LEVEE_AUTH_ENABLED"), is("true"));
        assertThat(docs.keySet(), hasItems("Service/shop-levee", "Secret/shop-levee-amqp"));
        assertThat(
                "optional objects are off by default",
                docs.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).collect(Collectors.toSet()),
                is(Set.of("Deployment", "Service", "Secret", "PodDisruptionBudget")));
    }

    @Test
    void theDefaultImageIsTheOneTheImageBuildProduces() throws Exception {
        Matcher built =
                Pattern.compile("<levee\\.image>([^<]+)</levee\\.image>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat("pom.xml names the image it builds (profile image)", built.find(), is(true));

        Map<String, Map<String, Object>> docs = render(template());
        for (String role : ROLES) {
            assertThat(
                    role, container(docs.get("Deployment/shop-levee-" + role)).get("image"), is(built.group(1)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void workersScaleOnTaskWaitThroughAPrometheusAdapterMetricWhenAsked() {
        Map<String, Map<String, Object>> docs = render(template()
                .set("worker.autoscaling.mode", "wait")
                .set("worker.autoscaling.minReplicas", 2)
                .set("worker.autoscaling.maxReplicas", 8)
                .set("worker.autoscaling.wait.targetAverageValue", "3"));

        Map<String, Object> hpa = docs.get("HorizontalPodAutoscaler/shop-levee-worker");
        assertThat(path(hpa, "spec", "scaleTargetRef", "name"), is("shop-levee-worker"));
        assertThat(path(hpa, "spec", "minReplicas"), is(2));
        assertThat(path(hpa, "spec", "maxReplicas"), is(8));
        Map<String, Object> metric = ((List<Map<String, Object>>) path(hpa, "spec", "metrics")).get(0);
        assertThat(metric.get("type"), is("Pods"));
        assertThat(
                "the series docs/deployment.md's adapter rule serves",
                path(metric, "pods", "metric", "name"),
                is("levee_task_wait_p95_seconds"));
        assertThat(path(metric, "pods", "target", "type"), is("AverageValue"));
        assertThat(path(metric, "pods", "target", "averageValue"), is("3"));
        assertThat(
                "replicas left to the HPA",
                (Map<String, Object>) path(docs.get("Deployment/shop-levee-worker"), "spec"),
                not(hasKey("replicas")));
        assertThat(
                "the gateways keep their own replicas",
                path(docs.get("Deployment/shop-levee-gateway"), "spec", "replicas"),
                is(2));
        assertThat(docs.keySet(), not(hasItem("ScaledObject/shop-levee-worker")));
        assertThat(docs.keySet(), not(hasItem("HorizontalPodAutoscaler/shop-levee-gateway")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void replicasOfARoleArePreferablySpreadOverNodesByDefaultAndNotAtAllWhenSwitchedOff() {
        Map<String, Map<String, Object>> soft = render(template());
        for (String role : ROLES) {
            Map<String, Object> term = ((List<Map<String, Object>>) path(
                            soft.get("Deployment/shop-levee-" + role),
                            "spec",
                            "template",
                            "spec",
                            "affinity",
                            "podAntiAffinity",
                            "preferredDuringSchedulingIgnoredDuringExecution"))
                    .get(0);
            assertThat(path(term, "podAffinityTerm", "topologyKey"), is("kubernetes.io/hostname"));
            assertThat(
                    path(term, "podAffinityTerm", "labelSelector", "matchLabels", "app.kubernetes.io/component"),
                    is(role));
        }

        Map<String, Map<String, Object>> none = render(template().set("podAntiAffinity", ""));
        for (String role : ROLES) {
            assertThat(
                    (Map<String, Object>) path(none.get("Deployment/shop-levee-" + role), "spec", "template", "spec"),
                    not(hasKey("affinity")));
        }
    }

    @Test
    void anApplicationsOwnImageRunsItsHandlersOnWorkersBehindUnchangedGateways() {
        Map<String, Map<String, Object>> docs = render(template().withValuesFile(ORDERS_SERVICE));

        Map<String, Object> gateway = container(docs.get("Deployment/shop-levee-gateway"));
        Map<String, Object> worker = container(docs.get("Deployment/shop-levee-worker"));
        assertThat(gateway.get("image"), is("orders-service:1.0.0-SNAPSHOT"));
        assertThat(worker.get("image"), is("orders-service:1.0.0-SNAPSHOT"));
        assertThat(env(gateway).get("LEVEE_ROLE"), is("gateway"));
        assertThat(env(worker).get("LEVEE_ROLE"), is("worker"));

        LeveeConfig config = TestConfig.levee(systemProperties(worker));
        assertThat("the service's queue, and no demo", config.queues().keySet(), is(Set.of("orders")));
        assertThat(config.queue("orders").orElseThrow().maxLength(), is(100_000L));
        assertThat(systemProperties(worker).get("orders.db.user"), is("orders"));
        assertThat(secretEnv(worker).get("ORDERS_DB_PASSWORD"), is(Map.of("name", "orders-db", "key", "password")));
        assertThat(secretEnv(gateway).get("ORDERS_DB_URL"), is(Map.of("name", "orders-db", "key", "jdbc-url")));
        assertThat(secretEnv(worker).get("LEVEE_AMQP_URI"), is(Map.of("name", "rabbitmq-orders", "key", "amqp-uri")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPodPassesPodSecurityRestricted() {
        for (Map<String, Map<String, Object>> docs : List.of(render(template()), render(everyOption()))) {
            for (String role : ROLES) {
                Map<String, Object> deployment = docs.get("Deployment/shop-levee-" + role);
                Map<String, Object> pod = (Map<String, Object>) path(deployment, "spec", "template", "spec");
                assertThat(role, pod.get("automountServiceAccountToken"), is(false));
                assertThat(path(pod, "securityContext", "runAsNonRoot"), is(true));
                assertThat((Integer) path(pod, "securityContext", "runAsUser"), greaterThan(0));
                assertThat(path(pod, "securityContext", "seccompProfile", "type"), is("RuntimeDefault"));
                assertThat(pod, not(hasKey("hostNetwork")));
                Map<String, Object> c = container(deployment);
                assertThat(path(c, "securityContext", "allowPrivilegeEscalation"), is(false));
                assertThat(path(c, "securityContext", "readOnlyRootFilesystem"), is(true));
                assertThat(path(c, "securityContext", "capabilities", "drop"), is(List.of("ALL")));
                assertThat(
                        "the JVM's temporary directory is writable", mounts(c).get("tmp"), is("/tmp"));
                assertThat(volumes(pod).get("tmp"), hasKey("emptyDir"));
                assertThat(env(c).get("JAVA_TOOL_OPTIONS"), containsString("-Djava.io.tmpdir=/tmp"));
            }
        }
    }

    @Test
    void queueValuesBecomeSettingsThatLeveeReadsBack() {
        Map<String, Map<String, Object>> docs =
                render(template().set("queues.orders.max-length", 500).set("queues.orders.delivery-limit", 3));

        LeveeConfig config = TestConfig.levee(systemProperties(container(docs.get("Deployment/shop-levee-worker"))));
        QueueSettings orders = config.queue("orders").orElseThrow();
        assertThat(orders.maxLength(), is(500L));
        assertThat(orders.deliveryLimit(), is(3));
        assertThat(
                "the demo queue comes from the stock image, not the chart",
                config.queues().keySet(),
                is(Set.of("orders")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOptionOnRendersEachObjectAsAClusterExpectsIt() {
        Map<String, Map<String, Object>> docs = render(everyOption());

        // Image by digest, pull secret.
        Map<String, Object> worker = container(docs.get("Deployment/shop-levee-worker"));
        assertThat(
                worker.get("image"),
                is(
                        "registry.example.com/shop/orders-service@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        assertThat(
                path(docs.get("Deployment/shop-levee-gateway"), "spec", "template", "spec", "imagePullSecrets"),
                is(List.of(Map.of("name", "registry-credentials"))));

        // Autoscaling: replicas left to the autoscalers; gateway HPA on CPU; KEDA on each queue's depth.
        assertThat(
                (Map<String, Object>) path(docs.get("Deployment/shop-levee-gateway"), "spec"), not(hasKey("replicas")));
        assertThat(
                (Map<String, Object>) path(docs.get("Deployment/shop-levee-worker"), "spec"), not(hasKey("replicas")));
        Map<String, Object> hpa = docs.get("HorizontalPodAutoscaler/shop-levee-gateway");
        assertThat(path(hpa, "spec", "scaleTargetRef", "name"), is("shop-levee-gateway"));
        assertThat(path(hpa, "spec", "minReplicas"), is(3));
        assertThat(path(hpa, "spec", "maxReplicas"), is(12));
        Map<String, Object> cpu = ((List<Map<String, Object>>) path(hpa, "spec", "metrics")).get(0);
        assertThat(path(cpu, "resource", "name"), is("cpu"));
        assertThat(path(cpu, "resource", "target", "averageUtilization"), is(60));
        Map<String, Object> scaled = docs.get("ScaledObject/shop-levee-worker");
        assertThat(path(scaled, "spec", "scaleTargetRef", "name"), is("shop-levee-worker"));
        assertThat(path(scaled, "spec", "maxReplicaCount"), is(20));
        List<Map<String, Object>> triggers = (List<Map<String, Object>>) path(scaled, "spec", "triggers");
        assertThat(
                triggers.stream().map(t -> path(t, "metadata", "queueName")).toList(), is(List.of("mails", "orders")));
        for (Map<String, Object> t : triggers) {
            assertThat(t.get("type"), is("rabbitmq"));
            assertThat(path(t, "metadata", "mode"), is("QueueLength"));
            assertThat(path(t, "metadata", "value"), is("300"));
            assertThat(path(t, "authenticationRef", "name"), is("shop-levee-amqp"));
        }
        Map<String, Object> secretRef = ((List<Map<String, Object>>)
                        path(docs.get("TriggerAuthentication/shop-levee-amqp"), "spec", "secretTargetRef"))
                .get(0);
        assertThat(secretRef, is(Map.of("parameter", "host", "name", "rabbitmq-levee", "key", "uri")));

        // A disruption budget per role; hard anti-affinity.
        for (String role : ROLES) {
            Map<String, Object> pdb = docs.get("PodDisruptionBudget/shop-levee-" + role);
            assertThat(path(pdb, "spec", "maxUnavailable"), is(1));
            assertThat(path(pdb, "spec", "selector", "matchLabels", "app.kubernetes.io/component"), is(role));
            Map<String, Object> term = ((List<Map<String, Object>>) path(
                            docs.get("Deployment/shop-levee-" + role),
                            "spec",
                            "template",
                            "spec",
                            "affinity",
                            "podAntiAffinity",
                            "requiredDuringSchedulingIgnoredDuringExecution"))
                    .get(0);
            assertThat(path(term, "labelSelector", "matchLabels", "app.kubernetes.io/component"), is(role));
        }

        // Prometheus: scraping both roles with credentials from a Secret, and the five alerts.
        Map<String, Object> monitor = docs.get("ServiceMonitor/shop-levee");
        Map<String, Object> endpoint = ((List<Map<String, Object>>) path(monitor, "spec", "endpoints")).get(0);
        assertThat(endpoint.get("path"), is("/metrics"));
        assertThat(path(endpoint, "authorization", "credentials", "name"), is("levee-scraper"));
        assertThat(
                (Map<String, Object>) path(monitor, "spec", "selector", "matchLabels"),
                not(hasKey("app.kubernetes.io/component")));
        assertThat(docs.keySet(), hasItem("Service/shop-levee-worker"));
        List<Map<String, Object>> rules = (List<Map<String, Object>>)
                ((List<Map<String, Object>>) path(docs.get("PrometheusRule/shop-levee"), "spec", "groups"))
                        .get(0)
                        .get("rules");
        Map<String, String> alerts = new HashMap<>();
        rules.forEach(r -> alerts.put((String) r.get("alert"), (String) r.get("expr")));
        assertThat(alerts.get("LeveeDeadLettersGrowing"), containsString("levee_queue_dead_letters"));
        assertThat(alerts.get("LeveeWaitOverSlo"), containsString("levee_task_wait_seconds_bucket"));
        assertThat(alerts.get("LeveeWaitOverSlo"), containsString("> 30"));
        assertThat(alerts.get("LeveeNoConsumers"), containsString("levee_queue_consumers"));
        assertThat(alerts.get("LeveeUnroutableTasks"), containsString("levee_unroutable_depth"));
        assertThat(alerts.get("LeveeBrokerBlocked"), containsString("levee_broker_blocked"));

        // Ingress with TLS to the gateway Service.
        Map<String, Object> ingress = docs.get("Ingress/shop-levee");
        assertThat(path(ingress, "spec", "ingressClassName"), is("nginx"));
        Map<String, Object> tls = ((List<Map<String, Object>>) path(ingress, "spec", "tls")).get(0);
        assertThat(tls.get("secretName"), is("tasks-example-com-tls"));
        assertThat(tls.get("hosts"), is(List.of("tasks.example.com")));
        Map<String, Object> rule = ((List<Map<String, Object>>) path(ingress, "spec", "rules")).get(0);
        Map<String, Object> backend = ((List<Map<String, Object>>) path(rule, "http", "paths")).get(0);
        assertThat(path(backend, "backend", "service", "name"), is("shop-levee"));

        // Network policies: gateways reachable from the ingress controller; workers take no traffic but scrapes,
        // and reach only DNS and the configured egress (broker, Redis).
        Map<String, Object> gatewayPolicy = docs.get("NetworkPolicy/shop-levee-gateway");
        assertThat(path(gatewayPolicy, "spec", "policyTypes"), is(List.of("Ingress", "Egress")));
        List<Map<String, Object>> gatewayIn = (List<Map<String, Object>>) path(gatewayPolicy, "spec", "ingress");
        assertThat(
                path(
                        ((List<Map<String, Object>>) gatewayIn.get(0).get("from")).get(0),
                        "namespaceSelector",
                        "matchLabels"),
                is(Map.of("kubernetes.io/metadata.name", "ingress-nginx")));
        Map<String, Object> workerPolicy = docs.get("NetworkPolicy/shop-levee-worker");
        List<Map<String, Object>> workerIn = (List<Map<String, Object>>) path(workerPolicy, "spec", "ingress");
        assertThat(workerIn.size(), is(1));
        assertThat(
                "workers accept only the metrics scraper",
                path(((List<Map<String, Object>>) workerIn.get(0).get("from")).get(0), "podSelector", "matchLabels"),
                is(Map.of("app.kubernetes.io/name", "prometheus")));
        List<Map<String, Object>> workerOut = (List<Map<String, Object>>) path(workerPolicy, "spec", "egress");
        List<Object> ports = new ArrayList<>();
        workerOut.forEach(e -> ((List<Map<String, Object>>) e.get("ports")).forEach(p -> ports.add(p.get("port"))));
        assertThat(ports, is(List.of(53, 53, 5672, 5671, 6379)));

        // Secrets: files from existing Secrets, passwords as env from Secrets; nothing secret in plain values.
        assertThat(docs.keySet(), not(hasItem("Secret/shop-levee-amqp")));
        Map<String, Object> pod =
                (Map<String, Object>) path(docs.get("Deployment/shop-levee-worker"), "spec", "template", "spec");
        Map<String, Map<String, Object>> volumes = volumes(pod);
        assertThat(path(volumes.get("api-keys"), "secret", "secretName"), is("levee-api-keys"));
        assertThat(path(volumes.get("jwt"), "secret", "secretName"), is("levee-jwt"));
        assertThat(path(volumes.get("amqp-tls"), "secret", "secretName"), is("rabbitmq-tls"));
        assertThat(path(volumes.get("secret-file-0"), "secret", "secretName"), is("orders-db-ca"));
        Map<String, String> mounts = mounts(worker);
        assertThat(mounts.get("api-keys"), is("/etc/levee/api-keys"));
        assertThat(mounts.get("secret-file-0"), is("/etc/orders/db-ca"));
        Map<String, String> env = env(worker);
        assertThat(env.get("LEVEE_AUTH_API_KEYS_FILE"), is("/etc/levee/api-keys/keys"));
        assertThat(env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"), is("file:/etc/levee/jwt/jwt.pem"));
        assertThat(env.get("MP_JWT_VERIFY_ISSUER"), is("https://id.example.com"));
        assertThat(env.get("MP_JWT_VERIFY_AUDIENCES"), is("levee"));
        assertThat(env.get("LEVEE_AMQP_TLS_TRUST_STORE"), is("/etc/levee/amqp-tls/truststore.p12"));
        assertThat(env.get("LEVEE_AMQP_TLS_KEY_STORE"), is("/etc/levee/amqp-tls/client.p12"));
        Map<String, Map<String, Object>> fromSecrets = secretEnv(worker);
        assertThat(fromSecrets.get("LEVEE_AMQP_URI"), is(Map.of("name", "rabbitmq-levee", "key", "uri")));
        assertThat(fromSecrets.get("LEVEE_IDEMPOTENCY_REDIS_URI"), is(Map.of("name", "levee-redis", "key", "uri")));
        assertThat(
                fromSecrets.get("LEVEE_AMQP_TLS_TRUST_STORE_PASSWORD"),
                is(Map.of("name", "rabbitmq-tls", "key", "truststore-password")));
        assertThat(
                fromSecrets.get("LEVEE_AMQP_TLS_KEY_STORE_PASSWORD"),
                is(Map.of("name", "rabbitmq-tls", "key", "client-password")));
        assertThat(fromSecrets.get("ORDERS_DB_PASSWORD"), is(Map.of("name", "orders-db", "key", "password")));
        String options = env.get("JAVA_TOOL_OPTIONS");
        assertThat(options, containsString("-Dlevee.queues.mails.delivery.url=http://mailer:8080/send"));
        assertThat(options, containsString("-Dlevee.publish.sessions=64"));
        for (String plain : List.of("password", "uri=amqp", "redis://", "PRIVATE", "secret")) {
            assertThat("no secret in JAVA_TOOL_OPTIONS", options, not(containsString(plain)));
        }
        assertThat(
                "every env value that is not a Secret reference is a plain, non-secret value",
                env.keySet().stream()
                        .filter(k -> k.contains("PASSWORD") || k.endsWith("_URI"))
                        .toList(),
                empty());
        assertThat(mounts.values(), everyItem(startsWith("/")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void roleSettingsGoOnlyToTheirRoleOverTheGlobalOnes() {
        Map<String, Map<String, Object>> docs = render(template().withValuesFile(PER_ROLE));
        Map<String, Object> gateway = container(docs.get("Deployment/shop-levee-gateway"));
        Map<String, Object> worker = container(docs.get("Deployment/shop-levee-worker"));

        // extraConfig: the role's merged over the global one, the role's value winning (false included).
        Map<String, String> workerConfig = systemProperties(worker);
        Map<String, String> gatewayConfig = systemProperties(gateway);
        assertThat(workerConfig.get("levee.worker.ack-batch"), is("16"));
        assertThat(workerConfig.get("levee.publish.sessions"), is("8"));
        assertThat(workerConfig.get("levee.demo.enabled"), is("false"));
        assertThat(workerConfig, not(hasKey("levee.ingest.publish-timeout")));
        assertThat(gatewayConfig.get("levee.ingest.publish-timeout"), is("2s"));
        assertThat(gatewayConfig.get("levee.publish.sessions"), is("64"));
        assertThat(gatewayConfig.get("levee.demo.enabled"), is("true"));
        assertThat(gatewayConfig, not(hasKey("levee.worker.ack-batch")));
        String workerOptions = env(worker).get("JAVA_TOOL_OPTIONS");
        assertThat(
                "each system property once, so the role's value is the only one",
                workerOptions.split("-Dlevee.publish.sessions=", -1).length,
                is(2));

        // javaOptions: the role's after the global ones (the JVM takes the last of a repeated flag).
        assertThat(
                workerOptions,
                startsWith("-XX:MaxRAMPercentage=70 -XX:+UseSerialGC -XX:MaxRAMPercentage=85 -Xss512k "));
        assertThat(env(gateway).get("JAVA_TOOL_OPTIONS"), startsWith("-XX:MaxRAMPercentage=70 -XX:+UseSerialGC -D"));

        // secretEnv: the global entries plus the role's; a role entry replaces the global one of the same name.
        List<String> workerEnvNames = ((List<Map<String, Object>>) worker.get("env"))
                .stream().map(e -> (String) e.get("name")).toList();
        assertThat(workerEnvNames.stream().filter("ORDERS_DB_PASSWORD"::equals).count(), is(1L));
        Map<String, Map<String, Object>> workerSecrets = secretEnv(worker);
        assertThat(workerSecrets.get("ORDERS_DB_PASSWORD"), is(Map.of("name", "orders-db-worker", "key", "password")));
        assertThat(workerSecrets.get("ORDERS_DB_URL"), is(Map.of("name", "orders-db", "key", "jdbc-url")));
        assertThat(workerSecrets, not(hasKey("GATEWAY_SIGNING_KEY")));
        Map<String, Map<String, Object>> gatewaySecrets = secretEnv(gateway);
        assertThat(gatewaySecrets.get("GATEWAY_SIGNING_KEY"), is(Map.of("name", "gateway-signing", "key", "key")));
        assertThat(gatewaySecrets.get("ORDERS_DB_PASSWORD"), is(Map.of("name", "orders-db", "key", "password")));

        // secretFiles: likewise, by mount path; every mount has its volume.
        Map<String, Object> workerPod =
                (Map<String, Object>) path(docs.get("Deployment/shop-levee-worker"), "spec", "template", "spec");
        Map<String, String> workerSecretFiles = new HashMap<>();
        Map<String, Map<String, Object>> workerVolumes = volumes(workerPod);
        mounts(worker).forEach((volume, mountPath) -> {
            if (volume.startsWith("secret-file-")) {
                workerSecretFiles.put(mountPath, (String) path(workerVolumes.get(volume), "secret", "secretName"));
            }
        });
        assertThat(
                workerSecretFiles,
                is(Map.of(
                        "/etc/orders/db-ca", "orders-db-ca-worker", "/etc/orders/worker-cert", "orders-worker-cert")));
        Map<String, Object> gatewayPod =
                (Map<String, Object>) path(docs.get("Deployment/shop-levee-gateway"), "spec", "template", "spec");
        assertThat(mounts(gateway).get("secret-file-0"), is("/etc/orders/db-ca"));
        assertThat(path(volumes(gatewayPod).get("secret-file-0"), "secret", "secretName"), is("orders-db-ca"));
        assertThat(volumes(gatewayPod), not(hasKey("secret-file-1")));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "gateway.replicas|many|gateway.replicas",
                "worker.autoscaling.mode|sometimes|worker.autoscaling.mode",
                "extraConfig.levee\\.role|boss|extraConfig",
                "queues.bad\\.name.max-length|1|queues",
                "queues.orders.max-length|0|max-length",
                "queues.orders.retry-delays|soon|retry-delays",
                "metrics.serviceMonitor.interval|thirty|interval",
                "image.digest|latest|image.digest",
                "amqp.uri|http://rabbit|amqp.uri",
                "gateway.replicsa|2|replicsa",
                "worker.extraConfg.levee\\.worker\\.ack-batch|16|extraConfg",
                "worker.javaOption|-Xmx2g|javaOption",
                "gateway.extraConfig.levee\\.role|worker|extraConfig",
                "podAntiAffinity|always|podAntiAffinity",
                "worker.autoscaling.wait.targetAverageValue|soon|targetAverageValue",
                "worker.autoscaling.wait.targetAverageValue|-1|targetAverageValue",
                "extraConfig.levee\\.idempotency\\.redis-uri|redis://:Pw-1@cache:6379|extraConfig",
                "worker.extraConfig.levee\\.amqp\\.uri|amqp://levee:Pw-1@rabbit/prod|extraConfig",
                "gateway.extraConfig.levee\\.amqp\\.tls\\.key-store-password|Pw-1|extraConfig",
                "extraConfig.levee\\.queues\\.mails\\.delivery\\.url|http://u:Pw-1@mailer/send|extraConfig",
                "javaOptions|-Dlevee.idempotency.redis-uri=redis://:Pw-1@cache:6379|javaOptions",
                "worker.javaOptions|-Djavax.net.ssl.trustStorePassword=Pw-1|javaOptions",
            })
    void invalidValuesAreRejectedByTheSchema(String key, String value, String named) {
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> template().set(key, value).call());
        assertThat(e.getMessage(), containsString("values don't meet the specifications of the schema"));
        assertThat(e.getMessage(), containsString(named));
    }

    @Test
    void kedaNeedsAQueueToScaleOn() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> template().set("worker.autoscaling.mode", "keda").call());
        assertThat(e.getMessage(), containsString("worker.autoscaling.mode=keda needs at least one queue"));
    }

    @Test
    void aJwtKeyWithoutAnIssuerIsRefusedAtInstallNotInACrashLoop() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> template().set("auth.jwt.publicKeySecret", "levee-jwt").call());
        assertThat(e.getMessage(), containsString("auth.jwt.publicKeySecret needs auth.jwt.issuer"));
    }

    private static TemplateCommand template() {
        return new Helm(CHART).template().withName("shop");
    }

    private static TemplateCommand everyOption() {
        return template().withValuesFile(EVERY_OPTION);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> render(TemplateCommand command) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        for (Object doc : new Yaml().loadAll(command.call())) {
            if (doc instanceof Map<?, ?> m) {
                Map<String, Object> d = (Map<String, Object>) m;
                byName.put(d.get("kind") + "/" + path(d, "metadata", "name"), d);
            }
        }
        return byName;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers =
                (List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "containers");
        return containers.get(0);
    }

    /** Plain env values by name (a Secret reference has a null value here). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            env.put(
                    (String) e.get("name"),
                    e.get("value") == null ? null : e.get("value").toString());
        }
        env.values().removeIf(v -> v == null);
        return env;
    }

    /** Env vars taken from Secrets: name → {name, key} of the secretKeyRef. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> secretEnv(Map<String, Object> container) {
        Map<String, Map<String, Object>> refs = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            if (e.get("valueFrom") != null) {
                refs.put((String) e.get("name"), (Map<String, Object>) path(e, "valueFrom", "secretKeyRef"));
            }
        }
        return refs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> mounts(Map<String, Object> container) {
        Map<String, String> mounts = new HashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) container.get("volumeMounts")) {
            mounts.put((String) m.get("name"), (String) m.get("mountPath"));
        }
        return mounts;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> volumes(Map<String, Object> pod) {
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) pod.get("volumes")) {
            volumes.put((String) v.get("name"), v);
        }
        return volumes;
    }

    private static Map<String, String> systemProperties(Map<String, Object> container) {
        Map<String, String> properties = new HashMap<>();
        for (String option : env(container).get("JAVA_TOOL_OPTIONS").split(" ", -1)) {
            if (option.startsWith("-D")) {
                String[] kv = option.substring(2).split("=", 2);
                properties.put(kv[0], kv[1]);
            }
        }
        return properties;
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> root, String... keys) {
        Object current = root;
        List<String> walked = new ArrayList<>();
        for (String key : keys) {
            walked.add(key);
            if (!(current instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new AssertionError("missing " + String.join(".", walked));
            }
            current = ((Map<String, Object>) m).get(key);
        }
        return current;
    }
}

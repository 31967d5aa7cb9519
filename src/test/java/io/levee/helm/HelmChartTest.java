package io.levee.helm;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.testing.TestConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Renders the chart with embedded Helm (no cluster) and checks what a deployment relies on. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/levee");

    @Test
    void chartLintsClean() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(String.join("\n", lint.getMessages()), lint.isFailed(), is(false));
    }

    @Test
    void gatewayAndWorkerRunTheSameImageInTheirRolesWithProbesAndAGracePeriodAboveTheDrainTimeout() {
        Map<String, Map<String, Object>> docs =
                render(new Helm(CHART).template().withName("shop"));

        Map<String, Object> gateway = container(docs.get("Deployment/shop-levee-gateway"));
        Map<String, Object> worker = container(docs.get("Deployment/shop-levee-worker"));
        assertThat(env(gateway).get("LEVEE_ROLE"), is("gateway"));
        assertThat(env(worker).get("LEVEE_ROLE"), is("worker"));
        assertThat(gateway.get("image"), is(worker.get("image")));
        assertThat(path(gateway, "readinessProbe", "httpGet", "path"), is("/health/ready"));
        assertThat(path(worker, "livenessProbe", "httpGet", "path"), is("/health/live"));

        int grace = (Integer) path(
                docs.get("Deployment/shop-levee-worker"), "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertThat(grace, greaterThan(30));
        assertThat(env(worker).get("LEVEE_WORKER_DRAIN_TIMEOUT"), is("30s"));
        assertThat(docs.keySet(), hasItem("Service/shop-levee"));
        assertThat(docs.keySet(), hasItem("Secret/shop-levee-amqp"));
    }

    @Test
    void queueValuesBecomeSettingsThatLeveeReadsBack() {
        Map<String, Map<String, Object>> docs = render(new Helm(CHART)
                .template()
                .withName("shop")
                .set("queues.orders.max-length", 500)
                .set("queues.orders.delivery-limit", 3));

        String options =
                env(container(docs.get("Deployment/shop-levee-worker"))).get("JAVA_TOOL_OPTIONS");
        Map<String, String> properties = new HashMap<>();
        for (String option : options.split(" ", -1)) {
            if (option.startsWith("-D")) {
                String[] kv = option.substring(2).split("=", 2);
                properties.put(kv[0], kv[1]);
            }
        }
        LeveeConfig config = TestConfig.levee(properties);

        QueueSettings orders = config.queue("orders").orElseThrow();
        assertThat(orders.maxLength(), is(500L));
        assertThat(orders.deliveryLimit(), is(3));
        assertThat(config.queues().keySet(), hasItem("demo"));
    }

    @Test
    void anInvalidBrokerUriOrQueueNameFailsTheRender() {
        IllegalStateException uri = assertThrows(IllegalStateException.class, () -> new Helm(CHART)
                .template()
                .set("amqp.uri", "http://rabbit")
                .call());
        assertThat(uri.getMessage(), containsString("amqp.uri must start with amqp:// or amqps://"));

        IllegalStateException queue = assertThrows(IllegalStateException.class, () -> new Helm(CHART)
                .template()
                .set("queues.bad\\.name.max-length", 1)
                .call());
        assertThat(queue.getMessage(), containsString("a queue name is letters, digits"));
    }

    @Test
    void authSettingsReachTheContainerAndTheKeySecretIsMounted() {
        Map<String, Map<String, Object>> docs = render(new Helm(CHART)
                .template()
                .withName("shop")
                .set("auth.apiKeysSecret", "levee-keys")
                .set("auth.jwt.publicKeyLocation", "https://id.example/jwks")
                .set("auth.jwt.issuer", "https://id.example"));
        Map<String, Object> gateway = container(docs.get("Deployment/shop-levee-gateway"));
        assertThat(env(gateway).get("LEVEE_AUTH_ENABLED"), is("true"));
        assertThat(env(gateway).get("LEVEE_AUTH_API_KEYS_FILE"), is("/etc/levee/auth/api-keys"));
        assertThat(env(gateway).get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"), is("https://id.example/jwks"));
        assertThat(env(gateway).get("MP_JWT_VERIFY_ISSUER"), is("https://id.example"));
        assertThat(
                String.valueOf(path(docs.get("Deployment/shop-levee-worker"), "spec", "template", "spec", "volumes")),
                containsString("secretName=levee-keys"));
    }

    @Test
    void secretsStayOutOfTheCommandLine() {
        String password = "Chart-pw-93x";
        Map<String, Map<String, Object>> docs = render(new Helm(CHART)
                .template()
                .withName("shop")
                .set("secretConfig.levee\\.idempotency\\.redis-uri", "redis://:" + password + "@redis:6379"));
        Map<String, Object> worker = container(docs.get("Deployment/shop-levee-worker"));
        assertThat(String.valueOf(worker), org.hamcrest.Matchers.not(containsString(password)));
        assertThat(String.valueOf(worker), containsString("LEVEE_IDEMPOTENCY_REDIS_URI"));
        assertThat(String.valueOf(docs.get("Secret/shop-levee-config")), containsString(password));

        IllegalStateException leak = assertThrows(IllegalStateException.class, () -> new Helm(CHART)
                .template()
                .set("extraConfig.levee\\.idempotency\\.redis-uri", "redis://:" + password + "@redis:6379")
                .call());
        assertThat(leak.getMessage(), containsString("put it in secretConfig"));
        assertThat(leak.getMessage(), org.hamcrest.Matchers.not(containsString(password)));

        IllegalStateException amqp = assertThrows(IllegalStateException.class, () -> new Helm(CHART)
                .template()
                .set("amqp.uri", "http://levee:" + password + "@rabbit")
                .call());
        assertThat(amqp.getMessage(), org.hamcrest.Matchers.not(containsString(password)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> render(com.marcnuri.helm.TemplateCommand command) {
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

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            env.put(
                    (String) e.get("name"),
                    e.get("value") == null ? null : e.get("value").toString());
        }
        return env;
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

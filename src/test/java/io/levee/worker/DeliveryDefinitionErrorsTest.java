package io.levee.worker;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.levee.delivery.HttpDelivery;
import io.levee.limits.DeliveryBudgets;
import io.levee.limits.DeliveryPaces;
import io.levee.limits.RateLimitExtension;
import io.levee.limits.RuntimeLimits;
import io.levee.testing.DeploymentProbe;
import io.levee.worker.internal.HandlerExtension;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A queue's built-in delivery counts as its handler, and its settings are checked at deployment. */
class DeliveryDefinitionErrorsTest {

    private static String deploy(Map<String, String> extra, Class<?>... handlers) {
        Map<String, String> config = new HashMap<>(Map.of("levee.queues.orders.max-length", "10"));
        config.putAll(extra);
        List<Class<?>> beans = new java.util.ArrayList<>(
                List.of(HttpDelivery.class, RuntimeLimits.class, DeliveryPaces.class, DeliveryBudgets.class));
        beans.addAll(List.of(handlers));
        return DeploymentProbe.failure(
                List.of(new HandlerExtension(), new RateLimitExtension()), config, beans.toArray(Class<?>[]::new));
    }

    @Test
    void aQueueWithAHandlerAndADeliveryUrlHasTwoHandlers() {
        String failure = deploy(Map.of("levee.queues.orders.delivery.url", "http://127.0.0.1:9/orders"), Orders.class);
        assertThat(failure, containsString("queue 'orders' has two handlers"));
        assertThat(failure, containsString(Orders.class.getName() + "#handle"));
        assertThat(failure, containsString("levee.queues.orders.delivery.url"));
    }

    @Test
    void anInvalidDeliverySettingFailsDeploymentNamingKeyValueAndAllowed() {
        String failure = deploy(Map.of(
                "levee.queues.orders.delivery.url",
                "http://127.0.0.1:9/orders",
                "levee.queues.orders.delivery.max-in-flight",
                "0"));
        assertThat(
                failure,
                containsString("Invalid configuration: levee.queues.orders.delivery.max-in-flight = '0';"
                        + " allowed: a whole number from 1 to 10000"));
    }

    @Test
    void aDeliveryUrlThatIsNotHttpFailsDeployment() {
        String failure = deploy(Map.of("levee.queues.orders.delivery.url", "mailto:ops@example.com"));
        assertThat(
                failure,
                containsString("Invalid configuration: levee.queues.orders.delivery.url ="
                        + " 'mailto:ops@example.com'; allowed: an http:// or https:// URL"));
    }

    @ApplicationScoped
    public static class Orders {
        @TaskHandler("orders")
        public void handle(String payload) {}
    }
}

package io.levee.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A handler annotated with MicroProfile Fault Tolerance has FT's own metrics at /metrics, moved by its calls. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(FaultToleranceMetricsIT.Timed.class)
@AddConfig(key = "levee.queues." + FaultToleranceMetricsIT.QUEUE + ".max-length", value = "1000")
class FaultToleranceMetricsIT {

    static final String QUEUE = "it-metrics-ft";
    static final String METHOD = Timed.class.getName() + ".handle";

    @Inject
    WebTarget target;

    @ApplicationScoped
    public static class Timed {
        static final AtomicInteger handled = new AtomicInteger();

        @TaskHandler(QUEUE)
        @Timeout(5_000)
        public void handle(String payload) {
            handled.incrementAndGet();
        }
    }

    @Test
    void everyHandledTaskIsAnInvocationInFaultTolerancesMetrics() {
        TaskFeed.awaitDeclared(QUEUE);
        double before = invocations();
        TaskFeed.publish(QUEUE, 3);
        await("handled").atMost(Duration.ofSeconds(30)).until(() -> Timed.handled.get() == 3);
        await("counted by FT").atMost(Duration.ofSeconds(10)).until(() -> invocations() == before + 3);
        assertThat(
                "none timed out",
                Scrape.base(target).value("ft_timeout_calls_total", Map.of("method", METHOD, "timedOut", "true")),
                is(0.0));
    }

    private double invocations() {
        return Scrape.base(target).value("ft_invocations_total", Map.of("method", METHOD, "result", "valueReturned"));
    }
}

package io.levee.worker;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.levee.limits.RateLimitExtension;
import io.levee.testing.DeploymentProbe;
import io.levee.worker.internal.HandlerExtension;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each {@code @TaskHandler} definition Levee cannot run fails deployment with a message naming the method. */
class HandlerDefinitionErrorsTest {

    private static final Map<String, String> CONFIG = Map.of(
            "levee.queues.orders.max-length", "10",
            "levee.queues.audit.max-length", "10");

    private static String deploy(Class<?>... beans) {
        return DeploymentProbe.failure(List.of(new HandlerExtension(), new RateLimitExtension()), CONFIG, beans);
    }

    @Test
    void anUnknownQueueFailsDeployment() {
        String failure = deploy(UnknownQueue.class);
        assertThat(
                failure,
                containsString(UnknownQueue.class.getName() + "#handle handles queue 'nowhere', which is"
                        + " not configured; configured queues: [audit, orders]"));
    }

    @Test
    void twoHandlersForOneQueueFailDeployment() {
        String failure = deploy(OrdersOne.class, OrdersTwo.class);
        assertThat(failure, containsString("queue 'orders' has two handlers"));
        assertThat(failure, containsString(OrdersOne.class.getName() + "#handle"));
        assertThat(failure, containsString(OrdersTwo.class.getName() + "#handle"));
    }

    @Test
    void anUnsupportedParameterFailsDeployment() {
        String failure = deploy(UnsupportedParameter.class);
        assertThat(
                failure,
                containsString(
                        UnsupportedParameter.class.getName() + "#handle has a parameter of type"
                                + " int; supported: String, byte[], TaskContext, or a class or record bound from the JSON body"));
    }

    @Test
    void concurrencyBelowOneFailsDeployment() {
        String failure = deploy(ZeroConcurrency.class);
        assertThat(
                failure,
                containsString("@TaskHandler on " + ZeroConcurrency.class.getName()
                        + "#handle has concurrency = \"0\"; allowed: a whole number from 1 to 256"));
    }

    @Test
    void prefetchBelowOneFailsDeployment() {
        String failure = deploy(ZeroPrefetch.class);
        assertThat(
                failure,
                containsString("@TaskHandler on " + ZeroPrefetch.class.getName()
                        + "#handle has prefetch = 0; allowed: a whole number from 1 to 10000"));
    }

    @Test
    void aQueuePlaceholderWithoutValueOrDefaultFailsDeployment() {
        String failure = deploy(UnresolvedQueue.class);
        assertThat(
                failure,
                containsString(
                        "@TaskHandler on " + UnresolvedQueue.class.getName()
                                + "#handle names the queue '${orders.queue}', but orders.queue is not configured and has no default"));
    }

    @ApplicationScoped
    public static class UnresolvedQueue {
        @TaskHandler("${orders.queue}")
        public void handle(String payload) {}
    }

    @ApplicationScoped
    public static class UnknownQueue {
        @TaskHandler("nowhere")
        public void handle(String payload) {}
    }

    @ApplicationScoped
    public static class OrdersOne {
        @TaskHandler("orders")
        public void handle(String payload) {}
    }

    @ApplicationScoped
    public static class OrdersTwo {
        @TaskHandler(queue = "orders")
        public void handle(byte[] payload) {}
    }

    @ApplicationScoped
    public static class UnsupportedParameter {
        @TaskHandler("orders")
        public void handle(int payload) {}
    }

    @ApplicationScoped
    public static class ZeroConcurrency {
        @TaskHandler(queue = "orders", concurrency = "0")
        public void handle(String payload) {}
    }

    @ApplicationScoped
    public static class ZeroPrefetch {
        @TaskHandler(queue = "orders", prefetch = 0)
        public void handle(String payload) {}
    }

    @Test
    void aBatchHandlerWithoutAListOfPayloadsFailsDeployment() {
        String failure = deploy(BatchWithoutList.class);
        assertThat(
                failure,
                containsString(BatchWithoutList.class.getName() + "#handle is a batch handler and has a parameter of"
                        + " type java.lang.String; supported: List<String>, List<byte[]>"));
    }

    @Test
    void aBatchAboveAConfiguredPrefetchFailsDeployment() {
        String failure = deploy(BatchAbovePrefetch.class);
        assertThat(
                failure,
                containsString(BatchAbovePrefetch.class.getName() + "#handle has batchSize = 100 above its prefetch"
                        + " of 10; a batch never exceeds the prefetch"));
    }

    @Test
    void anInvalidBatchWaitFailsDeployment() {
        String failure = deploy(BatchBadWait.class);
        assertThat(
                failure,
                containsString("@TaskHandler on " + BatchBadWait.class.getName() + "#handle has batchWait = \"soon\";"
                        + " allowed: a duration from 0 to 1m"));
    }

    @ApplicationScoped
    public static class BatchWithoutList {
        @TaskHandler(queue = "orders", batchSize = 10)
        public void handle(String payload) {}
    }

    @ApplicationScoped
    public static class BatchAbovePrefetch {
        @TaskHandler(queue = "orders", batchSize = 100, prefetch = 10)
        public void handle(List<String> payloads) {}
    }

    @ApplicationScoped
    public static class BatchBadWait {
        @TaskHandler(queue = "orders", batchSize = 10, batchWait = "soon")
        public void handle(List<String> payloads) {}
    }
}

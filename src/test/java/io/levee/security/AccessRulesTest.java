package io.levee.security;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesTest {

    private final AccessRules rules = AccessRules.levee(false);

    @ParameterizedTest(name = "{0} {1} needs {2} on queue ''{3}''")
    @CsvSource({
        "GET, /health, open, ",
        "GET, /health/ready, open, ",
        "HEAD, /health/live, open, ",
        "POST, /health/ready, operate, ",
        "GET, /metrics, read, ",
        "GET, /metrics/vendor, read, ",
        "GET, /openapi, read, ",
        "GET, /dashboard/, read, ",
        "GET, /dashboard/vendor/uplot/uPlot.min.css, read, ",
        "POST, /v1/queues/orders/tasks, submit, orders",
        "POST, /v1/queues/orders/tasks/batch, submit, orders",
        "GET, /v1/queues, read, ",
        "GET, /v1/queues/orders, read, orders",
        "GET, /v1/queues/orders/tasks/abc, read, orders",
        "GET, /v1/queues/orders/dead-letters, read, orders",
        "POST, /v1/queues/orders/dead-letters/replay, operate, orders",
        "DELETE, /v1/queues/orders/dead-letters, operate, orders",
        "PUT, /v1/queues/orders/limits, operate, orders",
        "POST, /v1/queues/orders/pause, operate, orders",
        "POST, /v1/queues/orders/tasks/extra, operate, orders",
        "PUT, /v1/queues/orders/tasks, operate, orders",
        "GET, /v1/unroutable, read on every queue, ",
        "POST, /v1/unroutable/replay, operate on every queue, ",
        "GET, /v1/anything, read, ",
        "POST, /v1/anything, operate, ",
        "GET, /unknown, authenticated, ",
        "DELETE, /unknown, operate, ",
        "GET, /Health/ready, authenticated, ",
        "get, /health, operate, ",
        "OPTIONS, /v1/queues, operate, "
    })
    void decides(String method, String path, String needs, String queue) {
        AccessRules.Decision d = rules.decide(method, path);
        assertThat(label(d.requirement()), is(needs));
        assertThat(d.queue(), is(Optional.ofNullable(queue)));
    }

    @Test
    void openMetricsOpensOnlyMetrics() {
        AccessRules open = AccessRules.levee(true);
        assertThat(label(open.decide("GET", "/metrics").requirement()), is("open"));
        assertThat(label(open.decide("POST", "/metrics").requirement()), is("operate"));
        assertThat(label(open.decide("GET", "/openapi").requirement()), is("read"));
    }

    private static String label(AccessRules.Requirement r) {
        return switch (r) {
            case AccessRules.Open o -> "open";
            case AccessRules.Authenticated a -> "authenticated";
            case AccessRules.Needs(AccessRole role) -> role.label();
            case AccessRules.NeedsEveryQueue(AccessRole role) -> role.label() + " on every queue";
        };
    }

    @ParameterizedTest
    @CsvSource({
        "/v1/queues/a/tasks, true",
        "/, true",
        "/dashboard/, true",
        "/v1/queues/a/..%2Fb/tasks, false",
        "/v1/queues/a/%2e%2e/b/tasks, false",
        "/v1/queues/a/%2E/tasks, false",
        "/v1/queues/a/../b/tasks, false",
        "/v1/queues/./b/tasks, false",
        "//v1/queues, false",
        "/v1//queues, false",
        "/v1/queues/b;x=1/tasks, false",
        "/v1/queues/b%3b/tasks, false",
        "/v1/queues/b%5Ctasks, false",
        "/v1/queues/b%252e/tasks, false",
        "/v1/queues/b%00/tasks, false"
    })
    void onlyCanonicalPathsPass(String raw, boolean canonical) {
        assertThat(AuthFilter.canonical(raw), is(canonical));
    }

    @ParameterizedTest
    @CsvSource({
        "orders, orders, true",
        "orders, orders2, false",
        "orders-*, orders-eu, true",
        "orders-*, orders-, true",
        "orders-*, order, false",
        "*, anything_1, true",
        "*, a.b, false",
        "*-eu, orders-eu, true",
        "*-eu, orders-us, false",
        "a*b*c, aXbYc, true",
        "a*b*c, aXbY, false"
    })
    void queuePatternsMatchQueueNames(String glob, String queue, boolean matches) {
        assertThat(new QueuePattern(glob).matches(queue), is(matches));
    }
}

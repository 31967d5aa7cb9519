package io.levee.observability;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard page and its vendored chart library are served by the running service. */
@ExtendWith(TestBroker.class)
@HelidonTest
class DashboardIT {

    @Inject
    WebTarget target;

    @Test
    void dashboardPageLoadsItsScriptsFromTheServer() {
        assertThat(get("/dashboard/"), containsString("<script src=\"dashboard.js\"></script>"));
        assertThat(get("/dashboard/dashboard.js"), containsString("fetch(\"/v1/queues\""));
        assertThat(get("/dashboard/vendor/uplot/uPlot.iife.min.js"), containsString("uPlot"));
        assertThat(get("/dashboard/vendor/uplot/LICENSE"), containsString("The MIT License"));
    }

    private String get(String path) {
        try (Response r = target.path(path).request().get()) {
            String body = r.readEntity(String.class);
            assertThat(path, r.getStatus(), is(200));
            return body;
        }
    }
}

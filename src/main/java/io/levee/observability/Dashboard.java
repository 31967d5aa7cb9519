package io.levee.observability;

import io.helidon.microprofile.server.RoutingPath;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.levee.config.Part;
import io.levee.config.PartOf;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The dashboard page at {@code /dashboard/} (queue table and depth/rate charts from {@code GET /v1/queues}), served
 * from Levee's jar. A bean rather than static-content configuration, so that {@code levee.dashboard.enabled=false}
 * removes it and an application's own {@code server.features.static-content} settings never meet Levee's.
 */
@ApplicationScoped
@PartOf(Part.DASHBOARD)
@RoutingPath("/dashboard")
public class Dashboard implements HttpService {

    private final HttpService content = StaticContentFeature.createService(ClasspathHandlerConfig.builder()
            .location("WEB/dashboard")
            .welcome("index.html")
            .build());

    @Override
    public void routing(HttpRules rules) {
        content.routing(rules);
    }
}

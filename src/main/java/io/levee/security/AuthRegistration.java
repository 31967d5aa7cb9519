package io.levee.security;

import io.helidon.microprofile.server.ServerCdiExtension;
import io.levee.config.AuthSettings;
import io.levee.config.StartupFailures;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Puts {@link AuthFilter} in front of the web server's routing before the server starts (Helidon starts it at
 * {@code PLATFORM_AFTER + 100}), so one filter covers JAX-RS, Helidon routes, static content and the observe
 * endpoints. Reads {@link AuthSettings} first: a bad or missing credential source stops startup here, before the
 * broker is contacted.
 */
@ApplicationScoped
class AuthRegistration {

    private static final Logger LOG = Logger.getLogger(AuthRegistration.class.getName());

    void register(
            @Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) @Initialized(ApplicationScoped.class) Object event,
            BeanManager beans,
            Config config) {
        StartupFailures.install();
        AuthSettings settings = AuthSettings.load(config);
        if (!settings.enabled()) {
            LOG.warning("Authentication is OFF (levee.auth.enabled=false): anyone who can reach the port can submit"
                    + " tasks and read every queue");
            return;
        }
        List<Authenticator> authenticators = new ArrayList<>();
        settings.jwt().ifPresent(jwt -> authenticators.add(JwtAuthenticator.create(jwt)));
        settings.apiKeysFile().ifPresent(file -> authenticators.add(new ApiKeys(file, System::nanoTime)));
        beans.getExtension(ServerCdiExtension.class)
                .serverRoutingBuilder()
                .addFilter(new AuthFilter(AccessRules.levee(settings.openMetrics()), authenticators, listener(beans)));
        LOG.info(() -> "Authentication is on: " + (settings.apiKeysFile().isPresent() ? "API keys" : "")
                + (settings.apiKeysFile().isPresent() && settings.jwt().isPresent() ? " and " : "")
                + (settings.jwt().isPresent() ? "JWT" : "") + "; /metrics "
                + (settings.openMetrics() ? "open" : "needs the read role"));
    }

    /** The bean that hears refusals (observability counts refused task submissions), or none. */
    private static AccessListener listener(BeanManager beans) {
        Instance<AccessListener> found = beans.createInstance().select(AccessListener.class);
        return found.isResolvable() ? found.get() : AccessListener.NONE;
    }
}

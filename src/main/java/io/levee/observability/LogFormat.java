package io.levee.observability;

import io.levee.config.ObservabilitySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * Applies {@code levee.log.format}: with {@code json}, every handler of the root logger writes
 * {@link JsonLogFormatter}'s lines from startup on (the few lines logged before the container started stay text; set
 * {@code <handler>.formatter=io.levee.observability.JsonLogFormatter} in {@code logging.properties} for those too).
 */
@ApplicationScoped
public class LogFormat {

    private final ObservabilitySettings settings;

    @Inject
    LogFormat(ObservabilitySettings settings) {
        this.settings = settings;
    }

    void apply(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (settings.logFormat() == ObservabilitySettings.LogFormat.JSON) {
            for (Handler h : Logger.getLogger("").getHandlers()) {
                h.setFormatter(new JsonLogFormatter());
            }
        }
    }
}

package io.levee.config;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Removes, before any bean is made, the beans of each {@link Part} that the configuration switches off: a bean that
 * does not exist declares no queue, consumes nothing and serves no endpoint. An invalid switch stops startup with
 * the key and the value.
 */
public final class Parts implements Extension {

    private static final Logger LOG = Logger.getLogger(Parts.class.getName());

    private final Map<Part, Boolean> enabled = new EnumMap<>(Part.class);

    void removeSwitchedOff(@Observes @WithAnnotations(PartOf.class) ProcessAnnotatedType<?> event) {
        PartOf partOf = event.getAnnotatedType().getAnnotation(PartOf.class);
        if (partOf != null && !enabled(partOf.value())) {
            event.veto();
        }
    }

    void report(@Observes AfterBeanDiscovery event) {
        Config config = ConfigProvider.getConfig();
        for (Part part : Part.values()) {
            enabled.computeIfAbsent(part, p -> p.enabledIn(config));
        }
        LOG.info(() -> "Levee parts: "
                + enabled.entrySet().stream()
                        .map(e -> e.getKey().key() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")));
    }

    private boolean enabled(Part part) {
        return enabled.computeIfAbsent(part, p -> p.enabledIn(ConfigProvider.getConfig()));
    }
}

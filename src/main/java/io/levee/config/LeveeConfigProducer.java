package io.levee.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/**
 * Reads the validated {@link LeveeConfig} once and makes it (and {@link StateSettings}, {@link ObservabilitySettings}) injectable; the worker reads it at deployment, so a bad
 * value fails startup.
 */
@ApplicationScoped
public class LeveeConfigProducer {

    @Produces
    @Singleton
    LeveeConfig leveeConfig(Config config) {
        return LeveeConfig.load(config);
    }

    @Produces
    @Singleton
    LimitsSettings limitsSettings(Config config) {
        return LimitsSettings.load(config);
    }

    @Produces
    @Singleton
    StateSettings stateSettings(Config config, LeveeConfig levee) {
        return StateSettings.load(config, levee);
    }

    @Produces
    @Singleton
    ObservabilitySettings observabilitySettings(Config config) {
        return ObservabilitySettings.load(config);
    }
}

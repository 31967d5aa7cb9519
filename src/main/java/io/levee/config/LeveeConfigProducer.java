package io.levee.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/** Makes the validated {@link LeveeConfig} and {@link StateSettings} injectable; reading it at first use fails startup on a bad value. */
@ApplicationScoped
class LeveeConfigProducer {

    @Produces
    @Singleton
    LeveeConfig leveeConfig(Config config) {
        return LeveeConfig.load(config);
    }

    @Produces
    @Singleton
    StateSettings stateSettings(Config config, LeveeConfig levee) {
        return StateSettings.load(config, levee);
    }
}

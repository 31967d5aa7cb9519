package io.levee.testing;

import io.levee.config.LeveeConfig;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** MicroProfile Config built from a map, for tests that read configuration without starting a container. */
public final class TestConfig {

    private TestConfig() {}

    /** A config holding exactly these values. */
    public static Config of(Map<String, String> values) {
        return ConfigProviderResolver.instance()
                .getBuilder()
                .withSources(overriding(values))
                .build();
    }

    /** Levee's validated configuration from exactly these values. */
    public static LeveeConfig levee(Map<String, String> values) {
        return LeveeConfig.load(of(values));
    }

    /** A config source whose values win over the default sources (ordinal 500). */
    public static ConfigSource overriding(Map<String, String> values) {
        return new MapSource(Map.copyOf(values));
    }

    private record MapSource(Map<String, String> values) implements ConfigSource {

        @Override
        public Set<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public String getValue(String name) {
            return values.get(name);
        }

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public int getOrdinal() {
            return 500;
        }
    }
}

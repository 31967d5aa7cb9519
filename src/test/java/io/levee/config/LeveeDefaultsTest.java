package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

/** Levee's defaults sit below an application's configuration, and the demo is off unless asked for. */
class LeveeDefaultsTest {

    /** The defaults found the way a running application finds them, under the given application values. */
    private static Config applicationWith(Map<String, String> values) {
        return ConfigProviderResolver.instance()
                .getBuilder()
                .addDiscoveredSources()
                .withSources(new ApplicationFile(values))
                .build();
    }

    @Test
    void theDefaultsAreFoundAndSitBelowTheApplicationsOwnFile() {
        assertThat(new LeveeDefaults().getOrdinal(), lessThan(ConfigSource.DEFAULT_ORDINAL));

        Config plain = applicationWith(Map.of());
        assertThat(plain.getValue("server.port", String.class), is("8080"));
        assertThat(plain.getValue("levee.role", String.class), is("all"));

        Config app = applicationWith(Map.of("server.port", "9090", "levee.role", "worker"));
        assertThat(app.getValue("server.port", String.class), is("9090"));
        assertThat(LeveeConfig.load(app).role(), is(Role.WORKER));
    }

    @Test
    void theDemoQueueExistsOnlyWhenTheDemoIsOn() {
        assertThat(LeveeConfig.load(applicationWith(Map.of())).queues().keySet(), is(Set.of()));
        assertThat(
                LeveeConfig.load(applicationWith(Map.of("levee.demo.enabled", "true")))
                        .queues()
                        .keySet(),
                is(Set.of("demo")));
        LeveeConfig renamed = LeveeConfig.load(applicationWith(Map.of(
                "levee.demo.enabled", "true",
                "levee.demo.queue", "bench-1",
                "levee.queues.bench-1.max-length", "7")));
        assertThat(renamed.queues().keySet(), is(Set.of("bench-1")));
        assertThat(renamed.queue("bench-1").orElseThrow().maxLength(), is(7L));
    }

    @Test
    void partsFollowTheirSwitchesAndTheDashboardAndContractFollowTheApi() {
        Config defaults = applicationWith(Map.of());
        assertThat(Part.DEMO.enabledIn(defaults), is(false));
        assertThat(Part.API.enabledIn(defaults), is(true));
        assertThat(Part.DASHBOARD.enabledIn(defaults), is(true));
        assertThat(Part.OPENAPI.enabledIn(defaults), is(true));

        Config workerOnly = applicationWith(Map.of("levee.api.enabled", "false"));
        assertThat(Part.DASHBOARD.enabledIn(workerOnly), is(false));
        assertThat(Part.OPENAPI.enabledIn(workerOnly), is(false));

        Config noDashboard = applicationWith(Map.of("levee.dashboard.enabled", "false"));
        assertThat(Part.DASHBOARD.enabledIn(noDashboard), is(false));
        assertThat(Part.OPENAPI.enabledIn(noDashboard), is(true));
    }

    @Test
    void anInvalidSwitchNamesTheKeyAndTheValue() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> Part.API.enabledIn(TestConfig.of(Map.of("levee.api.enabled", "yes"))));
        assertThat(e.getMessage(), is("Invalid configuration: levee.api.enabled = 'yes'; allowed: true or false"));
        assertThrows(
                InvalidConfigurationException.class,
                () -> LeveeConfig.load(TestConfig.of(Map.of("levee.demo.enabled", "true", "levee.demo.queue", "a b"))));
    }

    /** An application's META-INF/microprofile-config.properties: ordinal 100. */
    private record ApplicationFile(Map<String, String> values) implements ConfigSource {
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
            return "application";
        }

        @Override
        public int getOrdinal() {
            return DEFAULT_ORDINAL;
        }
    }
}

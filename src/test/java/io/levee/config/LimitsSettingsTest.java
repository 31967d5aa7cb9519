package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LimitsSettingsTest {

    @Test
    void withoutRedisEveryReplicaPacesOnItsOwn() {
        LimitsSettings s = LimitsSettings.load(TestConfig.of(Map.of()));

        assertThat(s.redisUri().isPresent(), is(false));
        assertThat(s.keyPrefix(), is("levee:budget:"));
        assertThat("counted from the consumers", s.replicas(), is(OptionalInt.empty()));
    }

    @Test
    void aRedisUriAndAReplicaCountAreRead() {
        LimitsSettings s = LimitsSettings.load(TestConfig.of(
                Map.of("levee.limits.redis-uri", "redis://127.0.0.1:6379/4", "levee.limits.replicas", "3")));

        assertThat(s.redisUri().orElseThrow().toString(), is("redis://127.0.0.1:6379/4"));
        assertThat(s.replicas(), is(OptionalInt.of(3)));
    }

    @Test
    void aBadValueStopsStartupNamingTheKey() {
        InvalidConfigurationException replicas = assertThrows(
                InvalidConfigurationException.class,
                () -> LimitsSettings.load(TestConfig.of(Map.of("levee.limits.replicas", "0"))));
        assertThat(
                replicas.getMessage(),
                is("Invalid configuration: levee.limits.replicas = '0'; allowed: a whole number from 1 to 10000"));

        InvalidConfigurationException uri = assertThrows(
                InvalidConfigurationException.class,
                () -> LimitsSettings.load(TestConfig.of(Map.of("levee.limits.redis-uri", "http://x:1"))));
        assertThat(
                uri.getMessage().startsWith("Invalid configuration: levee.limits.redis-uri = 'http://x:1'"), is(true));
    }
}

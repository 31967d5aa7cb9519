package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.levee.testing.DeploymentProbe;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each invalid {@code @RateLimit} value, in the annotation or in configuration, fails deployment. */
class RateLimitDefinitionErrorsTest {

    private static String deploy(Map<String, String> config, Class<?> bean) {
        return DeploymentProbe.failure(List.of(new RateLimitExtension()), config, bean);
    }

    @Test
    void aSharedLimitWithoutRedisFailsDeployment() {
        assertThat(
                deploy(Map.of(), SharedWithoutRedis.class),
                containsString("@RateLimit(shared = true) on " + SharedWithoutRedis.class.getName()
                        + "#call needs levee.limits.redis-uri"));
    }

    @Test
    void anInvalidOverrideOfOneOfSeveralLimitsNamesItsPosition() {
        String failure = deploy(Map.of(Repeated.class.getName() + "/call/RateLimit/1/value", "0"), Repeated.class);
        assertThat(failure, containsString("value = 0; allowed: at least 1"));
        assertThat(failure, containsString(Repeated.class.getName() + "/call/RateLimit/1/<attribute>"));
    }

    @ApplicationScoped
    public static class SharedWithoutRedis {
        @RateLimit(value = 5, shared = true)
        public void call() {}
    }

    @ApplicationScoped
    public static class Repeated {
        @RateLimit(value = 20)
        @RateLimit(value = 10_000, window = 1, windowUnit = java.time.temporal.ChronoUnit.DAYS)
        public void call() {}
    }

    @Test
    void aValueBelowOneFailsDeployment() {
        assertThat(
                deploy(Map.of(), ZeroValue.class),
                containsString("Invalid @RateLimit on " + ZeroValue.class.getName()
                        + "#call: value = 0; allowed: at least 1"));
    }

    @Test
    void aWindowBelowOneFailsDeployment() {
        assertThat(
                deploy(Map.of(), ZeroWindow.class),
                containsString("Invalid @RateLimit on " + ZeroWindow.class.getName()
                        + "#call: window = 0; allowed: at least 1"));
    }

    @Test
    void aNegativeMinSpacingFailsDeployment() {
        assertThat(
                deploy(Map.of(), NegativeSpacing.class),
                containsString("Invalid @RateLimit on " + NegativeSpacing.class.getName()
                        + "#call: minSpacing = PT-0.005S; allowed: zero or a positive"));
    }

    @Test
    void aNegativeMaxWaitFailsDeployment() {
        assertThat(
                deploy(Map.of(), NegativeMaxWait.class),
                containsString("Invalid @RateLimit on " + NegativeMaxWait.class.getName()
                        + "#call: maxWait = PT-1S; allowed: zero or a positive"));
    }

    @Test
    void anInvalidConfigOverrideFailsDeploymentNamingTheKey() {
        String key = Valid.class.getName() + "/call/RateLimit/value";
        assertThat(deploy(Map.of(key, "-3"), Valid.class), containsString("value = -3; allowed: at least 1"));
        assertThat(deploy(Map.of(key, "lots"), Valid.class), containsString(key + " = 'lots' is not a valid value"));
    }

    @Test
    void anUnknownTypeInConfigurationFailsDeployment() {
        assertThat(
                deploy(Map.of(Valid.class.getName() + "/call/RateLimit/type", "BURSTY"), Valid.class),
                containsString("/call/RateLimit/type = 'BURSTY' is not a valid type"));
    }

    @ApplicationScoped
    public static class ZeroValue {
        @RateLimit(0)
        public void call() {}
    }

    @ApplicationScoped
    public static class ZeroWindow {
        @RateLimit(value = 5, window = 0)
        public void call() {}
    }

    @ApplicationScoped
    public static class NegativeSpacing {
        @RateLimit(value = 5, minSpacing = -5)
        public void call() {}
    }

    @ApplicationScoped
    public static class NegativeMaxWait {
        @RateLimit(value = 5, maxWait = -1)
        public void call() {}
    }

    @ApplicationScoped
    public static class Valid {
        @RateLimit(5)
        public void call() {}
    }
}

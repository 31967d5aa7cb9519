package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilitySettingsTest {

    @Test
    void tracingIsOffAndLogsAreTextByDefault() {
        ObservabilitySettings s = ObservabilitySettings.load(TestConfig.of(Map.of()));

        assertThat(s.tracing(), is(false));
        assertThat(s.serviceName(), is("levee"));
        assertThat(s.brokerSampleInterval(), is(Duration.ofSeconds(5)));
        assertThat(s.logFormat(), is(ObservabilitySettings.LogFormat.TEXT));
    }

    @Test
    void anEndpointTurnsTracingOn() {
        ObservabilitySettings s = ObservabilitySettings.load(TestConfig.of(
                Map.of("levee.tracing.otlp-endpoint", "http://collector:4318", "levee.log.format", "json")));

        assertThat(s.tracing(), is(true));
        assertThat(s.otlpEndpoint().orElseThrow().getHost(), is("collector"));
        assertThat(s.logFormat(), is(ObservabilitySettings.LogFormat.JSON));
    }

    @Test
    void aBadEndpointStopsStartupNamingTheKey() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> ObservabilitySettings.load(
                        TestConfig.of(Map.of("levee.tracing.otlp-endpoint", "grpc://collector:4317"))));

        assertThat(e.getMessage(), containsString("levee.tracing.otlp-endpoint"));
    }

    @Test
    void anUnknownLogFormatIsRefused() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> ObservabilitySettings.load(TestConfig.of(Map.of("levee.log.format", "xml"))));

        assertThat(e.getMessage(), containsString("levee.log.format"));
    }
}

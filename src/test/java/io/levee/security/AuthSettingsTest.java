package io.levee.security;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.config.AuthSettings;
import io.levee.config.InvalidConfigurationException;
import io.levee.testing.TestConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {

    @Test
    void enabledByDefaultAndRefusedWithoutAnyCredentialSource() {
        AuthSettings.MissingCredentialsException e = assertThrows(
                AuthSettings.MissingCredentialsException.class, () -> AuthSettings.load(TestConfig.of(Map.of())));
        assertThat(e.getMessage(), containsString("levee.auth.api-keys-file"));
        assertThat(e.getMessage(), containsString("mp.jwt.verify.publickey.location"));
        assertThat(e.getMessage(), containsString("levee.auth.enabled=false"));
        assertThat(e.getMessage().lines().count(), is(1L));
    }

    @Test
    void offWhenSaidSo() {
        assertThat(
                AuthSettings.load(TestConfig.of(Map.of("levee.auth.enabled", "false")))
                        .enabled(),
                is(false));
    }

    @Test
    void aJwtKeyNeedsAnIssuer() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> AuthSettings.load(TestConfig.of(Map.of("mp.jwt.verify.publickey.location", "/keys.pem"))));
        assertThat(e.getMessage(), containsString("mp.jwt.verify.issuer"));
    }

    @Test
    void readsJwtSettings() {
        AuthSettings s = AuthSettings.load(TestConfig.of(Map.of(
                "mp.jwt.verify.publickey.location", "/keys.pem",
                "mp.jwt.verify.issuer", "https://id",
                "mp.jwt.verify.audiences", "a, b")));
        assertThat(s.jwt().orElseThrow().audiences(), is(List.of("a", "b")));
        assertThat(s.openMetrics(), is(false));
    }

    @Test
    void aBooleanIsTrueOrFalse() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> AuthSettings.load(TestConfig.of(Map.of("levee.auth.enabled", "yes"))));
        assertThat(e.getMessage(), containsString("levee.auth.enabled"));
    }
}

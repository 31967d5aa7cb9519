package io.levee.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Who may call Levee ({@code levee.auth.*}, plus the MicroProfile JWT keys {@code mp.jwt.verify.*}). Read apart from
 * {@link LeveeConfig} because the web server's filter needs it before any other part of Levee.
 *
 * @param enabled     whether requests need credentials ({@code levee.auth.enabled}, default true)
 * @param apiKeysFile the API key file ({@code levee.auth.api-keys-file}), if any
 * @param openMetrics whether {@code /metrics} is open to anyone ({@code levee.auth.open-metrics}, default false)
 * @param jwt         how bearer JWTs are verified, when {@code mp.jwt.verify.publickey.location} or
 *                    {@code mp.jwt.verify.publickey} is set
 */
public record AuthSettings(boolean enabled, Optional<Path> apiKeysFile, boolean openMetrics, Optional<Jwt> jwt) {

    private static final java.util.regex.Pattern COMMA = java.util.regex.Pattern.compile(",");

    /** The keys an operator sets to turn authentication on, named in the startup error when none is set. */
    public static final String NOTHING_CONFIGURED = "Authentication is enabled but no credentials are configured: set"
            + " levee.auth.api-keys-file (API keys) and/or mp.jwt.verify.publickey.location with mp.jwt.verify.issuer"
            + " (JWT), or levee.auth.enabled=false to run without authentication";

    /**
     * JWT verification settings.
     *
     * @param publicKeyLocation file path or URL of a PEM public key or a JWKS ({@code mp.jwt.verify.publickey.location})
     * @param publicKey         the PEM or JWKS text itself ({@code mp.jwt.verify.publickey}), if given inline
     * @param issuer            the required {@code iss} ({@code mp.jwt.verify.issuer})
     * @param audiences         accepted {@code aud} values; empty accepts any ({@code mp.jwt.verify.audiences})
     * @param clockSkew         tolerance on {@code exp}, {@code nbf} and {@code iat} ({@code mp.jwt.verify.clock.skew},
     *                          seconds, default 60)
     * @param groupsClaim       the claim holding roles ({@code levee.auth.jwt.groups-claim}, default {@code groups})
     * @param queuesClaim       the claim holding queue patterns ({@code levee.auth.jwt.queues-claim}, default
     *                          {@code levee-queues}); a token without it may use every queue
     */
    public record Jwt(
            Optional<String> publicKeyLocation,
            Optional<String> publicKey,
            Optional<String> issuer,
            List<String> audiences,
            Duration clockSkew,
            String groupsClaim,
            String queuesClaim) {}

    /** Reads and validates the settings; enabled without any credential source is refused with one line. */
    public static AuthSettings load(Config config) {
        Settings s = new Settings(config);
        boolean enabled = s.bool("levee.auth.enabled", true);
        Optional<Path> keys = s.optionalString("levee.auth.api-keys-file").map(Path::of);
        boolean openMetrics = s.bool("levee.auth.open-metrics", false);
        Optional<String> location = s.optionalString("mp.jwt.verify.publickey.location");
        Optional<String> inline = s.optionalString("mp.jwt.verify.publickey");
        Optional<Jwt> jwt = Optional.empty();
        if (location.isPresent() || inline.isPresent()) {
            Optional<String> issuer = s.optionalString("mp.jwt.verify.issuer");
            if (issuer.isEmpty() && enabled) {
                throw new InvalidConfigurationException(
                        "mp.jwt.verify.issuer", "", "the issuer (iss) every accepted token must carry");
            }
            List<String> audiences = s.optionalString("mp.jwt.verify.audiences")
                    .map(a -> COMMA.splitAsStream(a)
                            .map(String::trim)
                            .filter(v -> !v.isEmpty())
                            .toList())
                    .orElse(List.of());
            jwt = Optional.of(new Jwt(
                    location,
                    inline,
                    issuer,
                    audiences,
                    Duration.ofSeconds(s.longValue("mp.jwt.verify.clock.skew", 60, 0, 3600)),
                    s.string("levee.auth.jwt.groups-claim", "groups"),
                    s.string("levee.auth.jwt.queues-claim", "levee-queues")));
        }
        if (enabled && keys.isEmpty() && jwt.isEmpty()) {
            throw new MissingCredentialsException(NOTHING_CONFIGURED);
        }
        return new AuthSettings(enabled, keys, openMetrics, jwt);
    }

    /** Authentication is on and nothing says who may call. */
    public static final class MissingCredentialsException extends io.levee.LeveeException {
        MissingCredentialsException(String message) {
            super(message);
        }
    }
}

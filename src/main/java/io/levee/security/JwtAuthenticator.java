package io.levee.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.config.AuthSettings;
import io.levee.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies MicroProfile JWT bearer tokens with the JDK's own signature code: RS256/384/512 and ES256/384/512 only
 * (never {@code none}, never HMAC, so a public key can never be used as a shared secret), the signing key chosen by
 * {@code kid} from a PEM public key or a JWKS, then {@code exp} (required), {@code nbf}, {@code iat}, {@code iss} and
 * {@code aud} with the configured clock skew. Roles come from the groups claim, queue patterns from the queues claim.
 */
final class JwtAuthenticator implements Authenticator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final Pattern COMMA = Pattern.compile(",");
    private static final Map<String, String> ALGORITHMS = Map.of(
            "RS256", "SHA256withRSA",
            "RS384", "SHA384withRSA",
            "RS512", "SHA512withRSA",
            "ES256", "SHA256withECDSAinP1363Format",
            "ES384", "SHA384withECDSAinP1363Format",
            "ES512", "SHA512withECDSAinP1363Format");

    /** A verification key and its id ({@code kid}), if it has one. */
    record Key(Optional<String> id, PublicKey key) {}

    private final AuthSettings.Jwt settings;
    private final List<Key> keys;
    private final Clock clock;

    JwtAuthenticator(AuthSettings.Jwt settings, List<Key> keys, Clock clock) {
        this.settings = settings;
        this.keys = List.copyOf(keys);
        this.clock = clock;
    }

    /** Loads the verification keys named by the settings; an unreadable key stops startup naming the key setting. */
    static JwtAuthenticator create(AuthSettings.Jwt settings) {
        String key = settings.publicKey().isPresent() ? "mp.jwt.verify.publickey" : "mp.jwt.verify.publickey.location";
        String where = settings.publicKey().isPresent()
                ? "(inline)"
                : settings.publicKeyLocation().orElseThrow();
        try {
            String text = settings.publicKey().isPresent()
                    ? settings.publicKey().get()
                    : read(settings.publicKeyLocation().orElseThrow());
            List<Key> keys = parseKeys(text);
            if (keys.isEmpty()) {
                throw new InvalidConfigurationException(key, where, "a PEM public key or a JWKS with RSA or EC keys");
            }
            return new JwtAuthenticator(settings, keys, Clock.systemUTC());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    key,
                    where,
                    "a readable PEM public key or JWKS (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String read(String location) throws IOException {
        if (location.startsWith("http://") || location.startsWith("https://") || location.startsWith("file:")) {
            try (InputStream in = URI.create(location).toURL().openStream()) {
                return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
        }
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no classpath resource " + resource);
                }
                return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(Path.of(location));
    }

    /** Keys from a PEM public key ({@code BEGIN PUBLIC KEY}), a JWKS ({@code {"keys": [...]}}) or one JWK. */
    static List<Key> parseKeys(String text) throws IOException, GeneralSecurityException {
        String t = text.strip();
        if (t.startsWith("-----BEGIN PUBLIC KEY-----")) {
            String base64 = t.replace("-----BEGIN PUBLIC KEY-----", "")
                    .replace("-----END PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
            PublicKey key;
            try {
                key = KeyFactory.getInstance("RSA").generatePublic(spec);
            } catch (GeneralSecurityException e) {
                key = KeyFactory.getInstance("EC").generatePublic(spec);
            }
            return List.of(new Key(Optional.empty(), key));
        }
        JsonNode root = JSON.readTree(t);
        List<Key> keys = new ArrayList<>();
        for (JsonNode jwk :
                root.has("keys") ? root.get("keys") : JSON.createArrayNode().add(root)) {
            Optional<String> kid = Optional.ofNullable(jwk.path("kid").textValue());
            String use = jwk.path("use").asText("sig");
            if (!use.equals("sig")) {
                continue;
            }
            switch (jwk.path("kty").asText()) {
                case "RSA" ->
                    keys.add(new Key(
                            kid,
                            KeyFactory.getInstance("RSA")
                                    .generatePublic(new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")))));
                case "EC" -> keys.add(new Key(kid, ecKey(jwk)));
                default -> {
                    // other key types (oct, OKP) are not used for the accepted algorithms
                }
            }
        }
        return keys;
    }

    private static PublicKey ecKey(JsonNode jwk) throws GeneralSecurityException {
        String curve =
                switch (jwk.path("crv").asText()) {
                    case "P-256" -> "secp256r1";
                    case "P-384" -> "secp384r1";
                    case "P-521" -> "secp521r1";
                    default -> throw new GeneralSecurityException("unsupported curve");
                };
        java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
        p.init(new java.security.spec.ECGenParameterSpec(curve));
        ECParameterSpec params = p.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), params));
    }

    private static BigInteger unsigned(JsonNode jwk, String field) {
        return new BigInteger(1, B64URL.decode(jwk.path(field).asText()));
    }

    @Override
    public Optional<Identity> authenticate(String token) {
        if (!COMPACT.matcher(token).matches()) {
            return Optional.empty();
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = JSON.readTree(B64URL.decode(token.substring(0, first)));
            claims = JSON.readTree(B64URL.decode(token.substring(first + 1, second)));
            signature = B64URL.decode(token.substring(second + 1));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidCredentialsException("the token is not a readable JWT");
        }
        if (header == null || !header.isObject() || claims == null || !claims.isObject()) {
            throw new InvalidCredentialsException("the token is not a readable JWT");
        }
        String alg = header.path("alg").asText();
        String jdkAlgorithm = ALGORITHMS.get(alg);
        if (jdkAlgorithm == null) {
            throw new InvalidCredentialsException("the token's algorithm is not one of " + ALGORITHMS.keySet());
        }
        if (!verified(
                token.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                signature,
                alg,
                jdkAlgorithm,
                Optional.ofNullable(header.path("kid").textValue()))) {
            throw new InvalidCredentialsException("the token's signature does not verify");
        }
        checkClaims(claims);
        return Optional.of(new Identity("jwt", principal(claims), roles(claims), queues(claims)));
    }

    private boolean verified(byte[] signed, byte[] signature, String alg, String jdkAlgorithm, Optional<String> kid) {
        for (Key k : keys) {
            if (kid.isPresent() && k.id().isPresent() && !kid.equals(k.id())) {
                continue;
            }
            boolean fits = alg.startsWith("RS") ? k.key() instanceof RSAPublicKey : k.key() instanceof ECPublicKey;
            if (!fits) {
                continue;
            }
            try {
                Signature s = Signature.getInstance(jdkAlgorithm);
                s.initVerify(k.key());
                s.update(signed);
                if (s.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature for this key is a failed verification, not an error
            }
        }
        return false;
    }

    private void checkClaims(JsonNode claims) {
        long now = Instant.now(clock).getEpochSecond();
        long skew = settings.clockSkew().toSeconds();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            throw new InvalidCredentialsException("the token has no expiry (exp)");
        }
        if (now - skew >= exp.asLong()) {
            throw new InvalidCredentialsException("the token has expired");
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || nbf.asLong() > now + skew)) {
            throw new InvalidCredentialsException("the token is not valid yet (nbf)");
        }
        JsonNode iat = claims.get("iat");
        if (iat != null && (!iat.isNumber() || iat.asLong() > now + skew)) {
            throw new InvalidCredentialsException("the token was issued in the future (iat)");
        }
        if (settings.issuer().isPresent()
                && !settings.issuer().get().equals(claims.path("iss").textValue())) {
            throw new InvalidCredentialsException("the token's issuer (iss) is not the configured one");
        }
        if (!settings.audiences().isEmpty()) {
            List<String> aud = strings(claims.get("aud"));
            if (aud.stream().noneMatch(settings.audiences()::contains)) {
                throw new InvalidCredentialsException("the token's audience (aud) is not one of the configured ones");
            }
        }
    }

    private static String principal(JsonNode claims) {
        for (String claim : List.of("upn", "preferred_username", "sub")) {
            String v = claims.path(claim).textValue();
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new InvalidCredentialsException("the token names no principal (upn, preferred_username or sub)");
    }

    private Set<AccessRole> roles(JsonNode claims) {
        Set<AccessRole> roles = EnumSet.noneOf(AccessRole.class);
        for (String g : strings(claims.get(settings.groupsClaim()))) {
            AccessRole.named(g).ifPresent(roles::add);
        }
        return roles;
    }

    private List<QueuePattern> queues(JsonNode claims) {
        List<QueuePattern> patterns = new ArrayList<>();
        JsonNode claim = claims.get(settings.queuesClaim());
        if (claim == null) {
            return patterns;
        }
        for (String q : strings(claim)) {
            try {
                patterns.add(new QueuePattern(q.strip()));
            } catch (IllegalArgumentException e) {
                throw new InvalidCredentialsException(
                        "the token's " + settings.queuesClaim() + " claim: " + e.getMessage());
            }
        }
        if (patterns.isEmpty()) {
            throw new InvalidCredentialsException("the token's " + settings.queuesClaim() + " claim names no queue");
        }
        return patterns;
    }

    /** A claim as strings: an array of strings, or one string (comma-separated for the queues claim). */
    private static List<String> strings(JsonNode claim) {
        List<String> values = new ArrayList<>();
        if (claim == null) {
            return values;
        }
        if (claim.isArray()) {
            claim.forEach(v -> {
                if (v.isTextual()) {
                    values.add(v.textValue());
                }
            });
        } else if (claim.isTextual()) {
            COMMA.splitAsStream(claim.textValue())
                    .map(String::strip)
                    .filter(v -> !v.isEmpty())
                    .forEach(values::add);
        }
        return values;
    }
}

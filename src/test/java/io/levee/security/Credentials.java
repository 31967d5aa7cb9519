package io.levee.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** API keys, key files, signing keys and JWTs made at test time. */
final class Credentials {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ISSUER = "https://issuer.test";
    static final String AUDIENCE = "levee-test";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {}

    /** A new random API key. */
    static String newKey() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return "lk_" + B64URL.encodeToString(b);
    }

    static String sha256Hex(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes (replacing) a key file. */
    static Path write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "keys", ".tmp");
            Files.write(tmp, lines);
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS holding the RSA key as {@code kid} "rsa-1" and the EC key as "ec-1". */
    static String jwks(RSAPublicKey rsa, ECPublicKey ec) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kty", "RSA");
        r.put("kid", "rsa-1");
        r.put("use", "sig");
        r.put("n", unsigned(rsa.getModulus()));
        r.put("e", unsigned(rsa.getPublicExponent()));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kty", "EC");
        e.put("kid", "ec-1");
        e.put("crv", "P-256");
        e.put("x", unsigned(ec.getW().getAffineX(), 32));
        e.put("y", unsigned(ec.getW().getAffineY(), 32));
        try {
            return JSON.writeValueAsString(Map.of("keys", List.of(r, e)));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A PEM ({@code BEGIN PUBLIC KEY}) of the key. */
    static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        if (b[0] == 0 && b.length > 1) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return B64URL.encodeToString(b);
    }

    private static String unsigned(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(b.length, length);
        System.arraycopy(b, b.length - copy, out, length - copy, copy);
        return B64URL.encodeToString(out);
    }

    /** Standard claims for a subject: issuer, audience, 5 minutes of validity, groups and (when given) queues. */
    static Map<String, Object> claims(String subject, List<String> groups, List<String> queues) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", ISSUER);
        c.put("aud", AUDIENCE);
        c.put("sub", subject);
        c.put("upn", subject);
        c.put("iat", now);
        c.put("exp", now + 300);
        c.put("groups", groups);
        if (queues != null) {
            c.put("levee-queues", queues);
        }
        return c;
    }

    /** A compact JWS of the claims, signed with {@code alg} ("RS256", "ES256") by {@code key} as {@code kid}. */
    static String sign(Map<String, Object> claims, String alg, String kid, PrivateKey key) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("typ", "JWT");
        if (kid != null) {
            header.put("kid", kid);
        }
        try {
            String signed = B64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s =
                    Signature.getInstance(alg.startsWith("RS") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
            s.initSign(key);
            s.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64URL.encodeToString(s.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}) or one with any header: what an attacker would send. */
    static String forge(Map<String, Object> header, Map<String, Object> claims, byte[] signature) {
        try {
            return B64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(JSON.writeValueAsBytes(claims)) + "." + B64URL.encodeToString(signature);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

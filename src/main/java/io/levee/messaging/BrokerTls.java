package io.levee.messaging;

import io.levee.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.Config;

/**
 * TLS towards the broker for {@code amqps://} URIs. The broker's certificate is checked against the JDK's trust
 * store, or {@code levee.amqp.tls.trust-store} (a PKCS#12 or JKS store, or a PEM file of CA certificates) for a
 * private CA, and its host name is verified. {@code levee.amqp.tls.key-store} (PKCS#12 or JKS) adds a client
 * certificate. Passwords are never printed: a store that cannot be read is named by its setting and path.
 */
final class BrokerTls {

    static final String TRUST_STORE = "levee.amqp.tls.trust-store";
    static final String TRUST_STORE_PASSWORD = "levee.amqp.tls.trust-store-password";
    static final String KEY_STORE = "levee.amqp.tls.key-store";
    static final String KEY_STORE_PASSWORD = "levee.amqp.tls.key-store-password";

    private BrokerTls() {}

    /** The TLS context for the URI, empty for plain {@code amqp://}. */
    static Optional<SSLContext> context(URI amqpUri, Config config) {
        if (!"amqps".equals(amqpUri.getScheme())) {
            return Optional.empty();
        }
        Optional<String> trust = value(config, TRUST_STORE);
        Optional<String> keys = value(config, KEY_STORE);
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(
                    trust.isPresent()
                            ? trustStore(Path.of(trust.get()), value(config, TRUST_STORE_PASSWORD))
                            : (KeyStore) null);
            KeyManagerFactory kmf = null;
            if (keys.isPresent()) {
                char[] password = value(config, KEY_STORE_PASSWORD).orElse("").toCharArray();
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(Path.of(keys.get()), password, KEY_STORE), password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            String key = keys.isPresent() ? KEY_STORE : TRUST_STORE;
            throw new InvalidConfigurationException(
                    key,
                    value(config, key).orElse("(the JDK's)"),
                    "a readable store with its password (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static KeyStore trustStore(Path path, Optional<String> password) throws GeneralSecurityException {
        String head;
        try {
            head = Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    TRUST_STORE,
                    path,
                    "a readable PKCS#12, JKS or PEM file (" + e.getClass().getSimpleName() + ")");
        }
        if (!head.contains("-----BEGIN CERTIFICATE-----")) {
            return load(path, password.orElse("").toCharArray(), TRUST_STORE);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("an empty key store always loads", e);
        }
        int i = 0;
        try (InputStream in = Files.newInputStream(path)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        } catch (IOException e) {
            throw new InvalidConfigurationException(TRUST_STORE, path, "a readable PEM file of CA certificates");
        }
        return store;
    }

    private static KeyStore load(Path path, char[] password, String key) throws GeneralSecurityException {
        String type = path.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    key,
                    path,
                    "a readable " + type + " store with its password ("
                            + e.getClass().getSimpleName() + ")");
        }
        return store;
    }

    private static Optional<String> value(Config config, String key) {
        return config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }
}

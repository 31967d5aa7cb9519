package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.config.InvalidConfigurationException;
import io.levee.testing.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amqps://} verifies the broker: a TLS listener with certificates from a CA made at test time (keytool) stands
 * in for the broker. A connection that gets through TLS sends the AMQP protocol header, which the listener records;
 * one refused by certificate or host name checks never does.
 */
class BrokerTlsIT {

    private static final String PASSWORD = "tls-store-pw-5521";

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=levee-test-ca",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "ca.p12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        signed("server", "san=ip:127.0.0.1,dns:localhost");
        signed("wrong-host", "san=dns:broker.elsewhere.test");
        signed("client", "eku=clientAuth");
    }

    /** A key store {@code <name>.p12} holding a key and its certificate signed by the test CA. */
    private static void signed(String name, String ext) throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-validity",
                "2",
                "-keystore",
                name + ".p12");
        keytool("-certreq", "-alias", name, "-keystore", name + ".p12", "-file", name + ".csr");
        keytool(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-ext",
                ext,
                "-validity",
                "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", name + ".p12");
        keytool("-importcert", "-alias", name, "-file", name + ".pem", "-keystore", name + ".p12");
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + ": " + out);
        }
    }

    @Test
    void aBrokerWithACertificateFromTheConfiguredCaAndItsHostNameIsReached() throws Exception {
        assertThat(handshake("server", false, Map.of(BrokerTls.TRUST_STORE, path("ca.pem"))), is(true));
        assertThat(
                "a PKCS#12 trust store works as well",
                handshake(
                        "server",
                        false,
                        Map.of(BrokerTls.TRUST_STORE, path("ca.p12"), BrokerTls.TRUST_STORE_PASSWORD, PASSWORD)),
                is(true));
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        assertThat(handshake("wrong-host", false, Map.of(BrokerTls.TRUST_STORE, path("ca.pem"))), is(false));
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefused() throws Exception {
        assertThat("the JDK's trust store does not know the test CA", handshake("server", false, Map.of()), is(false));
    }

    @Test
    void aClientCertificateIsPresentedWhenConfigured() throws Exception {
        Map<String, String> trust = Map.of(BrokerTls.TRUST_STORE, path("ca.pem"));
        assertThat("without a client certificate", handshake("server", true, trust), is(false));
        Map<String, String> withKey = new HashMap<>(trust);
        withKey.put(BrokerTls.KEY_STORE, path("client.p12"));
        withKey.put(BrokerTls.KEY_STORE_PASSWORD, PASSWORD);
        assertThat("with the client certificate", handshake("server", true, withKey), is(true));
    }

    @Test
    void aStoreThatCannotBeReadIsNamedWithoutItsPassword() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> BrokerTls.context(
                        URI.create("amqps://h"),
                        TestConfig.of(Map.of(
                                BrokerTls.TRUST_STORE,
                                path("ca.p12"),
                                BrokerTls.TRUST_STORE_PASSWORD,
                                "wrong-pw-77"))));
        assertThat(e.getMessage(), containsString(BrokerTls.TRUST_STORE));
        assertThat(e.getMessage(), not(containsString("wrong-pw-77")));
    }

    @Test
    void plainAmqpHasNoTls() {
        assertThat(
                BrokerTls.context(URI.create("amqp://h"), TestConfig.of(Map.of()))
                        .isPresent(),
                is(false));
    }

    /**
     * Starts a TLS listener presenting {@code serverStore}'s certificate, connects a broker configured with
     * {@code settings} to it, and answers whether the AMQP header arrived through TLS.
     */
    private static boolean handshake(String serverStore, boolean needClientAuth, Map<String, String> settings)
            throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) serverContext(serverStore)
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(needClientAuth);
            CompletableFuture<Boolean> headerSeen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(20_000);
                    InputStream in = s.getInputStream();
                    byte[] header = in.readNBytes(4);
                    return new String(header, StandardCharsets.US_ASCII).equals("AMQP");
                } catch (IOException e) {
                    return false;
                }
            });
            URI uri = URI.create("amqps://guest:guest@127.0.0.1:" + server.getLocalPort() + "/");
            Map<String, String> values = new HashMap<>(settings);
            values.put("levee.amqp.uri", uri.toString());
            SSLContext client = BrokerTls.context(uri, TestConfig.of(values)).orElseThrow();
            Broker broker = new Broker(TestConfig.levee(values), null, client);
            assertThrows(
                    IOException.class, () -> broker.newConnection("tls-test").close());
            return headerSeen.get(30, TimeUnit.SECONDS);
        }
    }

    private static SSLContext serverContext(String store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(store + ".p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("ca.p12"))) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    private static String path(String file) {
        return dir.resolve(file).toString();
    }
}

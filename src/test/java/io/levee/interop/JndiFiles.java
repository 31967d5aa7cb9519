package io.levee.interop;

import io.levee.testing.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * The JNDI files of docs/jndi, as a JMS application would ship them, pointed at the test broker: the connection
 * factory's URI is the test broker's, and the {@code orders} queue object is repeated for each of the test's queues.
 * {@link #run} runs code with a class loader that has these files on its classpath, so that a plain
 * {@code new InitialContext()} reads them.
 */
final class JndiFiles {

    private static final Path DOCS = Path.of("docs", "jndi");
    private static final String DOC_URI = "amqp://guest:guest@127.0.0.1:5672";

    private final URL classpath;

    private JndiFiles(URL classpath) {
        this.classpath = classpath;
    }

    /** The documented files, for these queues. */
    static JndiFiles forQueues(List<String> queues) {
        try {
            Path dir = Files.createTempDirectory("levee-jndi");
            Path root = Files.createDirectories(dir.resolve("root"));
            Path classes = Files.createDirectories(dir.resolve("classes"));
            List<String> objects = Files.readAllLines(DOCS.resolve("root/jms.properties"), StandardCharsets.UTF_8);
            String factory = objects.stream()
                    .filter(l -> l.startsWith("ConnectionFactory/"))
                    .map(l -> l.replace(DOC_URI, TestBroker.uri()))
                    .collect(Collectors.joining("\n"));
            String queueObjects = queues.stream()
                    .map(q -> objects.stream()
                            .filter(l -> l.startsWith("orders/"))
                            .map(l -> l.replace("orders", q))
                            .collect(Collectors.joining("\n")))
                    .collect(Collectors.joining("\n"));
            Files.writeString(root.resolve("jms.properties"), factory + "\n" + queueObjects + "\n");
            String jndi = Files.readString(DOCS.resolve("jndi.properties"))
                    .replace("org.osjava.sj.root=/etc/my-app/jndi", "org.osjava.sj.root=" + root);
            Files.writeString(classes.resolve("jndi.properties"), jndi);
            return new JndiFiles(classes.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the code with these files on the context class path, where JNDI looks for {@code jndi.properties}. */
    <T> T run(Callable<T> code) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classpath}, previous)) {
            thread.setContextClassLoader(loader);
            return code.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}

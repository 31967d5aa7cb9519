package io.levee.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Levee's defaults ({@code META-INF/levee/defaults.properties}) as a config source of ordinal {@value #ORDINAL},
 * found through {@link java.util.ServiceLoader}. Every source an application has sits above it (its own
 * {@code META-INF/microprofile-config.properties} and {@code application.yaml} at 100, environment variables at
 * 300, system properties at 400), so an application that depends on Levee overrides any of these values by setting
 * them, and never competes with Levee for a file of the same name on the class path.
 */
public final class LeveeDefaults implements ConfigSource {

    /** Below MicroProfile's default file (100), the lowest source an application usually writes. */
    public static final int ORDINAL = 50;

    static final String RESOURCE = "META-INF/levee/defaults.properties";

    private final Map<String, String> values;

    /** Reads the defaults from Levee's jar. */
    public LeveeDefaults() {
        this.values = read();
    }

    private static Map<String, String> read() {
        Properties p = new Properties();
        try (InputStream in = LeveeDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from Levee's jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return Map.copyOf(p.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(
                        e -> (String) e.getKey(), e -> ((String) e.getValue()).trim())));
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "Levee defaults (" + RESOURCE + ")";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}

package io.levee.ingress;

import io.levee.config.Part;
import io.smallrye.openapi.runtime.io.Format;
import io.smallrye.openapi.runtime.io.OpenApiParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASModelReader;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * Levee's contract as the starting model of the served {@code /openapi} document ({@code mp.openapi.model.reader}
 * in Levee's defaults). MicroProfile OpenAPI merges the application's own static file and its annotated JAX-RS
 * resources over it, so an application that depends on Levee serves one document describing both; Levee alone
 * serves exactly openapi.yaml. With {@code levee.openapi.enabled=false} (or the API off) the document holds only
 * the application's own.
 */
public class LeveeOpenApi implements OASModelReader {

    static final String CONTRACT = "META-INF/levee/openapi.yaml";

    @Override
    public OpenAPI buildModel() {
        if (!Part.OPENAPI.enabledIn(ConfigProvider.getConfig())) {
            return null;
        }
        try (InputStream in = LeveeOpenApi.class.getClassLoader().getResourceAsStream(CONTRACT)) {
            if (in == null) {
                throw new IllegalStateException(CONTRACT + " is missing from Levee's jar");
            }
            return OpenApiParser.parse(in, Format.YAML);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CONTRACT, e);
        }
    }
}

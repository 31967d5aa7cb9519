package io.levee.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import io.levee.config.InvalidConfigurationException;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON Schemas of task bodies, per queue ({@code levee.queues.<q>.schema}: a file path or classpath resource),
 * loaded once; a missing or unparseable schema fails startup naming the key. Draft 2020-12 unless the schema's
 * {@code $schema} says otherwise.
 */
@ApplicationScoped
public class QueueSchemas {

    /** One way a body breaks its queue's schema. */
    record Violation(String path, String message) {}

    private final Map<String, JsonNode> documents = new HashMap<>();
    private final Map<String, JsonSchema> schemas = new HashMap<>();

    @Inject
    QueueSchemas(LeveeConfig config) {
        for (QueueSettings q : config.queues().values()) {
            q.schema().ifPresent(location -> {
                JsonNode document = load("levee.queues." + q.name() + ".schema", location);
                SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(document, false)
                        .orElse(SpecVersion.VersionFlag.V202012);
                documents.put(q.name(), document);
                schemas.put(q.name(), JsonSchemaFactory.getInstance(version).getSchema(document));
            });
        }
    }

    /** The schema document of a queue, as configured. */
    Optional<JsonNode> document(String queue) {
        return Optional.ofNullable(documents.get(queue));
    }

    /** Every violation of the queue's schema, ordered by path; empty when valid or the queue has no schema. */
    List<Violation> violations(String queue, JsonNode body) {
        JsonSchema schema = schemas.get(queue);
        if (schema == null) {
            return List.of();
        }
        return schema.validate(body).stream()
                .map(m -> new Violation(m.getInstanceLocation().toString(), m.getMessage()))
                .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                .toList();
    }

    /** Whether the queue's task bodies have a schema. */
    boolean hasSchema(String queue) {
        return schemas.containsKey(queue);
    }

    /** Throws a 422 listing every violation. */
    void requireValid(String queue, JsonNode body) {
        List<Violation> violations = violations(queue, body);
        if (!violations.isEmpty()) {
            throw new ProblemException(
                    ProblemType.SCHEMA_VIOLATION,
                    violations.size() + " violation(s) of the schema of queue '" + queue + "'",
                    null,
                    Map.of(
                            "violations",
                            violations.stream()
                                    .map(v -> Map.of("path", v.path(), "message", v.message()))
                                    .toList()));
        }
    }

    private static JsonNode load(String key, String location) {
        try {
            Path file = Path.of(location);
            if (Files.isRegularFile(file)) {
                return TaskBodies.JSON.readTree(file.toFile());
            }
            String resource = location.startsWith("classpath:") ? location.substring(10) : location;
            try (InputStream in = Thread.currentThread()
                    .getContextClassLoader()
                    .getResourceAsStream(resource.startsWith("/") ? resource.substring(1) : resource)) {
                if (in == null) {
                    throw new InvalidConfigurationException(
                            key, location, "a readable JSON Schema file or classpath resource");
                }
                return TaskBodies.JSON.readTree(in);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidConfigurationException ice) {
                throw ice;
            }
            throw new InvalidConfigurationException(
                    key,
                    location,
                    "a JSON Schema that parses ("
                            + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}

package io.levee.ingress;

import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.QueueSettings;
import jakarta.enterprise.inject.spi.CDI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * Adds {@code x-levee-task-schemas} (queue → where its task schema is served) to the served OpenAPI document, so
 * the per-queue schemas are reachable from the contract; nothing when Levee's contract is not in the document.
 */
public class TaskSchemaLinks implements OASFilter {

    /** The extension's name. */
    public static final String EXTENSION = "x-levee-task-schemas";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (!Part.OPENAPI.enabledIn(ConfigProvider.getConfig())) {
            return;
        }
        Map<String, Object> links = new LinkedHashMap<>();
        for (QueueSettings q :
                CDI.current().select(LeveeConfig.class).get().queues().values()) {
            if (q.schema().isPresent()) {
                links.put(q.name(), "/v1/queues/" + q.name() + "/schema");
            }
        }
        openAPI.addExtension(EXTENSION, links);
    }
}

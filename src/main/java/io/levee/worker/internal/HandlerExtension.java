package io.levee.worker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.levee.LeveeException;
import io.levee.config.LeveeConfig;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds every {@code @TaskHandler} method at deployment and fails the deployment, with a message naming the method,
 * for a definition Levee cannot run: no such queue configured, two handlers for one queue, an unsupported parameter.
 */
public class HandlerExtension implements Extension {

    private final List<HandlerDefinition> handlers = new ArrayList<>();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            TaskHandler annotation = m.getAnnotation(TaskHandler.class);
            if (annotation == null) {
                continue;
            }
            try {
                handlers.add(HandlerDefinition.of(event.getBean(), m.getJavaMember(), annotation));
            } catch (DefinitionException e) {
                event.addDefinitionError(e);
            }
        }
    }

    void validate(@Observes AfterDeploymentValidation event) {
        LeveeConfig config;
        try {
            config = LeveeConfig.load(ConfigProvider.getConfig());
        } catch (LeveeException e) {
            event.addDeploymentProblem(e);
            return;
        }
        Map<String, HandlerDefinition> byQueue = new HashMap<>();
        for (HandlerDefinition h : handlers) {
            if (config.queue(h.queue()).isEmpty()) {
                event.addDeploymentProblem(new DeploymentException("@TaskHandler " + h.source() + " handles queue '"
                        + h.queue() + "', which is not configured; configured queues: " + config.queues().keySet()
                        + " (add levee.queues." + h.queue() + ".max-length or similar)"));
            }
            HandlerDefinition other = byQueue.putIfAbsent(h.queue(), h);
            if (other != null) {
                event.addDeploymentProblem(new DeploymentException("queue '" + h.queue() + "' has two handlers: "
                        + other.source() + " and " + h.source()));
            }
        }
    }

    /** The handlers found, valid once deployment succeeded. */
    List<HandlerDefinition> handlers() {
        return List.copyOf(handlers);
    }
}

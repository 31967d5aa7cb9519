package io.levee.worker.internal;

import java.util.ArrayList;
import java.util.List;

import io.levee.LeveeException;
import io.levee.config.LeveeConfig;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds every {@code @TaskHandler} method at deployment and fails the deployment, with a message naming the method,
 * for a definition Levee cannot run: an unsupported parameter, concurrency or prefetch below 1, no such queue
 * configured, two handlers for one queue.
 */
public class HandlerExtension implements Extension {

    private final List<HandlerDefinition> handlers = new ArrayList<>();
    private volatile HandlerRegistry registry = HandlerRegistry.empty();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            TaskHandler annotation = m.getAnnotation(TaskHandler.class);
            if (annotation == null) {
                continue;
            }
            try {
                handlers.add(HandlerDefinition.of(event.getBean(), m.getJavaMember(), annotation,
                        ConfigProvider.getConfig()));
            } catch (DefinitionException e) {
                event.addDefinitionError(e);
            }
        }
    }

    void validate(@Observes AfterDeploymentValidation event) {
        Config config = ConfigProvider.getConfig();
        LeveeConfig leveeConfig;
        try {
            leveeConfig = LeveeConfig.load(config);
        } catch (LeveeException e) {
            event.addDeploymentProblem(e);
            return;
        }
        registry = HandlerRegistry.build(handlers, leveeConfig, config, event::addDeploymentProblem);
    }

    /** The handlers bound to their queues, valid once deployment succeeded. */
    HandlerRegistry registry() {
        return registry;
    }
}

package io.levee.worker.internal;

import io.levee.LeveeException;
import io.levee.config.DeliverySettings;
import io.levee.config.LeveeConfig;
import io.levee.delivery.HttpDelivery;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds every {@code @TaskHandler} method at deployment and fails the deployment, with a message naming the method,
 * for a definition Levee cannot run: an unsupported parameter, concurrency or prefetch below 1, no such queue
 * configured, two handlers for one queue. Every queue with {@code levee.queues.<q>.delivery.url} is handled by the
 * built-in {@link HttpDelivery}, which counts as that queue's handler; an invalid delivery setting fails deployment.
 */
public class HandlerExtension implements Extension {

    private final List<HandlerDefinition> handlers = new ArrayList<>();
    private volatile HandlerRegistry registry = HandlerRegistry.empty();
    private Bean<?> httpDelivery;

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        if (event.getBean().getBeanClass() == HttpDelivery.class) {
            httpDelivery = event.getBean();
        }
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            TaskHandler annotation = m.getAnnotation(TaskHandler.class);
            if (annotation == null) {
                continue;
            }
            try {
                handlers.add(HandlerDefinition.of(
                        event.getBean(), m.getJavaMember(), annotation, ConfigProvider.getConfig()));
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
        List<HandlerDefinition> all = new ArrayList<>(handlers);
        Map<String, DeliverySettings> deliveries;
        try {
            deliveries = HttpDelivery.configured(leveeConfig, config);
        } catch (LeveeException e) {
            event.addDeploymentProblem(e);
            return;
        }
        if (!deliveries.isEmpty() && httpDelivery == null) {
            event.addDeploymentProblem(new DeploymentException("queues " + deliveries.keySet() + " have a"
                    + " delivery.url, but the built-in delivery (" + HttpDelivery.class.getName() + ") is not a bean"
                    + " of this deployment"));
            return;
        }
        deliveries.forEach((queue, settings) -> all.add(HandlerDefinition.delivery(httpDelivery, queue, settings)));
        registry = HandlerRegistry.build(all, leveeConfig, config, event::addDeploymentProblem);
    }

    /** The handlers bound to their queues, valid once deployment succeeded. */
    HandlerRegistry registry() {
        return registry;
    }
}

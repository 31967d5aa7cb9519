package io.levee.worker.internal;

import io.levee.LeveeException;
import io.levee.config.LeveeConfig;
import io.levee.worker.HandlerProvider;
import io.levee.worker.ProvidedHandler;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds every handler at deployment and fails the deployment, with a message naming the handler, for a definition
 * Levee cannot run: an unsupported parameter, concurrency or prefetch below 1, no such queue configured, two
 * handlers for one queue. Handlers are {@code @TaskHandler} methods and the {@link ProvidedHandler}s of every
 * {@link HandlerProvider} bean (the built-in HTTP delivery is one); both run the same way.
 */
public class HandlerExtension implements Extension {

    private final List<HandlerDefinition> handlers = new ArrayList<>();
    private final List<Bean<?>> providers = new ArrayList<>();
    private volatile HandlerRegistry registry = HandlerRegistry.empty();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        if (event.getBean().getTypes().contains(HandlerProvider.class)) {
            providers.add(event.getBean());
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

    void validate(@Observes AfterDeploymentValidation event, BeanManager beans) {
        Config config = ConfigProvider.getConfig();
        List<HandlerDefinition> all = new ArrayList<>(handlers);
        LeveeConfig leveeConfig;
        try {
            leveeConfig = beans.createInstance().select(LeveeConfig.class).get();
            for (Bean<?> bean : providers) {
                HandlerProvider provider = (HandlerProvider)
                        beans.getReference(bean, HandlerProvider.class, beans.createCreationalContext(bean));
                provider.handlers().forEach(h -> all.add(HandlerDefinition.provided(h)));
            }
        } catch (RuntimeException e) {
            event.addDeploymentProblem(leveeCause(e));
            return;
        }
        registry = HandlerRegistry.build(all, leveeConfig, config, event::addDeploymentProblem);
    }

    /** The container may wrap what a provider's constructor threw; the reason is the Levee exception inside. */
    private static Throwable leveeCause(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LeveeException) {
                return t;
            }
        }
        return e;
    }

    /** The handlers bound to their queues, valid once deployment succeeded. */
    HandlerRegistry registry() {
        return registry;
    }
}

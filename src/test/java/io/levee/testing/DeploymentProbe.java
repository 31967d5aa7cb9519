package io.levee.testing;

import io.levee.config.LeveeConfigProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Extension;
import java.net.URL;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.resources.ClassLoaderResourceLoader;

/**
 * Starts a bare CDI container (Weld SE, no discovery, only the given extensions and beans, the given configuration)
 * and returns why its deployment failed. Each definition-error test runs its own container this way.
 */
public final class DeploymentProbe {

    private DeploymentProbe() {}

    /** Makes the registered MicroProfile Config injectable, as Helidon's config extension does. */
    @ApplicationScoped
    public static class ConfigBean {
        @Produces
        Config config() {
            return ConfigProvider.getConfig();
        }
    }

    /**
     * Deploys the beans and returns the failure's messages (the exception and its causes), or throws AssertionError
     * when the deployment succeeded.
     */
    public static String failure(List<Extension> extensions, Map<String, String> config, Class<?>... beans) {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Config cfg =
                resolver.getBuilder().withSources(TestConfig.overriding(config)).build();
        resolver.registerConfig(cfg, loader);
        Weld weld = new Weld()
                .disableDiscovery()
                // Only the extensions under test: hide every service-loaded one (Helidon's server among them).
                .setResourceLoader(new ClassLoaderResourceLoader(loader) {
                    @Override
                    public Collection<URL> getResources(String name) {
                        return name.startsWith("META-INF/services/")
                                ? Collections.emptyList()
                                : super.getResources(name);
                    }
                })
                .property("org.jboss.weld.bootstrap.concurrentDeployment", false)
                .addBeanClasses(beans)
                // Levee's configuration record, as in Helidon: read once from the MicroProfile Config registered above.
                .addBeanClasses(ConfigBean.class, LeveeConfigProducer.class);
        extensions.forEach(weld::addExtension);
        try (WeldContainer ignored = weld.initialize()) {
            throw new AssertionError("deployment of " + List.of(beans) + " succeeded but should have failed");
        } catch (RuntimeException e) {
            StringBuilder text = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                text.append(t.getMessage()).append('\n');
            }
            return text.toString();
        } finally {
            resolver.releaseConfig(cfg);
        }
    }
}

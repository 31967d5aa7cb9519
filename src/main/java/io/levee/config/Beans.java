package io.levee.config;

import org.jboss.weld.proxy.WeldClientProxy;

/** What CDI leaves to its implementation (Weld, in Helidon MP), in one place. */
public final class Beans {

    private Beans() {}

    /**
     * The bean instance behind an application-scoped bean's client proxy, for the ingest path's collaborators: a call
     * through the proxy looks the instance up in its context and keeps an interception stack every time (4 % of the
     * ingest path's CPU samples under wrk -c64, docs/benchmarks.md). Only for beans that live as long as the
     * application and hold it for as long as the caller does; anything that is not a Weld proxy comes back as it is.
     */
    public static <T> T direct(T bean) {
        if (bean instanceof WeldClientProxy proxy) {
            @SuppressWarnings("unchecked")
            T instance = (T) proxy.getMetadata().getContextualInstance();
            return instance;
        }
        return bean;
    }
}

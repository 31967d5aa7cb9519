package io.levee.ingress;

import io.helidon.common.mapper.MapperManager;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pins Helidon's global {@link MapperManager} so that the web server stops looking it up in the service registry on
 * every header value and path parameter it reads. Helidon 4.2.6's {@code MapperManager.global()} asks the registry
 * each time unless an instance was set explicitly, and the registry builds a lookup for every call: 13 % of the
 * ingest path's CPU samples under wrk -c64 (docs/benchmarks.md). The instance pinned is the registry's own
 * singleton, so nothing changes but the cost. {@code MapperManager} is deprecated for removal in favour of the
 * registry's {@code Mappers}; the web server of 4.2.6 still calls {@code MapperManager.global()}, so this stays
 * until an upgrade changes that (then it can go).
 */
@SuppressWarnings("removal")
final class GlobalMappers {

    /** The logger Helidon's {@code GlobalManager} warns on when the registry refuses a late {@code set}. */
    private static final Logger HELIDON_MAPPER_LOG = Logger.getLogger("io.helidon.common.mapper.GlobalManager");

    private GlobalMappers() {}

    static void pin() {
        MapperManager registered = MapperManager.global();
        // Setting it also offers it to the registry, which refuses (it was used already) and Helidon warns once that
        // a late set "will not work in future versions"; the pinned reference is set before that and is what counts.
        Level level = HELIDON_MAPPER_LOG.getLevel();
        HELIDON_MAPPER_LOG.setLevel(Level.OFF);
        try {
            MapperManager.global(registered);
        } finally {
            HELIDON_MAPPER_LOG.setLevel(level);
        }
    }
}

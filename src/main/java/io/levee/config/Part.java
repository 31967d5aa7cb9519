package io.levee.config;

import org.eclipse.microprofile.config.Config;

/**
 * A part of Levee that an application may leave out, each switched by one key. What each part contains is listed in
 * docs/library.md; its beans carry {@link PartOf}, and {@link Parts} removes the beans of a part that is off.
 */
public enum Part {
    /** The demo handler and its queue ({@code levee.demo.queue}, default {@code demo}). Off unless asked for. */
    DEMO("levee.demo.enabled", false),
    /** The HTTP API under {@code /v1}: task submission, queue status and schemas, the operations endpoints. */
    API("levee.api.enabled", true),
    /** The dashboard page at {@code /dashboard/}; it reads the API, so it is served only with it. */
    DASHBOARD("levee.dashboard.enabled", true),
    /** Levee's contract in the served {@code /openapi} document; it describes the API, so it goes with it. */
    OPENAPI("levee.openapi.enabled", true);

    private final String key;
    private final boolean byDefault;

    Part(String key, boolean byDefault) {
        this.key = key;
        this.byDefault = byDefault;
    }

    /** The key that switches this part. */
    public String key() {
        return key;
    }

    /** Whether this part is on: its own switch, and for the dashboard and the OpenAPI document the API's too. */
    public boolean enabledIn(Config config) {
        boolean own = new Settings(config).bool(key, byDefault);
        return switch (this) {
            case DASHBOARD, OPENAPI -> own && API.enabledIn(config);
            default -> own;
        };
    }
}

package io.levee.security;

import java.util.Locale;
import java.util.Optional;

/** What an identity may do; granted per API key or by a JWT's groups. */
public enum AccessRole {
    /** Submit tasks to the identity's queues. */
    SUBMIT,
    /** Read queue state, task status, dead-letter listings, the dashboard, metrics and the API document. */
    READ,
    /** The operations endpoints of the identity's queues: dead letters, pause and resume, limits. */
    OPERATE;

    /** The role of that name ({@code submit}, {@code read}, {@code operate}, any case), if it is one. */
    public static Optional<AccessRole> named(String name) {
        for (AccessRole r : values()) {
            if (r.name().equalsIgnoreCase(name.trim())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The name used in key files, tokens and messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.levee.security;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who made a request, as established by an API key or a JWT.
 *
 * @param scheme {@code key} or {@code jwt}
 * @param name   the key's name or the token's principal ({@code upn}, {@code preferred_username} or {@code sub})
 * @param roles  what it may do
 * @param queues the queues it may use; empty means every queue
 */
public record Identity(String scheme, String name, Set<AccessRole> roles, List<QueuePattern> queues) {

    public Identity {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
        queues = List.copyOf(queues);
    }

    /**
     * The identity as one token, {@code <scheme>:<name>}: what travels in {@code levee-submitted-by} and scopes
     * idempotency keys, so an API key and a token subject of the same name stay apart.
     */
    public String id() {
        return scheme + ":" + name;
    }

    /** Whether it holds that role. */
    public boolean has(AccessRole role) {
        return roles.contains(role);
    }

    /**
     * Whether it may use every queue: no queue patterns, or the pattern {@code *}. Parked tasks of {@code
     * /v1/unroutable} belong to queues that may not exist yet, so only such an identity may read or replay them.
     */
    public boolean mayUseEveryQueue() {
        return queues.isEmpty() || queues.stream().anyMatch(p -> p.glob().equals("*"));
    }

    /** Whether it may use that queue. */
    public boolean mayUse(String queue) {
        if (queues.isEmpty()) {
            return true;
        }
        for (QueuePattern p : queues) {
            if (p.matches(queue)) {
                return true;
            }
        }
        return false;
    }
}

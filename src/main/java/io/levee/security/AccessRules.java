package io.levee.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which requests need which role: one table of (methods, path pattern, requirement), first match wins. A path
 * pattern is a list of segments: a literal, {@code {q}} (a queue name, checked against the identity's queue
 * patterns) or a final {@code **} (any rest, including none). A request matching no row needs an authenticated
 * identity with {@code operate} when it is not a read, and any authenticated identity when it is.
 */
final class AccessRules {

    private static final Set<String> READS = Set.of("GET", "HEAD");
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> POST = Set.of("POST");

    /** What a request needs. */
    sealed interface Requirement {}

    /** Anyone. */
    record Open() implements Requirement {}

    /** Any authenticated identity. */
    record Authenticated() implements Requirement {}

    /** An identity holding {@code role}; on a queue path, one that may also use the queue. */
    record Needs(AccessRole role) implements Requirement {}

    /**
     * An identity holding {@code role} that may use every queue: for paths about tasks of any queue, such as the
     * parked tasks of {@code /v1/unroutable}, which a replay sends to whatever queue each names.
     */
    record NeedsEveryQueue(AccessRole role) implements Requirement {}

    /** One row of the table. */
    record Rule(Set<String> methods, List<String> pattern, Requirement requirement) {
        Rule(Set<String> methods, String pattern, Requirement requirement) {
            this(methods, segments(pattern), requirement);
        }
    }

    /** The outcome for one request: its requirement and the queue it addresses, if any. */
    record Decision(Requirement requirement, Optional<String> queue) {}

    private static final Requirement OPEN = new Open();
    private static final Requirement READ = new Needs(AccessRole.READ);

    private final List<Rule> rules;

    private AccessRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Levee's table; {@code openMetrics} lets anyone read {@code /metrics}. */
    static AccessRules levee(boolean openMetrics) {
        List<Rule> r = new ArrayList<>();
        r.add(new Rule(READS, "/health/**", OPEN));
        r.add(new Rule(READS, "/metrics/**", openMetrics ? OPEN : READ));
        r.add(new Rule(READS, "/openapi/**", READ));
        r.add(new Rule(READS, "/dashboard/**", READ));
        r.add(new Rule(POST, "/v1/queues/{q}/tasks", new Needs(AccessRole.SUBMIT)));
        r.add(new Rule(POST, "/v1/queues/{q}/tasks/batch", new Needs(AccessRole.SUBMIT)));
        r.add(new Rule(READS, "/v1/queues/{q}/**", READ));
        r.add(new Rule(WRITES, "/v1/queues/{q}/**", new Needs(AccessRole.OPERATE)));
        r.add(new Rule(READS, "/v1/unroutable/**", new NeedsEveryQueue(AccessRole.READ)));
        r.add(new Rule(WRITES, "/v1/unroutable/**", new NeedsEveryQueue(AccessRole.OPERATE)));
        r.add(new Rule(READS, "/v1/**", READ));
        return new AccessRules(r);
    }

    /** The requirement for a request; {@code path} is the decoded path the router matches. */
    Decision decide(String method, String path) {
        List<String> segments = segments(path);
        for (Rule rule : rules) {
            if (rule.methods().contains(method)) {
                Optional<Optional<String>> queue = match(rule.pattern(), segments);
                if (queue.isPresent()) {
                    return new Decision(rule.requirement(), queue.get());
                }
            }
        }
        return new Decision(
                READS.contains(method) ? new Authenticated() : new Needs(AccessRole.OPERATE), Optional.empty());
    }

    /** Empty when the pattern does not match; otherwise the queue it captured, if it has {@code {q}}. */
    private static Optional<Optional<String>> match(List<String> pattern, List<String> segments) {
        String queue = null;
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.equals("**") && i == pattern.size() - 1) {
                return Optional.of(Optional.ofNullable(queue));
            }
            if (i >= segments.size()) {
                return Optional.empty();
            }
            String s = segments.get(i);
            if (p.equals("{q}")) {
                queue = s;
            } else if (!p.equals(s)) {
                return Optional.empty();
            }
        }
        return pattern.size() == segments.size() ? Optional.of(Optional.ofNullable(queue)) : Optional.empty();
    }

    /** {@code /a/b/} → [a, b, ""]: a trailing slash is a segment of its own, so it matches only a {@code **}. */
    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
    }
}

package io.levee.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one gate in front of every route of the web server: JAX-RS resources, Helidon routes, static content,
 * metrics and the API document alike. It refuses paths that are not in canonical form, looks the request up in
 * {@link AccessRules}, authenticates the bearer credential when the rule asks for it, checks role and queue, and
 * leaves the {@link Identity} in the request's context for the handler.
 */
final class AuthFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(AuthFilter.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM = "application/problem+json";
    /**
     * Bearer for API clients; Basic (user = key name, password = API key) so that a browser can open the dashboard,
     * whose page and data requests then carry the credentials the browser asked for.
     */
    private static final String CHALLENGE = "Bearer realm=\"levee\", Basic realm=\"levee\", charset=\"UTF-8\"";

    private static final String INVALID =
            "Bearer realm=\"levee\", error=\"invalid_token\", Basic realm=\"levee\", charset=\"UTF-8\"";

    /** A presented secret and, for Basic, the name it was presented under. */
    private record Presented(String secret, Optional<String> user) {}

    private final AccessRules rules;
    private final List<Authenticator> authenticators;
    private final AccessListener listener;

    AuthFilter(AccessRules rules, List<Authenticator> authenticators) {
        this(rules, authenticators, AccessListener.NONE);
    }

    AuthFilter(AccessRules rules, List<Authenticator> authenticators, AccessListener listener) {
        this.rules = rules;
        this.authenticators = List.copyOf(authenticators);
        this.listener = listener;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String raw = req.path().rawPath();
        if (!canonical(raw)) {
            refuse(res, 400, "invalid-request", "Invalid request", "the path is not in canonical form", null);
            return;
        }
        String method = req.prologue().method().text();
        AccessRules.Decision decision = rules.decide(method, req.path().path());
        if (decision.requirement() instanceof AccessRules.Open) {
            chain.proceed();
            return;
        }
        Optional<Presented> credential =
                req.headers().value(HeaderNames.AUTHORIZATION).flatMap(AuthFilter::credential);
        if (credential.isEmpty()) {
            refuse(
                    res,
                    401,
                    "unauthorized",
                    "Authentication required",
                    "send Authorization: Bearer <API key or JWT> (or Basic with the key's name and the key)",
                    CHALLENGE);
            listener.refused(method, req.path().path(), 401);
            return;
        }
        Identity identity;
        try {
            identity = authenticate(credential.get().secret())
                    .filter(i -> credential.get().user().map(i.name()::equals).orElse(true))
                    .orElse(null);
        } catch (Authenticator.InvalidCredentialsException e) {
            LOG.fine(() -> "refused a token on " + method + " " + raw + ": " + e.getMessage());
            refuse(res, 401, "unauthorized", "Authentication required", e.getMessage(), INVALID);
            listener.refused(method, req.path().path(), 401);
            return;
        }
        if (identity == null) {
            refuse(res, 401, "unauthorized", "Authentication required", "the credential is not known", INVALID);
            listener.refused(method, req.path().path(), 401);
            return;
        }
        AccessRole role =
                switch (decision.requirement()) {
                    case AccessRules.Needs(AccessRole r) -> r;
                    case AccessRules.NeedsEveryQueue(AccessRole r) -> r;
                    default -> null;
                };
        String refusal = null;
        if (role != null && !identity.has(role)) {
            refusal = "this " + identity.scheme() + " lacks the role '" + role.label() + "'";
        } else if (decision.queue().isPresent()
                && !identity.mayUse(decision.queue().get())) {
            refusal = "this " + identity.scheme() + " may not use the queue '"
                    + decision.queue().get() + "'";
        } else if (decision.requirement() instanceof AccessRules.NeedsEveryQueue && !identity.mayUseEveryQueue()) {
            refusal = "this " + identity.scheme() + " may use only some queues, and these tasks belong to any queue";
        }
        if (refusal != null) {
            deny(res, identity, method, raw, refusal);
            return;
        }
        req.context().register(identity);
        chain.proceed();
    }

    private Optional<Identity> authenticate(String credential) {
        for (Authenticator a : authenticators) {
            Optional<Identity> identity = a.authenticate(credential);
            if (identity.isPresent()) {
                return identity;
            }
        }
        return Optional.empty();
    }

    private void deny(RoutingResponse res, Identity identity, String method, String path, String detail) {
        LOG.log(Level.FINE, () -> "denied " + identity.id() + " on " + method + " " + path + ": " + detail);
        refuse(res, 403, "forbidden", "Not allowed", detail, null);
        listener.refused(method, path, 403);
    }

    /**
     * The credential of {@code Authorization: Bearer <credential>} or {@code Basic <base64 of name:key>}; schemes are
     * case-insensitive (RFC 9110).
     */
    private static Optional<Presented> credential(String header) {
        int space = header.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String value = header.substring(space + 1).strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (scheme.equals("bearer")) {
            return Optional.of(new Presented(value, Optional.empty()));
        }
        if (scheme.equals("basic")) {
            try {
                String pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && colon < pair.length() - 1) {
                    return Optional.of(new Presented(pair.substring(colon + 1), Optional.of(pair.substring(0, colon))));
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * No encoded slash, backslash, dot or semicolon, no empty, {@code .} or {@code ..} segment, no matrix
     * parameter: every path Levee serves is canonical, and refusing the rest means the path this filter judges is
     * the path every router behind it matches.
     */
    static boolean canonical(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/' || raw.indexOf('\\') >= 0 || raw.indexOf(';') >= 0) {
            return false;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f")
                || lower.contains("%5c")
                || lower.contains("%2e")
                || lower.contains("%3b")
                || lower.contains("%00")
                || lower.contains("%25")) {
            return false;
        }
        String[] segments = raw.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if ((s.isEmpty() && !last) || s.equals(".") || s.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static void refuse(
            RoutingResponse res, int status, String type, String title, String detail, String challenge) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:levee:problem:" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, PROBLEM);
        if (challenge != null) {
            res.header(HeaderNames.WWW_AUTHENTICATE, challenge);
        }
        try {
            res.send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem document", e);
        }
    }
}

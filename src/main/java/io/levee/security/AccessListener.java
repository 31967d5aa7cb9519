package io.levee.security;

/**
 * Hears the requests authentication refuses, so that a refused task submission is counted like any other refusal
 * without security depending on a metrics library. A bean implementing it is found at startup; there is at most
 * one. It runs on the request path of every refused request and must not block.
 */
public interface AccessListener {

    /** A listener that ignores everything. */
    AccessListener NONE = new AccessListener() {};

    /**
     * A request was refused before any route ran.
     *
     * @param method the request's method
     * @param path   the request's decoded path
     * @param status 401 (no or bad credentials) or 403 (not allowed)
     */
    default void refused(String method, String path, int status) {}
}

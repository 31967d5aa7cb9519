package io.levee.config;

/** What a Levee replica does: accept tasks over HTTP, consume them, or both. */
public enum Role {
    ALL,
    GATEWAY,
    WORKER;

    /** Whether this replica serves the ingest API. */
    public boolean accepts() {
        return this != WORKER;
    }

    /** Whether this replica runs task handlers. */
    public boolean consumes() {
        return this != GATEWAY;
    }
}

package io.levee.config;

import java.time.Duration;

/**
 * How the gateway publishes.
 *
 * @param sessions        pooled JMS sessions on the one publishing connection; each has at most one send in flight
 * @param confirmTimeout  deadline for a broker confirm, after which the request is answered 503
 * @param sessionMaxSends sends after which a session is replaced, bounding the JMS client's confirm bookkeeping
 */
public record PublishSettings(int sessions, Duration confirmTimeout, int sessionMaxSends) {}

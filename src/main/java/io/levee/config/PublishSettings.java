package io.levee.config;

import java.time.Duration;

/**
 * How the gateway publishes.
 *
 * @param sessions        JMS sessions on the one publishing connection; each carries many sends in flight
 * @param confirmTimeout  deadline for a broker confirm, after which the send is retried or answered 503
 * @param sessionMaxSends sends after which a session is replaced, bounding what the JMS client keeps per session
 */
public record PublishSettings(int sessions, Duration confirmTimeout, int sessionMaxSends) {}

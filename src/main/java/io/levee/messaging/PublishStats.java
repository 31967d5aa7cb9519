package io.levee.messaging;

/**
 * Publish attempts and their outcomes since the publisher started. Every attempt ends in exactly one of confirmed,
 * nacked, confirm timeout or failed once it returns; a confirm timeout is how a completion lost by the JMS client
 * shows (docs/jms-client-defects.md).
 *
 * @param sent            send attempts, retries included
 * @param confirmed       attempts the broker confirmed
 * @param nacked          attempts the broker refused (queue full)
 * @param confirmTimeouts attempts without a completion before their deadline
 * @param failed          attempts that failed otherwise (closed channel or connection)
 */
public record PublishStats(long sent, long confirmed, long nacked, long confirmTimeouts, long failed) {}

package io.levee.messaging;

/** CDI event fired once the broker is reachable and Levee's topology is declared; consumers start on it. */
public record BrokerReady() {}

package io.levee.limits;

/** How many worker replicas deliver a queue; the fallback share of a shared budget is {@code max-rate / replicas}. */
@FunctionalInterface
public interface ReplicaCount {

    /** The replicas delivering {@code queue} now, at least 1. */
    int replicas(String queue);
}

package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void retryQueueNamesUseTheLargestWholeUnit() {
        assertThat(Topology.retryQueue("q", Duration.ofMillis(1500)), is("q.retry.1500ms"));
        assertThat(Topology.retryQueue("q", Duration.ofSeconds(10)), is("q.retry.10s"));
        assertThat(Topology.retryQueue("q", Duration.ofSeconds(90)), is("q.retry.90s"));
        assertThat(Topology.retryQueue("q", Duration.ofMinutes(2)), is("q.retry.2m"));
    }
}

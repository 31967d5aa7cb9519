package io.levee.worker.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Succeeded task ids in memory: per queue, forgotten after the TTL and beyond the bound, oldest first. */
class InMemorySucceededTasksTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void anIdIsRememberedPerQueueUntilItsTtl() {
        InMemorySucceededTasks tasks = new InMemorySucceededTasks(10, clock);
        tasks.addAll("q", List.of("a"), Duration.ofSeconds(10));

        assertThat(tasks.contains("q", "a"), is(true));
        assertThat(tasks.contains("p", "a"), is(false));
        clock.now = clock.now.plusSeconds(10);
        assertThat(tasks.contains("q", "a"), is(false));
    }

    @Test
    void beyondTheBoundTheOldestIsForgotten() {
        InMemorySucceededTasks tasks = new InMemorySucceededTasks(2, clock);
        tasks.addAll("q", List.of("a", "b"), Duration.ofHours(1));
        tasks.addAll("q", List.of("c"), Duration.ofHours(1));

        assertThat(tasks.contains("q", "a"), is(false));
        assertThat(tasks.contains("q", "b"), is(true));
        assertThat(tasks.contains("q", "c"), is(true));
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

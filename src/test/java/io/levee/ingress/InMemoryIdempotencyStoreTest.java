package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

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

    final ManualClock clock = new ManualClock();
    final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofHours(24), 3, clock);

    @Test
    void theFirstReservationWinsUntilTheTtlEnds() {
        assertThat(store.reserve("q", "k", "fp").isEmpty(), is(true));
        store.complete("q", "k", new IdempotencyStore.Entry("fp", "t1", "2026-01-01T00:00:00Z", "r1"));
        assertThat(store.reserve("q", "k", "fp").orElseThrow().taskId(), is("t1"));

        clock.now = clock.now.plus(Duration.ofHours(24));
        assertThat("forgotten after 24 h", store.reserve("q", "k", "fp").isEmpty(), is(true));
    }

    @Test
    void keysArePerQueueAndReleasable() {
        store.reserve("q", "k", "fp");
        assertThat(store.reserve("other", "k", "fp").isEmpty(), is(true));
        store.release("q", "k");
        assertThat(store.reserve("q", "k", "fp").isEmpty(), is(true));
    }

    @Test
    void theOldestKeyIsForgottenBeyondTheBound() {
        store.reserve("q", "a", "fp");
        store.reserve("q", "b", "fp");
        store.reserve("q", "c", "fp");
        store.reserve("q", "d", "fp");
        assertThat("a was evicted", store.reserve("q", "a", "fp").isEmpty(), is(true));
        assertThat("d is still held", store.reserve("q", "d", "fp").isPresent(), is(true));
    }
}

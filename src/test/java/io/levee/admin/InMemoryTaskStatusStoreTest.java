package io.levee.admin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Statuses never move backwards, whatever order updates arrive in, and expire with their TTL. */
class InMemoryTaskStatusStoreTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryTaskStatusStore store = new InMemoryTaskStatusStore(clock, 10);

    @Test
    void aLateAcceptanceDoesNotOverwriteProcessingButFillsWhatIsMissing() {
        store.record(update(5, Map.of("state", "processing", "attempts", "1", "startedAt", "20")));
        store.record(update(0, Map.of("state", "accepted", "attempts", "0", "acceptedAt", "10")));

        Map<String, String> f = store.read("q", "t").orElseThrow();
        assertThat(f.get("state"), is("processing"));
        assertThat(f.get("attempts"), is("1"));
        assertThat("the earlier update still fills a missing field", f.get("acceptedAt"), is("10"));
    }

    @Test
    void laterStagesOfLaterAttemptsWin() {
        store.record(update(0, Map.of("state", "accepted")));
        store.record(update(6, Map.of("state", "retrying", "errorClass", "E")));
        store.record(update(9, Map.of("state", "processing", "attempts", "2")));
        store.record(update(11, Map.of("state", "succeeded", "attempts", "2")));
        store.record(update(5, Map.of("state", "processing", "attempts", "1")));

        Map<String, String> f = store.read("q", "t").orElseThrow();
        assertThat(f.get("state"), is("succeeded"));
        assertThat(f.get("attempts"), is("2"));
        assertThat("the last error stays", f.get("errorClass"), is("E"));
    }

    @Test
    void aStatusExpiresWithItsTtl() {
        store.record(update(0, Map.of("state", "accepted")));
        clock.advance(Duration.ofSeconds(59));
        assertThat(store.read("q", "t").isPresent(), is(true));
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.read("q", "t"), is(Optional.empty()));
    }

    @Test
    void beyondMaxEntriesTheOldestTasksAreForgottenFirstAndUpdatesDoNotMakeATaskNew() {
        for (int i = 0; i < 10; i++) {
            store.record(
                    new TaskStatusStore.Update("q", "t" + i, 0, Map.of("state", "accepted"), Duration.ofMinutes(1)));
        }
        // An update of a known task neither counts as a new one nor moves it to the back.
        store.record(new TaskStatusStore.Update("q", "t0", 5, Map.of("state", "processing"), Duration.ofMinutes(1)));
        store.record(new TaskStatusStore.Update("q", "t10", 0, Map.of("state", "accepted"), Duration.ofMinutes(1)));
        store.record(new TaskStatusStore.Update("q", "t11", 0, Map.of("state", "accepted"), Duration.ofMinutes(1)));

        assertThat(store.read("q", "t0"), is(Optional.empty()));
        assertThat(store.read("q", "t1"), is(Optional.empty()));
        assertThat(store.read("q", "t2").orElseThrow().get("state"), is("accepted"));
        assertThat(store.read("q", "t11").orElseThrow().get("state"), is("accepted"));
    }

    private static TaskStatusStore.Update update(int rank, Map<String, String> fields) {
        return new TaskStatusStore.Update("q", "t", rank, fields, Duration.ofMinutes(1));
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
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

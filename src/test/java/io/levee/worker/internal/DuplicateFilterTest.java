package io.levee.worker.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A window of tasks checked at once: answered from the store's state at the check while fresh, never missing a
 * success of this replica since the check, and asked again once stale.
 */
class DuplicateFilterTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final SucceededTasks store = new InMemorySucceededTasks(1_000, Clock.systemUTC());
    private final DuplicateFilter filter = new DuplicateFilter(store, "q", Duration.ofHours(1), nanos::get);
    private final DuplicateFilter otherReplica = new DuplicateFilter(store, "q", Duration.ofHours(1), nanos::get);

    @Test
    void aWindowIsAnsweredFromTheStoreAsItWasWhenChecked() {
        store.addAll("q", List.of("done"), Duration.ofHours(1));

        DuplicateFilter.Window window = filter.check(List.of("done", "new"));

        assertThat(filter.isRepeat("done", window), is(true));
        assertThat(filter.isRepeat("new", window), is(false));
    }

    @Test
    void aTaskThatSucceededHereAfterTheCheckIsARepeatBeforeAndAfterItIsRecorded() {
        DuplicateFilter.Window window = filter.check(List.of("a", "a-again"));
        filter.succeeded("a");
        assertThat("not yet recorded", filter.isRepeat("a", window), is(true));

        filter.record();
        assertThat("recorded after the window was checked", filter.isRepeat("a", window), is(true));

        nanos.addAndGet(DuplicateFilter.ANSWERS_FOR.toNanos());
        filter.record();
        assertThat("forgotten here, found in the store", filter.isRepeat("a", window), is(true));
    }

    @Test
    void staleAnswersAreAskedAgain() {
        DuplicateFilter.Window window = filter.check(List.of("b"));
        otherReplica.succeeded("b");
        otherReplica.record();

        assertThat(
                "a success elsewhere since the check is missed while fresh", filter.isRepeat("b", window), is(false));
        assertThat(filter.fresh(window), is(true));
        nanos.addAndGet(DuplicateFilter.ANSWERS_FOR.toNanos());
        assertThat(filter.fresh(window), is(false));
        assertThat("stale: the store is asked again", filter.isRepeat("b", window), is(true));
    }

    @Test
    void aTaskOutsideTheWindowIsAskedAlone() {
        DuplicateFilter.Window window = filter.check(List.of("c"));
        otherReplica.succeeded("d");
        otherReplica.record();

        assertThat(filter.isRepeat("d", window), is(true));
    }

    @Test
    void withoutAStoreNothingIsARepeat() {
        DuplicateFilter.Window window = DuplicateFilter.OFF.check(List.of("e"));
        DuplicateFilter.OFF.succeeded("e");

        assertThat(DuplicateFilter.OFF.isRepeat("e", window), is(false));
    }
}

package io.levee.admin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
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

    @Test
    void anIdIsItsExactTextWhateverFormItHas() {
        String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        store.record(new TaskStatusStore.Update("q", id, 0, Map.of("state", "accepted"), Duration.ofMinutes(1)));
        store.record(new TaskStatusStore.Update("q2", id, 0, Map.of("state", "dead"), Duration.ofMinutes(1)));

        assertThat(store.read("q", id).orElseThrow().get("state"), is("accepted"));
        assertThat(store.read("q2", id).orElseThrow().get("state"), is("dead"));
        assertThat(store.read("q", id.toUpperCase(Locale.ROOT)), is(Optional.empty()));
        assertThat(store.read("q", id.replace('-', '_')), is(Optional.empty()));
        assertThat(store.read("other", id), is(Optional.empty()));
    }

    @Test
    void fieldsOutsideTheUsualFormsAreKeptAsTheyCame() {
        store.record(update(0, Map.of("state", "accepted", "attempts", "007", "acceptedAt", "12")));
        store.record(update(1, Map.of("state", "parked by hand", "updatedAt", "-3", "note", "x")));
        store.record(update(0, Map.of("acceptedAt", "99", "startedAt", "")));

        assertThat(
                store.read("q", "t").orElseThrow(),
                is(Map.of(
                        "state", "parked by hand",
                        "attempts", "007",
                        "acceptedAt", "12",
                        "updatedAt", "-3",
                        "note", "x",
                        "startedAt", "")));
    }

    /**
     * Thousands of updates in random order, for random tasks of two queues, some ids UUIDs and some not, past the
     * first capacity and around the ring several times: every status reads as a plain map per task would have it.
     */
    @Test
    void manyTasksReadAsAMapPerTaskWouldHaveThem() {
        int max = 1_500;
        InMemoryTaskStatusStore flat = new InMemoryTaskStatusStore(clock, max);
        Reference reference = new Reference(max);
        Random random = new Random(11);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
            ids.add(i % 7 == 0 ? "task-" + i : i % 11 == 0 ? uuid.toUpperCase(Locale.ROOT) : uuid);
        }
        List<String> states = List.of("accepted", "processing", "retrying", "succeeded", "dead", "other");
        for (int n = 0; n < 30_000; n++) {
            // Mostly recent tasks, sometimes old ones, so that updates meet live, forgotten and new tasks.
            int i = random.nextInt(10) == 0 ? random.nextInt(ids.size()) : (n / 8 + random.nextInt(50)) % ids.size();
            Map<String, String> fields = new HashMap<>();
            fields.put("state", states.get(random.nextInt(states.size())));
            fields.put("attempts", Integer.toString(random.nextInt(4)));
            fields.put(random.nextBoolean() ? "startedAt" : "finishedAt", Long.toString(random.nextLong(1L << 45)));
            if (random.nextInt(5) == 0) {
                fields.put("errorClass", "E" + random.nextInt(3));
            }
            TaskStatusStore.Update u = new TaskStatusStore.Update(
                    random.nextBoolean() ? "q" : "r", ids.get(i), random.nextInt(12), fields, Duration.ofHours(1));
            flat.record(u);
            reference.record(u);
        }
        int known = 0;
        for (String queue : List.of("q", "r")) {
            for (String id : ids) {
                Optional<Map<String, String>> expected = Optional.ofNullable(reference.read(queue, id));
                assertThat(queue + " " + id, flat.read(queue, id), is(expected));
                known += expected.isPresent() ? 1 : 0;
            }
        }
        assertThat("the ring is full", known, is(max));
    }

    /** The same rules on a map entry per task, the first recorded forgotten first. */
    private static final class Reference {
        private final int max;
        private final Map<String, Integer> ranks = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> fields = new HashMap<>();

        Reference(int max) {
            this.max = max;
        }

        void record(TaskStatusStore.Update u) {
            String key = u.queue() + '\u0000' + u.id();
            Integer old = ranks.get(key);
            if (old == null) {
                ranks.put(key, u.rank());
                fields.put(key, new HashMap<>(u.fields()));
                if (ranks.size() > max) {
                    String first = ranks.keySet().iterator().next();
                    ranks.remove(first);
                    fields.remove(first);
                }
            } else if (u.rank() >= old) {
                ranks.put(key, u.rank());
                fields.get(key).putAll(u.fields());
            } else {
                u.fields().forEach(fields.get(key)::putIfAbsent);
            }
        }

        Map<String, String> read(String queue, String id) {
            return fields.get(queue + '\u0000' + id);
        }
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

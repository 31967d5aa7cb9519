package io.levee.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DemoLogTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T10:00:00.100Z"));
    private final Clock clock = new Clock() {
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
            return now.get();
        }
    };

    private int logged(DemoLog log, int tasks) {
        int shown = 0;
        for (int i = 0; i < tasks; i++) {
            if (log.handled()) {
                shown++;
            }
        }
        return shown;
    }

    @Test
    void aQuietQueueShowsEveryTask() {
        DemoLog log = new DemoLog(clock, 5);
        assertThat(logged(log, 3), is(3));
    }

    @Test
    void underLoadOnlyTheFirstTasksOfEachSecondAreShown() {
        DemoLog log = new DemoLog(clock, 5);
        assertThat(logged(log, 1_000), is(5));
        now.set(now.get().plusMillis(1_000));
        assertThat("a new second shows tasks again", logged(log, 1_000), is(5));
    }

    @Test
    void zeroPerSecondShowsNone() {
        DemoLog log = new DemoLog(clock, 0);
        assertThat(logged(log, 7), is(0));
    }

    @Test
    void aNegativeLimitIsRefusedWithTheSettingsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DemoLog(clock, -1));
        assertThat(e.getMessage(), is("levee.demo.log-per-second must be >= 0, was -1"));
    }
}

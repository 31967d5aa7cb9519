package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bucket shapes behind each {@link RateLimit.Type}, on a clock the test moves (REJECT mode never waits). */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> events = new ArrayList<>();
    private final RateLimitListener listener = new RateLimitListener() {
        @Override
        public void permitted(String limiter) {
            events.add("permit");
        }

        @Override
        public void rejected(String limiter) {
            events.add("reject");
        }
    };

    private RateLimiter limiter(RateLimit.Type type, int value, Duration window, Duration minSpacing) {
        return new RateLimiter(
                "test",
                new RateLimitSettings(value, window, minSpacing, type, RateLimit.Mode.REJECT, Duration.ZERO),
                listener,
                now::get);
    }

    private int permitsNow(RateLimiter limiter) throws InterruptedException {
        int n = 0;
        while (true) {
            try {
                limiter.acquire();
                n++;
            } catch (RateLimitException e) {
                return n;
            }
        }
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void smoothHandsOutOnePermitPerWindowOverValue() throws InterruptedException {
        RateLimiter limiter = limiter(RateLimit.Type.SMOOTH, 20, Duration.ofSeconds(1), Duration.ZERO);
        assertThat("no burst", permitsNow(limiter), is(1));
        advance(Duration.ofMillis(49));
        assertThat(permitsNow(limiter), is(0));
        advance(Duration.ofMillis(1));
        assertThat(permitsNow(limiter), is(1));
        advance(Duration.ofSeconds(10));
        assertThat("idle time does not build a burst", permitsNow(limiter), is(1));
    }

    @Test
    void fixedRefillsTheWholeWindowAtItsEnd() throws InterruptedException {
        RateLimiter limiter = limiter(RateLimit.Type.FIXED, 5, Duration.ofSeconds(1), Duration.ZERO);
        assertThat(permitsNow(limiter), is(5));
        advance(Duration.ofMillis(999));
        assertThat(permitsNow(limiter), is(0));
        advance(Duration.ofMillis(1));
        assertThat(permitsNow(limiter), is(5));
    }

    @Test
    void rollingRefillsContinuously() throws InterruptedException {
        RateLimiter limiter = limiter(RateLimit.Type.ROLLING, 10, Duration.ofSeconds(1), Duration.ZERO);
        assertThat(permitsNow(limiter), is(10));
        advance(Duration.ofMillis(300));
        assertThat(permitsNow(limiter), is(3));
    }

    @Test
    void minSpacingKeepsStartsApartEvenWithPermitsLeft() throws InterruptedException {
        RateLimiter limiter = limiter(RateLimit.Type.FIXED, 100, Duration.ofSeconds(1), Duration.ofMillis(100));
        assertThat(permitsNow(limiter), is(1));
        advance(Duration.ofMillis(100));
        assertThat(permitsNow(limiter), is(1));
    }

    @Test
    void rejectionsAreReportedToTheListener() throws InterruptedException {
        RateLimiter limiter = limiter(RateLimit.Type.SMOOTH, 1, Duration.ofSeconds(1), Duration.ZERO);
        limiter.acquire();
        assertThrows(RateLimitException.class, limiter::acquire);
        assertThat(events, is(List.of("permit", "reject")));
    }
}

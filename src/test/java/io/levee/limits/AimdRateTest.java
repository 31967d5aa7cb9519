package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.levee.config.AdaptiveSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AimdRateTest {

    static final AdaptiveSettings SETTINGS =
            new AdaptiveSettings(true, Duration.ofMillis(800), Duration.ofSeconds(10), 2, 50, 5);

    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    final AimdRate rate = new AimdRate(SETTINGS, 100, clock::get);

    /** Past the warm-up: the first answer, and the second after it. */
    @BeforeEach
    void warmUp() {
        request(Duration.ofMillis(10), Duration.ofMillis(10));
        clock.addAndGet(AimdRate.STEP.toNanos());
    }

    @Test
    void slowAnswersOfRequestsStartedInTheFirstSecondAfterTheFirstAnswerDoNotCut() {
        AimdRate cold = new AimdRate(SETTINGS, 100, clock::get);
        long first = clock.get();
        clock.addAndGet(Duration.ofMillis(1_800).toNanos());
        cold.answered(first, Duration.ofMillis(1_800));
        for (int i = 0; i < 15; i++) {
            long start = clock.get();
            clock.addAndGet(Duration.ofMillis(50).toNanos());
            cold.answered(start, Duration.ofMillis(1_400));
        }
        assertThat("the connections of a fresh client: no cut", cold.cuts(), is(0L));

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        for (int i = 0; i < 5; i++) {
            long start = clock.get();
            clock.addAndGet(Duration.ofMillis(900).toNanos());
            cold.answered(start, Duration.ofMillis(900));
        }
        assertThat("slow once warm: cut", cold.cuts(), is(1L));
    }

    @Test
    void aSlowP95CutsTheRateByHalfOnce() {
        for (int i = 0; i < 5; i++) {
            request(Duration.ofMillis(100), Duration.ofMillis(900));
        }

        assertThat("5 slow answers out of 5: p95 900 ms > 800 ms", rate.rate(), is(50.0));
        assertThat(rate.cuts(), is(1L));
    }

    @Test
    void oneSlowAnswerInTwentyIsBelowTheP95() {
        for (int i = 0; i < 19; i++) {
            request(Duration.ofMillis(10), Duration.ofMillis(100));
        }
        request(Duration.ofMillis(10), Duration.ofSeconds(5));

        assertThat(rate.cuts(), is(0L));
        assertThat(rate.rate(), is(100.0));
    }

    @Test
    void oneSlowAnswerAmongTheFirstFewDoesNotCut() {
        request(Duration.ofMillis(10), Duration.ofSeconds(2));
        for (int i = 0; i < 19; i++) {
            request(Duration.ofMillis(10), Duration.ofMillis(100));
        }

        assertThat("below 20 answers the p95 is the slowest; one slow answer alone is no trend", rate.cuts(), is(0L));
        assertThat(rate.rate(), is(100.0));
    }

    @Test
    void twoSlowAnswersAmongFewCut() {
        request(Duration.ofMillis(10), Duration.ofSeconds(2));
        for (int i = 0; i < 4; i++) {
            request(Duration.ofMillis(10), Duration.ofMillis(100));
        }
        request(Duration.ofMillis(10), Duration.ofSeconds(2));

        assertThat(rate.cuts(), is(1L));
        assertThat(rate.lastCutReason(), is("p95 latency 2000 ms over the last 6 answers, threshold 800 ms"));
    }

    @Test
    void answersToRequestsSentBeforeTheCutDoNotCutAgain() {
        long sentBefore = clock.get();
        for (int i = 0; i < 5; i++) {
            request(Duration.ofMillis(100), Duration.ofMillis(900));
        }
        assertThat(rate.cuts(), is(1L));

        for (int i = 0; i < 10; i++) {
            rate.answered(sentBefore, Duration.ofSeconds(2));
        }

        assertThat("late answers of requests already in flight", rate.cuts(), is(1L));
        assertThat(rate.rate(), is(50.0));
    }

    @Test
    void theRateRisesByTheStepPerHealthySecondBackToTheCeiling() {
        rate.throttled(clock.get());
        assertThat(rate.rate(), is(50.0));

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        request(Duration.ofMillis(10), Duration.ofMillis(100));
        assertThat(rate.rate(), is(55.0));

        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(rate.rate(), is(70.0));

        clock.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat("never above the ceiling", rate.rate(), is(100.0));
    }

    @Test
    void theRateDoesNotRiseWhileLatencyIsHigh() {
        rate.throttled(clock.get());
        for (int i = 0; i < 3; i++) {
            request(Duration.ofMillis(300), Duration.ofSeconds(1));
        }

        assertThat("3 slow answers are too few to cut, but hold the rate", rate.rate(), is(50.0));
        assertThat(rate.cuts(), is(1L));
    }

    @Test
    void aThrottlingAnswerCutsAtOnceButNotBelowTheMinimum() {
        for (int i = 0; i < 10; i++) {
            rate.throttled(clock.get());
            clock.addAndGet(1);
        }

        assertThat(rate.rate(), is(2.0));
        assertThat(rate.cuts(), is(10L));
    }

    @Test
    void aNewCeilingResetsTheRate() {
        rate.throttled(clock.get());

        rate.ceiling(30);

        assertThat(rate.rate(), is(30.0));
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(rate.rate(), is(30.0));
    }

    @Test
    void withAdaptationOffTheRateStaysAtTheCeiling() {
        AimdRate fixed = new AimdRate(
                new AdaptiveSettings(false, Duration.ofMillis(800), Duration.ofSeconds(10), 1, 50, 5), 100, clock::get);

        fixed.throttled(clock.get());
        for (int i = 0; i < 10; i++) {
            fixed.answered(clock.get(), Duration.ofSeconds(5));
        }

        assertThat(fixed.rate(), is(100.0));
        assertThat(fixed.cuts(), is(0L));
    }

    /** A request that starts now and is answered after {@code latency}; the clock then moves on by {@code gap}. */
    private void request(Duration gap, Duration latency) {
        long start = clock.get();
        clock.addAndGet(latency.toNanos());
        rate.answered(start, latency);
        clock.addAndGet(gap.toNanos());
    }
}

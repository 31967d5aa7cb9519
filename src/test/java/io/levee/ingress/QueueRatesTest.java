package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueRatesTest {

    static final long S = 1_000_000_000L;

    @Test
    void drainIsWhatCameInMinusWhatStayed() {
        RateWindow w = new RateWindow(30 * S);
        w.record(0, 1_000, 0);
        w.record(10 * S, 1_500, 2_000);
        // 2,000 in, depth grew by 500: 1,500 left in 10 s.
        assertThat(w.ingestRate(), closeTo(200, 0.001));
        assertThat(w.drainRate(), closeTo(150, 0.001));
        assertThat(w.depth(), is(1_500L));
    }

    @Test
    void samplesOlderThanTheWindowAreDropped() {
        RateWindow w = new RateWindow(10 * S);
        w.record(0, 0, 0);
        w.record(5 * S, 0, 10_000);
        w.record(20 * S, 0, 10_100);
        w.record(25 * S, 0, 10_200);
        assertThat(w.ingestRate(), closeTo(20, 0.001));
    }

    @Test
    void noRateBeforeTwoSamples() {
        RateWindow w = new RateWindow(10 * S);
        assertThat(w.drainRate(), is(0.0));
        assertThat(w.depth(), is(-1L));
    }

    @ParameterizedTest(name = "excess {0} at {1}/s -> {2} s")
    @CsvSource({"1000,100,10", "1000,0,60", "1,1000,1", "1000000,10,60", "0,10,1", "150,100,2"})
    void retryAfterIsTheTimeToDrainTheExcessWithinOneToSixtySeconds(double excess, double rate, int seconds) {
        assertThat(QueueRates.retryAfter(excess, rate), is(seconds));
    }
}

package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    @Test
    void matchesTheJdkFormatterOverFourCenturiesAndReadsBackAsTheSameInstant() {
        Random random = new Random(11);
        long from = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2300-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            long t = from + (long) (random.nextDouble() * (to - from));
            String s = IsoInstants.format(t);
            assertThat(s, is(MILLIS.format(Instant.ofEpochMilli(t))));
            assertThat(Instant.parse(s).toEpochMilli(), is(t));
        }
    }

    @Test
    void edgesOfDaysYearsAndLeapDays() {
        for (String s : new String[] {
            "1970-01-01T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
            "2000-02-29T12:00:00.001Z",
            "2026-11-27T23:59:59.999Z",
            "2100-03-01T00:00:00.000Z"
        }) {
            assertThat(IsoInstants.format(Instant.parse(s).toEpochMilli()), is(s));
        }
    }
}

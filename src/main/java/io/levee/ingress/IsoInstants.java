package io.levee.ingress;

import java.time.Instant;
import java.time.LocalDate;

/**
 * RFC 3339 UTC timestamps with milliseconds ({@code 2026-11-27T19:34:17.013Z}) for the answers to task submissions.
 * {@link Instant#toString()} goes through a general {@code DateTimeFormatter}: 3 % of the ingest path's CPU samples
 * for the one timestamp of a 202 (docs/benchmarks.md).
 */
final class IsoInstants {

    private IsoInstants() {}

    static String format(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            return Instant.ofEpochMilli(epochMillis).toString(); // never in practice; the general form handles it
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        char[] c = new char[24];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, millis, 3);
        c[23] = 'Z';
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}

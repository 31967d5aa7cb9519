package io.levee.ingress;

import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Task ids, request ids and trace ids. Random but not secret, so drawn from {@link ThreadLocalRandom}:
 * {@link UUID#randomUUID()} shares one {@code SecureRandom} that every request thread would contend on.
 */
final class Ids {

    private static final HexFormat HEX = HexFormat.of();

    private Ids() {}

    /** A version-4 (random) UUID as text. */
    static String uuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }

    /** A new sampled W3C traceparent with a random trace id and parent id (never all zeros). */
    static String traceparent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long parent = r.nextLong() | 1;
        return "00-" + HEX.toHexDigits(r.nextLong() | 1) + HEX.toHexDigits(r.nextLong()) + "-" + HEX.toHexDigits(parent)
                + "-01";
    }
}

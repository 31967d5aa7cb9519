package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TaskBodies#isStrictUtf8} agrees with the JDK's strict decoder on every sequence that matters. */
class Utf8CheckTest {

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void agree(byte[] b) {
        assertThat(java.util.HexFormat.of().formatHex(b), TaskBodies.isStrictUtf8(b), is(jdkAccepts(b)));
    }

    @Test
    void everyOneAndTwoByteSequence() {
        for (int a = 0; a < 256; a++) {
            agree(new byte[] {(byte) a});
            for (int c = 0; c < 256; c++) {
                agree(new byte[] {(byte) a, (byte) c});
            }
        }
    }

    @Test
    void threeByteLeadsWithEverySecondByteAndEdgeThirdBytes() {
        int[] thirds = {0x00, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
        for (int a = 0xe0; a <= 0xef; a++) {
            for (int c = 0; c < 256; c++) {
                for (int d : thirds) {
                    agree(new byte[] {(byte) a, (byte) c, (byte) d});
                    agree(new byte[] {(byte) a, (byte) c, (byte) d, 'x'});
                }
            }
        }
    }

    @Test
    void fourByteLeadsAndTruncationsAroundTheLimits() {
        // Every lead from F0 to FF with every second byte, continuation bytes at the edges and in the middle.
        int[] tails = {0x7f, 0x80, 0x8f, 0x90, 0xa0, 0xbf, 0xc0};
        for (int a = 0xf0; a <= 0xff; a++) {
            for (int c = 0; c < 256; c++) {
                for (int t : tails) {
                    agree(new byte[] {(byte) a, (byte) c, (byte) t, (byte) 0x80});
                    agree(new byte[] {(byte) a, (byte) c, (byte) 0x80, (byte) t});
                    agree(new byte[] {(byte) a, (byte) c, (byte) t});
                }
            }
        }
    }

    @Test
    void randomMixesOfValidAndInvalidText() {
        Random random = new Random(20261127);
        String[] pieces = {"a", "é", "€", "𝄞", "\u007f", "\u0800", "\uffff", "\ud7ff", "\ue000"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                s.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(TaskBodies.isStrictUtf8(b), is(true));
            if (b.length > 0 && random.nextBoolean()) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            } else if (b.length > 1) {
                b = java.util.Arrays.copyOf(b, b.length - 1);
            }
            agree(b);
        }
    }
}

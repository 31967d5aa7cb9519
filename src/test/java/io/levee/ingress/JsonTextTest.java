package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyStringReadsBackAsItselfThroughAStrictParser() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int k = random.nextInt(20); k > 0; k--) {
                value.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x30) : (char) random.nextInt(0xd7ff));
            }
            StringBuilder out = new StringBuilder();
            JsonText.string(out, value.toString());
            assertThat(JSON.readValue(out.toString(), String.class), is(value.toString()));
        }
    }

    @Test
    void nullIsTheJsonNull() {
        StringBuilder out = new StringBuilder();
        JsonText.string(out, null);
        assertThat(out.toString(), is("null"));
    }

    @Test
    void controlCharactersAreEscapedNotCopied() {
        StringBuilder out = new StringBuilder();
        JsonText.string(out, "a\"b\\c\u0001\n");
        assertThat(out.toString(), is("\"a\\\"b\\\\c\\u0001\\n\""));
    }
}

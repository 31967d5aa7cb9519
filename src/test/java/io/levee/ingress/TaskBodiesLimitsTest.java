package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Limits that a body must not get around: per-item size in a batch, strict UTF-8. */
class TaskBodiesLimitsTest {

    @Test
    void aBatchItemOverTheTaskLimitIsRefusedByIndex() {
        String big = "\"" + "x".repeat(100) + "\"";
        ProblemException e =
                assertThrows(ProblemException.class, () -> TaskBodies.parseBatch(b("[1," + big + "]"), 10, 64, false));
        assertThat(e.type(), is(ProblemType.PAYLOAD_TOO_LARGE));
        assertThat(e.extensions().get("item"), is(1));
        assertThat(TaskBodies.parseBatch(b("[1," + big + "]"), 10, 102, false), hasSize(2));
    }

    @Test
    void withoutTreesItemsKeepTheirBytesAndNoValue() {
        List<TaskBodies.Item> items = TaskBodies.parseBatch(b("[{\"a\":[1,{}]} , 2]"), 10, 100, false);
        assertThat(new String(items.get(0).body(), StandardCharsets.UTF_8), is("{\"a\":[1,{}]}"));
        assertThat(items.get(0).value(), is(nullValue()));
    }

    @Test
    void tooManyTinyItemsStopAtTheLimitWithoutTrees() {
        String many = "[" + "{},".repeat(100_000) + "{}]";
        ProblemException e =
                assertThrows(ProblemException.class, () -> TaskBodies.parseBatch(b(many), 500, 1000, false));
        assertThat(e.type(), is(ProblemType.BATCH_TOO_LARGE));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "7b2261223a22c0af227d", // {"a":"\xc0\xaf"}: overlong '/'
                "7b2261223a22eda080227d", // a UTF-16 surrogate encoded in UTF-8
                "7b2261223a22e282227d", // a truncated sequence
                "7b2261223a22ff227d", // a byte that never appears in UTF-8
                "efbbbf7b7d", // byte order mark, then {}
                "7b0022006100220031007d00", // {"a":1} in UTF-16LE
                "00007b00", // UTF-32 guess
            })
    void onlyStrictUtf8IsJson(String hex) {
        byte[] body = HexFormat.of().parseHex(hex);
        ProblemException single = assertThrows(ProblemException.class, () -> TaskBodies.requireJson(body));
        assertThat(single.type(), is(ProblemType.INVALID_JSON));
        assertThrows(ProblemException.class, () -> TaskBodies.parse(body));
        byte[] batch =
                ("[" + new String(body, StandardCharsets.ISO_8859_1) + "]").getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(ProblemException.class, () -> TaskBodies.parseBatch(batch, 10, 1000, false));
    }

    @Test
    void validMultiByteUtf8IsAccepted() {
        TaskBodies.requireJson(b("{\"name\":\"Zoë 東京 🚀\"}"));
        assertThat(TaskBodies.parse(b("\"é\"")).textValue(), containsString("é"));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

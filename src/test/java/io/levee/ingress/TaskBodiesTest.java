package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskBodiesTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyShorterThanItsDeclaredLengthIsAnUnreadableRequestNotAnEncodingError() {
        ProblemException e = assertThrows(
                ProblemException.class, () -> TaskBodies.read(new ByteArrayInputStream(b("{}")), null, "10", 100));
        assertThat(e.type(), is(ProblemType.INVALID_REQUEST));
        assertThat(e.getMessage(), containsString("ended after 2 of the 10 bytes"));
    }

    @Test
    void aBodyOfItsDeclaredLengthIsReadWhole() {
        assertThat(
                new String(
                        TaskBodies.read(new ByteArrayInputStream(b("{\"a\":1}")), "", "7", 7), StandardCharsets.UTF_8),
                is("{\"a\":1}"));
    }

    @Test
    void batchItemsKeepTheirExactBytes() {
        List<TaskBodies.Item> items = TaskBodies.parseBatch(b("[ {\"a\" : 1},\"two\",3.0e1 ,[null] ]"), 10);
        assertThat(
                items.stream()
                        .map(i -> new String(i.body(), StandardCharsets.UTF_8))
                        .toList(),
                contains("{\"a\" : 1}", "\"two\"", "3.0e1", "[null]"));
    }

    @Test
    void aMalformedBatchItemIsNamed() {
        ProblemException e = assertThrows(ProblemException.class, () -> TaskBodies.parseBatch(b("[1,2,{\"x\"}]"), 10));
        assertThat(e.type(), is(ProblemType.INVALID_JSON));
        assertThat(e.extensions().get("item"), is(2));
    }

    @Test
    void tooManyItemsIsRefusedBeforeTheRestIsRead() {
        ProblemException e = assertThrows(ProblemException.class, () -> TaskBodies.parseBatch(b("[1,2,3,{"), 2));
        assertThat(e.type(), is(ProblemType.BATCH_TOO_LARGE));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutReadingItAll() {
        ProblemException e = assertThrows(
                ProblemException.class,
                () -> TaskBodies.read(new ByteArrayInputStream(new byte[1000]), null, null, 10));
        assertThat(e.type(), is(ProblemType.PAYLOAD_TOO_LARGE));
        ProblemException declared = assertThrows(
                ProblemException.class, () -> TaskBodies.read(new ByteArrayInputStream(new byte[1]), null, "11", 10));
        assertThat(declared.type(), is(ProblemType.PAYLOAD_TOO_LARGE));
        assertThat(TaskBodies.read(new ByteArrayInputStream(new byte[10]), "gzip", "10", 10).length, is(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=UTF-8", "application/cloudevents+json"})
    void jsonMediaTypesAreAccepted(String type) {
        TaskBodies.requireJsonMediaType(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/json; charset=latin1", "json"})
    void otherMediaTypesAre415(String type) {
        ProblemException e = assertThrows(ProblemException.class, () -> TaskBodies.requireJsonMediaType(type));
        assertThat(e.type(), is(ProblemType.UNSUPPORTED_MEDIA_TYPE));
    }

    @Test
    void duplicateKeysAreInvalid() {
        ProblemException e = assertThrows(ProblemException.class, () -> TaskBodies.parse(b("{\"a\":1,\"a\":1}")));
        assertThat(e.getMessage(), containsString("Duplicate field"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1}}", "{\"a\":1,\"a\":2}", "[1,]", "1 2", "nul"})
    void theStreamingCheckRefusesWhatTheParserRefuses(String body) {
        ProblemException e = assertThrows(ProblemException.class, () -> TaskBodies.requireJson(b(body)));
        assertThat(e.type(), is(ProblemType.INVALID_JSON));
        assertThrows(ProblemException.class, () -> TaskBodies.parse(b(body)));
    }

    @Test
    void idsAreVersionFourUuidsAndValidTraceparents() {
        java.util.UUID id = java.util.UUID.fromString(Ids.uuid());
        assertThat(id.version(), is(4));
        assertThat(id.variant(), is(2));
        assertThat(Ids.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), is(true));
    }
}

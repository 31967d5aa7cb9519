package io.levee.admin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.messaging.ParkedTasks;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A replay request names exactly one selection; anything else is a 400 that names what is allowed. */
class ReplaySelectionTest {

    @Test
    void theThreeSelections() {
        assertThat(select("{\"all\": true}"), is(new ParkedTasks.Selection.All()));
        assertThat(select("{\"limit\": 30}"), is(new ParkedTasks.Selection.First(30)));
        assertThat(select("{\"ids\": [\"a\", \"b\", \"a\"]}"), is(new ParkedTasks.Selection.Ids(Set.of("a", "b"))));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "{}",
                "{\"all\": false}",
                "{\"all\": true, \"limit\": 3}",
                "{\"limit\": 0}",
                "{\"limit\": 1.5}",
                "{\"ids\": []}",
                "{\"ids\": [1]}",
                "{\"ids\": \"a\"}",
                "{\"every\": true}",
                "{\"limit\":"
            })
    void anythingElseIsAnInvalidRequest(String body) {
        OperationProblem p = assertThrows(OperationProblem.class, () -> select(body));
        assertThat(p.kind(), is(OperationProblem.Kind.INVALID_REQUEST));
        assertThat(p.getMessage(), p.getMessage().isEmpty(), is(false));
    }

    @Test
    void theMessageSaysWhatIsAllowed() {
        OperationProblem p = assertThrows(OperationProblem.class, () -> select("{\"every\": true}"));
        assertThat(p.getMessage(), containsString("{\"limit\": n}"));
    }

    private static ParkedTasks.Selection select(String body) {
        return Operations.selection(body.getBytes(StandardCharsets.UTF_8));
    }
}

package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** A rate-limited batch call takes one permit per task; other calls, inside it or not, take one. */
class BatchCallsTest {

    @Test
    void theBatchMethodTakesAPermitPerTaskAndNothingElseDoes() throws Exception {
        Method batch = BatchCallsTest.class.getDeclaredMethod("theBatchMethodTakesAPermitPerTaskAndNothingElseDoes");
        Method other = Object.class.getMethod("toString");

        assertThat(BatchCalls.permits(batch), is(1));
        assertThat(BatchCalls.call(batch, 500, () -> BatchCalls.permits(batch)), is(500));
        assertThat(BatchCalls.call(batch, 500, () -> BatchCalls.permits(other)), is(1));
        assertThat(BatchCalls.call(batch, 0, () -> BatchCalls.permits(batch)), is(1));
    }
}

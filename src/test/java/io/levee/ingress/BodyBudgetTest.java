package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Request bodies in memory stay within the budget; a request that finds no room is a 503 with Retry-After. */
class BodyBudgetTest {

    static final long MIB = 1024 * 1024;

    @Test
    void aGzipOrUnsizedBodyReservesTheLimitAndASizedOneItsLength() {
        assertThat(BodyBudget.expectedBytes(null, "gzip", 4 * MIB), is(4 * MIB));
        assertThat(BodyBudget.expectedBytes("100", "gzip", 4 * MIB), is(4 * MIB));
        assertThat(BodyBudget.expectedBytes(null, null, 4 * MIB), is(4 * MIB));
        assertThat(BodyBudget.expectedBytes("1000", null, 4 * MIB), is(1000L));
        assertThat(BodyBudget.expectedBytes("1000", "identity", 4 * MIB), is(1000L));
        assertThat("never more than the limit", BodyBudget.expectedBytes("99999999", null, 4 * MIB), is(4 * MIB));
        assertThat(BodyBudget.expectedBytes("x", null, 4 * MIB), is(4 * MIB));
    }

    @Test
    void requestsBeyondTheBudgetAreRefusedUntilRoomIsGivenBack() {
        BodyBudget budget = new BodyBudget(8 * MIB);
        BodyBudget.Reservation first = budget.reserve(null, "gzip", 4 * MIB, Duration.ZERO);
        BodyBudget.Reservation second = budget.reserve(null, "gzip", 4 * MIB, Duration.ZERO);
        assertThat(budget.availableKib(), is(0));

        ProblemException busy =
                assertThrows(ProblemException.class, () -> budget.reserve(null, "gzip", 4 * MIB, Duration.ZERO));
        assertThat(busy.type(), is(ProblemType.SERVER_BUSY));
        assertThat(busy.type().status(), is(503));
        assertThat(busy.retryAfterSeconds(), is(1));

        first.close();
        budget.reserve("1024", null, 4 * MIB, Duration.ZERO).close();
        second.close();
        assertThat(budget.availableKib(), is(8 * 1024));
    }

    @Test
    void aBodyLargerThanTheWholeBudgetStillGetsTheWholeBudget() {
        BodyBudget budget = new BodyBudget(MIB);
        try (BodyBudget.Reservation all = budget.reserve(null, null, 4 * MIB, Duration.ZERO)) {
            assertThat(budget.availableKib(), is(0));
        }
        assertThat(budget.availableKib(), is(1024));
    }
}

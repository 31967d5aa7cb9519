package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Request bodies in memory stay within the budget, charged for the bytes that arrived, not the bytes announced; a
 * request that finds no room is a 503 with Retry-After.
 */
class BodyBudgetTest {

    static final long MIB = 1024 * 1024;

    @Test
    void onlyASmallUnencodedBodyOfDeclaredLengthIsChargedBeforeItArrives() {
        assertThat(BodyBudget.preallocatedBytes("1000", null), is(1000L));
        assertThat(BodyBudget.preallocatedBytes("1000", "identity"), is(1000L));
        assertThat(BodyBudget.preallocatedBytes(Integer.toString(TaskBodies.PREALLOCATED_MAX), null), is(8192L));
        assertThat("announced, not yet sent", BodyBudget.preallocatedBytes("4194304", null), is(0L));
        assertThat(BodyBudget.preallocatedBytes("100", "gzip"), is(0L));
        assertThat(BodyBudget.preallocatedBytes(null, null), is(0L));
        assertThat(BodyBudget.preallocatedBytes("x", null), is(0L));
    }

    @Test
    void aBodyThatAnnouncesMuchHoldsOnlyWhatArrived() throws IOException {
        BodyBudget budget = new BodyBudget(8 * MIB);
        try (BodyBudget.Reservation room = budget.reserve("4194304", null, Duration.ZERO)) {
            assertThat("nothing held before a byte arrived", budget.availableKib(), is(8 * 1024));
            InputStream body = room.meter(new ByteArrayInputStream(new byte[3 * 1024]));
            assertThat(body.readNBytes(2048).length, is(2048));
            assertThat(budget.availableKib(), is(8 * 1024 - 2));
            body.readAllBytes();
            assertThat(budget.availableKib(), is(8 * 1024 - 3));
        }
        assertThat(budget.availableKib(), is(8 * 1024));
    }

    @Test
    void requestsBeyondTheBudgetAreRefusedUntilRoomIsGivenBack() throws IOException {
        BodyBudget budget = new BodyBudget(8 * MIB);
        BodyBudget.Reservation first = budget.reserve(null, "gzip", Duration.ZERO);
        first.meter(new ByteArrayInputStream(new byte[(int) (6 * MIB)])).readAllBytes();
        BodyBudget.Reservation second = budget.reserve(null, null, Duration.ZERO);
        InputStream more = second.meter(new ByteArrayInputStream(new byte[(int) (4 * MIB)]));
        assertThat(more.readNBytes((int) (2 * MIB)).length, is((int) (2 * MIB)));
        assertThat(budget.availableKib(), is(0));

        ProblemException busy = assertThrows(ProblemException.class, () -> more.read(new byte[1024]));
        assertThat(busy.type(), is(ProblemType.SERVER_BUSY));
        assertThat(busy.type().status(), is(503));
        assertThat(busy.retryAfterSeconds(), is(1));
        assertThrows(ProblemException.class, () -> budget.reserve("1024", null, Duration.ZERO));

        first.close();
        budget.reserve("1024", null, Duration.ZERO).close();
        second.close();
        assertThat(budget.availableKib(), is(8 * 1024));
    }

    @Test
    void aBodyLargerThanTheWholeBudgetStillGetsTheWholeBudget() throws IOException {
        BodyBudget budget = new BodyBudget(MIB);
        try (BodyBudget.Reservation all = budget.reserve(null, null, Duration.ZERO)) {
            all.meter(new ByteArrayInputStream(new byte[(int) (2 * MIB)])).readAllBytes();
            assertThat(budget.availableKib(), is(0));
        }
        assertThat(budget.availableKib(), is(1024));
    }
}

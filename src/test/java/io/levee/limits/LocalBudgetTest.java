package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalBudgetTest {

    final AtomicLong clock = new AtomicLong();

    @Test
    void permitsComeEvenlySpacedWithoutBurst() {
        LocalBudget budget = new LocalBudget(10, clock::get);

        assertThat(budget.tryTake(), is(0L));
        long wait = budget.tryTake();
        assertThat("the next permit after 100 ms", wait, is(100_000_000L));

        clock.addAndGet(5_000_000_000L);
        assertThat(budget.tryTake(), is(0L));
        assertThat("an idle spell saves up no burst", budget.tryTake(), greaterThan(0L));
    }

    @Test
    void aNewRateAppliesToTheNextPermit() {
        LocalBudget budget = new LocalBudget(10, clock::get);
        assertThat(budget.tryTake(), is(0L));

        budget.rate(2);

        assertThat(budget.tryTake(), greaterThan(400_000_000L));
        assertThat(budget.mode(), is("local"));
    }
}

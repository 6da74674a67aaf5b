package io.hstreamio.core.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.TableSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagTrackerTest {
    private static final TableSchema ORDERS = GeneratorSource.schema("orders");
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    /** A clock that moves only when told to. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock(T0);
    private final LagTracker lag = new LagTracker(clock);

    private static ChangeEvent insert(long id, Instant committed) {
        return ChangeEvent.insert(ORDERS, GeneratorSource.row(ORDERS, 1, id, 0), null, committed);
    }

    private static ChangeEvent read(long id) {
        return ChangeEvent.read(ORDERS, GeneratorSource.row(ORDERS, 1, id, 0));
    }

    @Test
    void unknownBeforeTheFirstPollAndZeroWhenAnEmptyOneFindsNothingPending() {
        assertThat(lag.lag()).isEmpty();
        assertThat(lag.lastCommitTime()).isEmpty();
        lag.caughtUp();
        assertThat(lag.lag()).contains(Duration.ZERO);
    }

    @Test
    void whileBehindItIsNowMinusTheNewestDeliveredCommitTimeAndGrowsWhenDeliveriesStall() {
        List<ChangeEvent> batch = List.of(insert(1, T0.minusSeconds(3)), insert(2, T0.minusSeconds(2)));
        lag.received(batch);
        // Nothing delivered yet: the oldest change received sets the lag, which grows while it waits.
        assertThat(lag.lag()).contains(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(10));
        assertThat(lag.lag()).contains(Duration.ofSeconds(13));

        lag.delivered(LagTracker.newestCommitTime(batch));
        assertThat(lag.lag()).contains(Duration.ofSeconds(12));
        assertThat(lag.lastCommitTime()).contains(T0.minusSeconds(2));
        // The next batch is stuck (a target that is down): the lag keeps growing from the last delivery.
        lag.received(List.of(insert(3, T0.plusSeconds(5))));
        clock.advance(Duration.ofSeconds(60));
        assertThat(lag.lag()).contains(Duration.ofSeconds(72));
    }

    @Test
    void anIdleTaskThatCaughtUpReportsZeroHoweverLongTheSourceStaysQuiet() {
        lag.received(List.of(insert(1, T0)));
        clock.advance(Duration.ofMillis(250));
        lag.delivered(T0);
        assertThat(lag.lag()).contains(Duration.ofMillis(250));
        lag.caughtUp();
        clock.advance(Duration.ofHours(2));
        assertThat(lag.lag()).contains(Duration.ZERO);
        // The newest commit time delivered stays known: its age tells an idle task from a stalled one.
        assertThat(lag.lastCommitTime()).contains(T0);

        // Traffic again: the lag is that of the new changes, not of the quiet hours.
        Instant later = clock.instant().minusMillis(40);
        lag.received(List.of(insert(2, later)));
        lag.delivered(later);
        assertThat(lag.lag()).contains(Duration.ofMillis(40));
    }

    @Test
    void snapshotReadsHaveNoCommitTimeAndDoNotCount() {
        List<ChangeEvent> reads = List.of(read(1), read(2));
        lag.received(reads);
        assertThat(LagTracker.newestCommitTime(reads)).isNull();
        lag.delivered(LagTracker.newestCommitTime(reads));
        assertThat(lag.lag()).as("behind, but no commit time known yet").isEmpty();
        assertThat(lag.lastCommitTime()).isEmpty();

        lag.received(List.of(read(3), insert(4, T0.minusSeconds(1)), read(5)));
        lag.delivered(T0.minusSeconds(1));
        assertThat(lag.lag()).contains(Duration.ofSeconds(1));
    }

    @Test
    void deliveriesNeverMoveItBackAndASourceClockAheadReadsAsZero() {
        lag.received(List.of(insert(1, T0.minusSeconds(1))));
        lag.delivered(T0.minusSeconds(1));
        lag.delivered(T0.minusSeconds(30)); // an older change delivered late (a replay) does not raise the lag
        assertThat(lag.lag()).contains(Duration.ofSeconds(1));
        assertThat(lag.lastCommitTime()).contains(T0.minusSeconds(1));

        lag.received(List.of(insert(2, T0.plusSeconds(2))));
        lag.delivered(T0.plusSeconds(2));
        assertThat(lag.lag()).contains(Duration.ZERO);
    }
}

package io.hstreamio.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
    private final List<Duration> sleeps = new ArrayList<>();
    private final Retry retry = new Retry(3, Duration.ofMillis(100), Duration.ofMillis(250), sleeps::add);

    @Test
    void retriesTransientFailuresWithCappedExponentialBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.call("op", () -> {
            if (calls.incrementAndGet() < 4) {
                throw new RetriableException("connection lost");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
    }

    @Test
    void givesUpAfterMaxRetriesNamingTheOperationAndTheCount() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call("write to t", () -> {
            calls.incrementAndGet();
            throw new RetriableException("deadlock");
        })).isInstanceOf(RetriableException.class)
                .hasMessageContaining("write to t failed after 4 attempts")
                .hasMessageContaining("task.error.maxRetries=3")
                .hasMessageContaining("deadlock");
        assertThat(calls).hasValue(4);
    }

    @Test
    void permanentFailuresPassAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call("op", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("constraint violated");
        })).isInstanceOf(IllegalStateException.class).hasMessage("constraint violated");
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anInterruptDuringBackoffStopsAndKeepsTheFlag() {
        Retry interrupted = new Retry(5, Duration.ofMillis(1), Duration.ofMillis(1), d -> {
            throw new InterruptedException();
        });
        assertThatThrownBy(() -> interrupted.call("op", () -> {
            throw new RetriableException("x");
        })).isInstanceOf(InterruptedException.class).hasMessageContaining("op interrupted");
        assertThat(Thread.interrupted()).isTrue();
    }

    /** Time that moves only when the retry sleeps. */
    private static final class SleptClock extends Clock {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final SleptClock clock = new SleptClock();
    private final List<Duration> outageSleeps = new ArrayList<>();
    private final Retry outages = new Retry(1, Duration.ofMillis(100), Duration.ofMillis(250), d -> {
        outageSleeps.add(d);
        clock.now = clock.now.plus(d);
    }, Duration.ofSeconds(2), clock);

    @Test
    void anOutageIsRetriedForItsTimeBudgetWithoutUsingUpMaxRetries() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = outages.call("write", () -> {
            if (calls.incrementAndGet() <= 8) {
                throw new UnavailableException("postgresql target db:5432/shop is unreachable: connection refused");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls).as("far more attempts than maxRetries=1").hasValue(9);
        assertThat(outageSleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMillis(250),
                Duration.ofMillis(250), Duration.ofMillis(250));
    }

    @Test
    void anOutageLongerThanTheBudgetFailsNamingTheBudgetAndTheTarget() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> outages.call("write of 10 records", () -> {
            calls.incrementAndGet();
            throw new UnavailableException("postgresql target db:5432/shop is unreachable: connection refused");
        })).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("write of 10 records failed: unreachable for 2.0 s")
                .hasMessageContaining("connection.retry.timeout=2.0 s")
                .hasMessageContaining("postgresql target db:5432/shop is unreachable");
        // Pauses fill the budget exactly: the last one is cut short so that one attempt comes at its end.
        assertThat(outageSleeps.stream().mapToLong(Duration::toMillis).sum()).isEqualTo(2000);
        assertThat(outageSleeps.get(outageSleeps.size() - 1)).isEqualTo(Duration.ofMillis(200));
        assertThat(calls).hasValue(outageSleeps.size() + 1);
    }

    @Test
    void otherTransientFailuresDuringAnOutageStillCountAgainstMaxRetries() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> outages.call("op", () -> {
            int n = calls.incrementAndGet();
            throw n % 2 == 0 ? new RetriableException("deadlock " + n) : new UnavailableException("gone");
        })).isInstanceOf(RetriableException.class).isNotInstanceOf(UnavailableException.class)
                .hasMessageContaining("failed after 2 attempts (task.error.maxRetries=1)")
                .hasMessageContaining("deadlock 4");
    }

    @Test
    void withoutABudgetAnOutageCountsLikeAnyTransientFailure() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call("op", () -> {
            calls.incrementAndGet();
            throw new UnavailableException("gone");
        })).isInstanceOf(RetriableException.class).hasMessageContaining("failed after 4 attempts");
        assertThat(calls).hasValue(4);
    }
}

package io.hstreamio.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
}

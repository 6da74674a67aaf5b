package io.hstreamio.core.task;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The one retry helper: retries a call that fails with {@link RetriableException}, at most {@code maxRetries} times,
 * sleeping with exponential backoff capped at {@code maxBackoff} in between. Any other exception passes at once.
 * Interrupt-safe: an interrupt during a backoff ends the retries, restores the interrupt flag and throws.
 */
public final class Retry {
    /** Sleeps; tests inject one that records and returns at once. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());
    }

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;

    public Retry(int maxRetries, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        this.maxRetries = maxRetries;
        this.initialBackoff = Objects.requireNonNull(initialBackoff);
        this.maxBackoff = Objects.requireNonNull(maxBackoff);
        this.sleeper = Objects.requireNonNull(sleeper);
    }

    public static Retry of(int maxRetries) {
        return new Retry(maxRetries, Duration.ofMillis(100), Duration.ofSeconds(10), Sleeper.SYSTEM);
    }

    public int maxRetries() {
        return maxRetries;
    }

    /** The backoff before retry number {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
        return millis <= 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }

    /**
     * Runs {@code call}; on {@link RetriableException} tries again up to {@code maxRetries} times. When the retries are
     * used up, the last failure is thrown with the attempt count in its message. {@code what} names the operation.
     */
    public <T> T call(String what, Callable<T> call) throws Exception {
        int attempt = 0;
        while (true) {
            try {
                return call.call();
            } catch (RetriableException e) {
                attempt++;
                if (attempt > maxRetries) {
                    throw new RetriableException(what + " failed after " + attempt + " attempts (task.error.maxRetries="
                            + maxRetries + "): " + e.getMessage(), e);
                }
                try {
                    sleeper.sleep(backoff(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    InterruptedException stop = new InterruptedException(what + " interrupted while waiting to retry");
                    stop.addSuppressed(e);
                    throw stop;
                }
            }
        }
    }

    /** {@link #call} for an action without a result. */
    public void run(String what, ThrowingRunnable action) throws Exception {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}

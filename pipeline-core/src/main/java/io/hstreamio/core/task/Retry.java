package io.hstreamio.core.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry helper: retries a call that fails with {@link RetriableException}, at most {@code maxRetries} times,
 * sleeping with exponential backoff capped at {@code maxBackoff} in between. Any other exception passes at once.
 * Interrupt-safe: an interrupt during a backoff ends the retries, restores the interrupt flag and throws.
 *
 * <p>With an outage budget ({@code unavailableFor > 0}), an {@link UnavailableException} is retried with the same
 * capped backoff for as long as the outage lasts, up to that budget, and does not use up {@code maxRetries}: an
 * outage is measured in time, not attempts. It is logged once when it begins and once when it ends. Without a budget
 * it counts like any other retriable failure.
 */
public final class Retry {
    private static final Logger log = LoggerFactory.getLogger(Retry.class);

    /** The toolkit's default backoff: the first retry after 100 ms, doubling up to 10 s. */
    public static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

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
    private final Duration unavailableFor;
    private final Clock clock;

    public Retry(int maxRetries, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
        this(maxRetries, initialBackoff, maxBackoff, sleeper, Duration.ZERO, Clock.systemUTC());
    }

    /**
     * @param unavailableFor how long an {@link UnavailableException} is retried, from its first occurrence in one
     *                       {@link #call}; zero counts it against {@code maxRetries} like any retriable failure
     * @param clock          measures that time (tests pass one that the sleeper advances)
     */
    public Retry(int maxRetries, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper, Duration unavailableFor,
            Clock clock) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        if (unavailableFor.isNegative()) {
            throw new IllegalArgumentException("unavailableFor must be >= 0, got " + unavailableFor);
        }
        this.maxRetries = maxRetries;
        this.initialBackoff = Objects.requireNonNull(initialBackoff);
        this.maxBackoff = Objects.requireNonNull(maxBackoff);
        this.sleeper = Objects.requireNonNull(sleeper);
        this.unavailableFor = unavailableFor;
        this.clock = Objects.requireNonNull(clock);
    }

    public static Retry of(int maxRetries) {
        return new Retry(maxRetries, INITIAL_BACKOFF, MAX_BACKOFF, Sleeper.SYSTEM);
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
     * Runs {@code call}; on {@link RetriableException} tries again up to {@code maxRetries} times, on
     * {@link UnavailableException} (with an outage budget) until the budget is spent. When the retries are used up,
     * the last failure is thrown, of the same kind, with the attempt count or outage length in its message.
     * {@code what} names the operation.
     */
    public <T> T call(String what, Callable<T> call) throws Exception {
        int attempt = 0;
        Instant outageSince = null;
        int outageAttempts = 0;
        while (true) {
            Duration pause;
            RetriableException failure;
            try {
                T result = call.call();
                if (outageSince != null) {
                    log.info("{}: succeeded again after {} of unavailability ({} attempts)", what,
                            seconds(Duration.between(outageSince, clock.instant())), outageAttempts + 1);
                }
                return result;
            } catch (UnavailableException e) {
                failure = e;
                if (unavailableFor.isZero()) {
                    attempt = countAttempt(what, attempt, e);
                    pause = backoff(attempt);
                } else {
                    Instant now = clock.instant();
                    if (outageSince == null) {
                        outageSince = now;
                        log.warn("{}: {}; retrying with backoff for up to {} ({})", what, e.getMessage(),
                                seconds(unavailableFor), ToolkitOptions.CONNECTION_RETRY_TIMEOUT.name());
                    }
                    outageAttempts++;
                    Duration left = unavailableFor.minus(Duration.between(outageSince, now));
                    if (left.isNegative() || left.isZero()) {
                        throw new UnavailableException(what + " failed: unreachable for "
                                + seconds(Duration.between(outageSince, now)) + " over " + outageAttempts
                                + " attempts ("
                                + ToolkitOptions.CONNECTION_RETRY_TIMEOUT.name() + "=" + seconds(unavailableFor) + "): "
                                + e.getMessage() + ". Check that it is up and reachable, then restart the task", e);
                    }
                    Duration next = backoff(outageAttempts);
                    pause = next.compareTo(left) < 0 ? next : left; // a last attempt when the budget ends
                }
            } catch (RetriableException e) {
                failure = e;
                attempt = countAttempt(what, attempt, e);
                pause = backoff(attempt);
            }
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                InterruptedException stop = new InterruptedException(what + " interrupted while waiting to retry");
                stop.addSuppressed(failure);
                throw stop;
            }
        }
    }

    /** The next attempt number; throws when {@code maxRetries} are used up. */
    private int countAttempt(String what, int attempt, RetriableException e) {
        int next = attempt + 1;
        if (next > maxRetries) {
            throw new RetriableException(what + " failed after " + next + " attempts (task.error.maxRetries="
                    + maxRetries + "): " + e.getMessage(), e);
        }
        return next;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
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

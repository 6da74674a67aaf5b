package io.hstreamio.runtime.server;

import java.time.Duration;

/**
 * How the runtime supervises tasks. Defaults are written here only.
 *
 * @param initialBackoff wait before the first restart of a failed task; doubled per further failure
 * @param maxBackoff     the cap of that wait
 * @param healthyRun     a task that ran this long before failing starts the backoff over
 * @param statusEvery    how often task counters and offsets are persisted (the stock report interval)
 * @param stopGrace      how long PAUSE/DROP/shutdown wait for a task to stop before giving up on it (stock: 10 s)
 */
public record SupervisorSettings(Duration initialBackoff, Duration maxBackoff, Duration healthyRun,
        Duration statusEvery, Duration stopGrace) {
    public static final SupervisorSettings DEFAULTS = new SupervisorSettings(Duration.ofSeconds(1),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(3), Duration.ofSeconds(10));
}

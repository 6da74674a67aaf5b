package io.hstreamio.runtime.server;

import io.hstreamio.core.task.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a connector's task as the supervisor sees it: in this process ({@link InProcessTask}) or a child process
 * speaking the HStream IO protocol ({@link ProcessTask}). {@link #run} blocks on the supervisor's thread until the task
 * ended; every other method may be called from any thread.
 */
interface SupervisedTask {
    void run();

    /** Asks the task to stop; returns at once. */
    void stop();

    /** RUNNING while it runs; then STOPPED (asked to), COMPLETED (a bounded source finished) or FAILED. */
    TaskState state();

    Optional<Throwable> failure();

    /** Records delivered by this run. */
    long deliveredRecords();

    long deliveredBytes();

    /** Records this run skipped under {@code task.error.skipStrategy}; 0 when the task cannot tell (images). */
    long skippedRecords();

    /** The offsets reported last; empty when none yet. */
    List<Map<String, Object>> offsets();

    /** The task's lag ({@link io.hstreamio.core.runner.LagTracker#lag()}); empty while unknown (or not reported). */
    Optional<Duration> lag();

    /** The commit time of the newest change this run delivered; empty before the first (or when not reported). */
    Optional<Instant> lastCommitTime();
}

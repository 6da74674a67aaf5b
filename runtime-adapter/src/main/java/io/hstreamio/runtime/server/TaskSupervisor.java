package io.hstreamio.runtime.server;

import io.hstreamio.core.task.Retry;
import io.hstreamio.core.task.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connector's task running: starts it, and when it fails starts a new one with the same task id (so it
 * resumes from its offsets) after a capped exponential backoff ({@link Retry#backoff}). A source that completes stays
 * COMPLETED. Owns one thread, {@code hstream-io-connector-<name>}, on which the task runs.
 *
 * <p>Status counters add up over restarts and over runtime restarts (they start from the last persisted status).
 * {@link #stop} may be called from any thread; {@link #status()} too.
 */
final class TaskSupervisor {
    /** Makes a fresh task for one run; may throw when the config no longer parses. */
    @FunctionalInterface
    interface TaskFactory {
        SupervisedTask create(ConnectorRecord connector);
    }

    private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

    private final ConnectorRecord connector;
    private final TaskFactory factory;
    private final Clock clock;
    private final SupervisorSettings settings;
    private final Retry backoff;
    private final Thread thread;
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    // Guarded by this: current, state, restarts, lastError, baseRecords, baseBytes, baseSkipped, lastOffsets,
    // lastCommitTime.
    private SupervisedTask current;
    private TaskState state = TaskState.NEW;
    private int restarts;
    private String lastError;
    private long baseRecords;
    private long baseBytes;
    private long baseSkipped;
    private List<Map<String, Object>> lastOffsets;
    private Instant lastCommitTime;

    TaskSupervisor(ConnectorRecord connector, TaskStatus previous, TaskFactory factory, Clock clock,
            SupervisorSettings settings) {
        this.connector = connector;
        this.factory = factory;
        this.clock = clock;
        this.settings = settings;
        // Only Retry's backoff schedule is used: the waits are on the stop signal, so PAUSE ends them at once.
        this.backoff = new Retry(Integer.MAX_VALUE, settings.initialBackoff(), settings.maxBackoff(),
                Retry.Sleeper.SYSTEM);
        this.restarts = previous.restarts();
        this.lastError = previous.lastError();
        this.baseRecords = previous.deliveredRecords();
        this.baseBytes = previous.deliveredBytes();
        this.baseSkipped = previous.skippedRecords();
        this.lastOffsets = previous.offsets();
        this.lastCommitTime = previous.lastCommitTime();
        this.thread = new Thread(this::supervise, "hstream-io-connector-" + connector.name());
    }

    ConnectorRecord connector() {
        return connector;
    }

    /** Whether it still supervises (false once the task completed or supervision stopped). */
    boolean isAlive() {
        return thread.isAlive();
    }

    void start() {
        thread.start();
    }

    /** The status now, counting the running task's deliveries. */
    synchronized TaskStatus status() {
        long records = baseRecords;
        long bytes = baseBytes;
        long skipped = baseSkipped;
        List<Map<String, Object>> offsets = lastOffsets;
        Duration lag = null;
        Instant committed = lastCommitTime;
        if (current != null) {
            records += current.deliveredRecords();
            bytes += current.deliveredBytes();
            skipped += current.skippedRecords();
            List<Map<String, Object>> now = current.offsets();
            offsets = now.isEmpty() ? offsets : now;
            lag = current.lag().orElse(null);
            committed = current.lastCommitTime().orElse(committed);
        }
        return new TaskStatus(state, restarts, lastError, records, bytes, skipped, offsets, lag, committed,
                clock.instant());
    }

    /**
     * Stops the task and the supervision: asks the task to stop, waits up to the grace period, then interrupts its
     * thread. Returns whether the thread ended.
     */
    boolean stop() throws InterruptedException {
        stopSignal.countDown();
        SupervisedTask t;
        synchronized (this) {
            t = current;
        }
        if (t != null) {
            t.stop();
        }
        thread.join(settings.stopGrace().toMillis());
        if (thread.isAlive()) {
            log.warn("{}: did not stop within {} s; interrupting it", connector, settings.stopGrace().toSeconds());
            thread.interrupt();
            thread.join(settings.stopGrace().toMillis());
        }
        synchronized (this) {
            if (state == TaskState.RUNNING || state == TaskState.NEW) {
                state = TaskState.STOPPED;
            }
        }
        return !thread.isAlive();
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private void supervise() {
        int attempt = 0;
        while (!stopping()) {
            long startedAt = clock.millis();
            SupervisedTask task;
            try {
                task = factory.create(connector);
            } catch (RuntimeException e) {
                attempt = failed(attempt, "cannot start: " + e.getMessage(), startedAt);
                if (!waitBeforeRestart(attempt)) {
                    return;
                }
                continue;
            }
            synchronized (this) {
                current = task;
                state = TaskState.RUNNING;
            }
            if (stopping()) {
                task.stop(); // stop() came between create and publish
            }
            log.info("{}: task started (restarts so far: {})", connector, restarts);
            task.run();
            TaskState end = task.state();
            synchronized (this) {
                baseRecords += task.deliveredRecords();
                baseBytes += task.deliveredBytes();
                baseSkipped += task.skippedRecords();
                List<Map<String, Object>> offsets = task.offsets();
                lastOffsets = offsets.isEmpty() ? lastOffsets : offsets;
                lastCommitTime = task.lastCommitTime().orElse(lastCommitTime);
                current = null;
            }
            if (end == TaskState.COMPLETED) {
                setState(TaskState.COMPLETED);
                log.info("{}: completed", connector);
                return;
            }
            if (stopping()) {
                setState(TaskState.STOPPED);
                return;
            }
            String why = task.failure().map(f -> String.valueOf(f.getMessage()))
                    .orElse("the task ended " + end + " without being asked to");
            attempt = failed(attempt, why, startedAt);
            if (!waitBeforeRestart(attempt)) {
                return;
            }
        }
        setState(TaskState.STOPPED);
    }

    private int failed(int attempt, String why, long startedAt) {
        synchronized (this) {
            state = TaskState.FAILED;
            lastError = why;
            restarts++;
        }
        int next = clock.millis() - startedAt >= settings.healthyRun().toMillis() ? 1 : attempt + 1;
        log.warn("{}: task failed ({}); restart {} in {} ms", connector, why, restarts,
                backoff.backoff(next).toMillis());
        return next;
    }

    /** False when stop() came during the wait. */
    private boolean waitBeforeRestart(int attempt) {
        try {
            Duration d = backoff.backoff(attempt);
            return !stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized void setState(TaskState s) {
        state = s;
    }
}

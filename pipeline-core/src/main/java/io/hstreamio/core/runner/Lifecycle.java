package io.hstreamio.core.runner;

import io.hstreamio.core.task.TaskState;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A runner's state, changed in this one place; thread-safe. */
final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final String name;
    private final CountDownLatch done = new CountDownLatch(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile TaskState state = TaskState.NEW;
    private volatile boolean stopRequested;
    private volatile Throwable failure;

    Lifecycle(String name) {
        this.name = name;
    }

    TaskState state() {
        return state;
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** @return true the first time */
    synchronized boolean requestStop() {
        boolean first = !stopRequested;
        stopRequested = true;
        stop.countDown();
        return first;
    }

    /** Waits up to {@code d} for a stop request; true if one came. Lets backoff pauses end at once on stop. */
    boolean awaitStop(java.time.Duration d) throws InterruptedException {
        return stop.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    synchronized void begin() {
        if (state != TaskState.NEW) {
            throw new IllegalStateException(name + " was already run (state " + state + ")");
        }
        state = TaskState.RUNNING;
    }

    synchronized void finish(TaskState end) {
        state = end;
        log.info("{}: {}", name, end);
        done.countDown();
    }

    synchronized void fail(Throwable e) {
        failure = e;
        state = TaskState.FAILED;
        log.error("{}: FAILED: {}", name, e.getMessage(), e);
        done.countDown();
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }
}

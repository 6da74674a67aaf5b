package io.hstreamio.cdc.testing;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.SourceTask;
import io.hstreamio.core.task.TaskMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays the source runner for one task: a task thread that starts it, polls, collects the events and, like the real
 * runner after a durable append, calls {@code committed} with each batch's last position.
 */
public final class TaskHarness implements AutoCloseable {
    private final SourceTask task;
    private final Thread thread;
    private final List<ChangeEvent> events = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final TaskMetrics metrics = new TaskMetrics();
    private volatile boolean running = true;
    private volatile boolean commit = true;
    private volatile SourcePosition lastCommitted;
    private volatile long eventCount;
    private volatile long firstEventNanos;
    private volatile long lastEventNanos;

    public TaskHarness(SourceTask task, Options options, String taskId, KeyValueStore state) {
        this.task = task;
        SourceContext context = new SourceContext() {
            @Override
            public Optional<SourcePosition> committedPosition() {
                return Optional.ofNullable(lastCommitted);
            }

            @Override
            public String taskId() {
                return taskId;
            }

            @Override
            public KeyValueStore state() {
                return state;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public TaskMetrics metrics() {
                return metrics;
            }
        };
        thread = new Thread(() -> run(options, context), "test-task-" + taskId);
        thread.start();
    }

    private void run(Options options, SourceContext context) {
        try {
            task.start(options, context);
            while (running) {
                List<ChangeEvent> batch = task.poll();
                if (batch == null) {
                    return;
                }
                if (batch.isEmpty()) {
                    continue;
                }
                synchronized (events) {
                    events.addAll(batch);
                }
                long now = System.nanoTime();
                if (eventCount == 0) {
                    firstEventNanos = now;
                }
                lastEventNanos = now;
                eventCount += batch.size();
                if (commit) {
                    SourcePosition last = batch.get(batch.size() - 1).position();
                    task.committed(last);
                    lastCommitted = last;
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /** Stops acknowledging batches, as if the stream stopped confirming appends. */
    public void stopCommitting() {
        commit = false;
    }

    /** The position last passed to {@code committed}, null before any: the events through it are durable. */
    public SourcePosition lastCommitted() {
        return lastCommitted;
    }

    public List<ChangeEvent> events() {
        rethrow();
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public long eventCount() {
        rethrow();
        return eventCount;
    }

    /** Nanoseconds from the first batch to the last one received so far. */
    public long activeNanos() {
        return lastEventNanos - firstEventNanos;
    }

    public Throwable failure() {
        return failure.get();
    }

    public TaskMetrics metrics() {
        return metrics;
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the task failed: " + t, t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        task.stop();
        thread.join(60_000);
    }
}

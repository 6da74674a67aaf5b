package io.hstreamio.core.runner;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.Retry;
import io.hstreamio.core.task.SourceTask;
import io.hstreamio.core.task.TaskMetrics;
import io.hstreamio.core.task.StreamFormat;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link SourceTask}: polls it, appends its events to the stream, and commits the resume position only once
 * the events before it are durable (at-least-once by construction).
 *
 * <p>{@link #run()} runs on the thread the caller owns; {@link #stop()} may be called from any thread. Appends are
 * pipelined (up to {@value #MAX_IN_FLIGHT} batches) and positions are committed strictly in batch order.
 */
public final class SourceTaskRunner implements Runnable {
    /** The key under which the resume position is kept in the task's state. */
    public static final String POSITION_KEY = "source.position";

    private static final Logger log = LoggerFactory.getLogger(SourceTaskRunner.class);
    private static final int MAX_IN_FLIGHT = 8;
    private static final long APPEND_TIMEOUT_SECONDS = 120;

    private final String taskId;
    private final SourceTask task;
    private final Options options;
    private final StreamStore store;
    private final String stream;
    private final StreamFormat format;
    private final StreamRecordCodec records;
    private final KeyValueStore state;
    private final TaskMetrics metrics = new TaskMetrics();
    private final LagTracker lag;
    private final Retry retry;
    private final Clock clock;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private final Lifecycle lifecycle;

    private record InFlight(CompletableFuture<List<RecordId>> appended, SourcePosition lastPosition, int records,
            long bytes, Instant newestCommitTime) {}

    public SourceTaskRunner(String taskId, SourceTask task, Options options, StreamStore store,
            ChangeEventCodec codec, Clock clock) {
        this.taskId = taskId;
        this.task = task;
        this.options = options;
        this.store = store;
        this.clock = clock;
        this.lag = new LagTracker(clock);
        this.stream = options.get(ToolkitOptions.STREAM);
        this.format = options.get(ToolkitOptions.STREAM_FORMAT);
        this.records = StreamCodecs.records(store, codec);
        this.state = store.keyValueStore(TaskStates.namespace(taskId));
        this.retry = Retry.of(options.get(ToolkitOptions.MAX_RETRIES));
        this.lifecycle = new Lifecycle("source task " + taskId);
    }

    public TaskState state() {
        return lifecycle.state();
    }

    public Optional<Throwable> failure() {
        return lifecycle.failure();
    }

    public TaskMetrics metrics() {
        return metrics;
    }

    /** How far the stream is behind the source database: changes count once durable in the stream. */
    public LagTracker lag() {
        return lag;
    }

    /** Waits until {@link #run()} has returned; false on timeout. */
    public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        return lifecycle.awaitTermination(timeout, unit);
    }

    /** The position made durable last, as a restarted task would see it. */
    public Optional<SourcePosition> committedPosition() {
        return state.get(POSITION_KEY).map(PositionCodec::decode);
    }

    /** Asks the task to stop; {@link #run()} then drains what is in flight, commits, and returns. */
    public void stop() {
        if (lifecycle.requestStop()) {
            task.stop();
        }
    }

    @Override
    public void run() {
        lifecycle.begin();
        try {
            Streams.ensureExists(store, stream);
            task.start(options, new SourceTaskContext(taskId, state, clock, metrics, this::committedPosition));
            log.info("Source task {}: started, writing to stream {}, resuming after {}", taskId, stream,
                    committedPosition().map(Object::toString).orElse("(nothing: first run)"));
            boolean completed = false;
            while (!lifecycle.stopRequested()) {
                List<ChangeEvent> batch = retry.call("poll of source task " + taskId, task::poll);
                if (batch == null) {
                    completed = true;
                    break;
                }
                if (!batch.isEmpty()) {
                    metrics.recordsIn(batch.size());
                    lag.received(batch);
                    append(batch);
                }
                commitCompleted(false);
                if (batch.isEmpty() && inFlight.isEmpty()) {
                    lag.caughtUp();
                }
            }
            commitCompleted(true);
            lifecycle.finish(completed ? TaskState.COMPLETED : TaskState.STOPPED);
        } catch (Throwable e) {
            lifecycle.fail(e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (lifecycle.requestStop()) {
                task.stop();
            }
        }
    }

    private void append(List<ChangeEvent> batch) throws Exception {
        List<StreamRecord> records = new ArrayList<>(batch.size());
        SourcePosition last = null;
        long bytes = 0;
        for (ChangeEvent e : batch) {
            StreamRecord record = this.records.encode(e, format);
            bytes += record.payload().length;
            records.add(record);
            if (e.position() != null) {
                last = e.position();
            }
        }
        while (inFlight.size() >= MAX_IN_FLIGHT) {
            commitHead();
        }
        inFlight.add(new InFlight(store.append(stream, records), last, records.size(), bytes,
                LagTracker.newestCommitTime(batch)));
    }

    /** Commits every finished batch at the head; with {@code all}, waits for every batch still in flight. */
    private void commitCompleted(boolean all) throws Exception {
        SourcePosition toCommit = null;
        while (!inFlight.isEmpty() && (all || inFlight.peekFirst().appended().isDone())) {
            SourcePosition p = commitHead();
            toCommit = p != null ? p : toCommit;
        }
        if (toCommit != null) {
            task.committed(toCommit);
        }
    }

    private SourcePosition commitHead() throws Exception {
        InFlight head = inFlight.pollFirst();
        try {
            head.appended().get(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new TaskFailedException(taskId, "append of " + head.records() + " records to stream " + stream
                    + " failed; the task resumes from " + committedPosition().map(Object::toString).orElse("the start")
                    + " when restarted: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TaskFailedException(taskId, "append to stream " + stream + " got no acknowledgement in "
                    + APPEND_TIMEOUT_SECONDS + " s", e);
        }
        metrics.delivered(head.records(), head.bytes());
        lag.delivered(head.newestCommitTime());
        if (head.lastPosition() != null) {
            state.put(POSITION_KEY, PositionCodec.encode(head.lastPosition()));
        }
        return head.lastPosition();
    }
}

package io.hstreamio.core.runner;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.core.task.Retry;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.core.task.TaskMetrics;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.core.task.UnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link SinkTask}: reads the stream through a durable subscription, hands batches to the task, and
 * acknowledges them only after the task's {@code flush} returned (at-least-once by construction).
 *
 * <p>Failures: a {@code RetriableException} is retried with backoff ({@code task.error.maxRetries}). An
 * {@code UnavailableException} (the target cannot be reached) is retried with the same backoff for up to
 * {@code connection.retry.timeout}, then fails the task: an outage is nobody's record error. Any other failure of a
 * batch replays it one record at a time, so that only the records that fail on their own meet
 * {@code task.error.skipStrategy} (see {@link RecordErrorHandler}). {@link #run()} runs on the caller's thread;
 * {@link #stop()} may be called from any thread, and ends a backoff pause at once.
 */
public final class SinkTaskRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskRunner.class);

    private final String taskId;
    private final SinkTask task;
    private final Options options;
    private final StreamStore store;
    private final StreamRecordCodec records;
    /** The table of stock JSON envelopes that name none: the sink's table option, else the stream's name. */
    private final TableId stockTable;
    private final String stream;
    private final KeyValueStore state;
    private final TaskMetrics metrics = new TaskMetrics();
    private final LagTracker lag;
    private final Retry retry;
    private final Clock clock;
    private final RecordErrorHandler errors;
    private volatile Map<Long, RecordId> committed = Map.of();
    private final Lifecycle lifecycle;

    public SinkTaskRunner(String taskId, SinkTask task, Options options, StreamStore store, ChangeEventCodec codec,
            Clock clock) {
        this.taskId = taskId;
        this.task = task;
        this.options = options;
        this.store = store;
        this.records = StreamCodecs.records(store, codec);
        this.clock = clock;
        this.lag = new LagTracker(clock);
        this.stream = options.get(ToolkitOptions.STREAM);
        this.stockTable = StreamRecordCodec.parseTable(
                options.raw().get("table") instanceof String table && !table.isBlank() ? table : stream);
        this.state = store.keyValueStore(TaskStates.namespace(taskId));
        this.retry = new Retry(options.get(ToolkitOptions.MAX_RETRIES), Retry.INITIAL_BACKOFF, Retry.MAX_BACKOFF,
                this::pauseUnlessStopped, options.get(ToolkitOptions.CONNECTION_RETRY_TIMEOUT), clock);
        this.errors = new RecordErrorHandler(taskId, options, store, metrics);
        this.lifecycle = new Lifecycle("sink task " + taskId);
    }

    /** The subscription a sink task reads through; stable across restarts. */
    public static String subscriptionName(String taskId) {
        return "sink-" + taskId;
    }

    /**
     * Per shard, the last record id acknowledged durably (the subscription's checkpoint) as of the last batch; empty
     * before the first. Any thread: what reports and DESCRIBE show as a sink's offsets.
     */
    public Map<Long, RecordId> committed() {
        return committed;
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

    /** End-to-end lag of the pipeline: changes count once written to the target (or skipped). */
    public LagTracker lag() {
        return lag;
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return lifecycle.awaitTermination(timeout, unit);
    }

    public void stop() {
        lifecycle.requestStop();
    }

    @Override
    public void run() {
        lifecycle.begin();
        int maxRecords = options.get(ToolkitOptions.BATCH_MAX_RECORDS);
        long maxAgeMillis = options.get(ToolkitOptions.BATCH_MAX_AGE).toMillis();
        boolean started = false;
        try (StreamSubscription subscription = store.subscribe(stream, subscriptionName(taskId),
                options.get(ToolkitOptions.FROM_OFFSET))) {
            task.start(options, new SinkTaskContext(taskId, state, clock, metrics));
            started = true;
            committed = Map.copyOf(subscription.committed());
            log.info("Sink task {}: started, reading stream {} from {}", taskId, stream, committed);
            while (!lifecycle.stopRequested()) {
                List<ReceivedRecord> received = subscription.poll(maxRecords, maxAgeMillis);
                if (received.isEmpty()) {
                    lag.caughtUp(); // everything polled before was written and acknowledged
                    continue;
                }
                metrics.recordsIn(received.size());
                deliver(received);
                List<RecordId> ids = new ArrayList<>(received.size());
                received.forEach(r -> ids.add(r.id()));
                subscription.ack(ids);
                committed = Map.copyOf(subscription.committed());
            }
            lifecycle.finish(TaskState.STOPPED);
        } catch (StopRequested e) {
            // Stopped while waiting to retry: the batch stays unacknowledged and is read again on restart.
            lifecycle.finish(TaskState.STOPPED);
        } catch (Throwable e) {
            lifecycle.fail(e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (started) {
                task.stop();
            }
        }
    }

    private void deliver(List<ReceivedRecord> received) throws Exception {
        List<SinkRecord> batch = new ArrayList<>(received.size());
        List<ReceivedRecord> sources = new ArrayList<>(received.size());
        long bytes = 0;
        for (ReceivedRecord r : received) {
            try {
                batch.add(new SinkRecord(stream, r.id(), records.decode(r.record(), stockTable)));
                sources.add(r);
                bytes += r.record().payload().length;
            } catch (RuntimeException e) {
                errors.handle(stream, r, "cannot be decoded", e);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        List<ChangeEvent> events = new ArrayList<>(batch.size());
        batch.forEach(r -> events.add(r.event()));
        lag.received(events);
        deliverDecoded(batch, sources, bytes);
        // Written or skipped: either way the sink has moved past these changes.
        lag.delivered(LagTracker.newestCommitTime(events));
    }

    private void deliverDecoded(List<SinkRecord> batch, List<ReceivedRecord> sources, long bytes) throws Exception {
        try {
            writeAndFlush(batch);
            metrics.delivered(batch.size(), bytes);
        } catch (InterruptedException | UnavailableException | StopRequested e) {
            throw e; // not the records' fault: replaying them one by one would only wait again
        } catch (Exception batchFailure) {
            log.warn("Sink task {}: a batch of {} records failed ({}); replaying it record by record", taskId,
                    batch.size(), batchFailure.getMessage());
            for (int i = 0; i < batch.size(); i++) {
                SinkRecord one = batch.get(i);
                try {
                    writeAndFlush(List.of(one));
                    metrics.delivered(1, sources.get(i).record().payload().length);
                } catch (InterruptedException | UnavailableException | StopRequested e) {
                    throw e;
                } catch (Exception e) {
                    errors.handle(stream, sources.get(i), RecordErrorHandler.describe(one), e);
                }
            }
        }
    }

    private void pauseUnlessStopped(Duration d) throws InterruptedException {
        if (lifecycle.awaitStop(d)) {
            throw new StopRequested();
        }
    }

    /** Ends a retry loop when the task is asked to stop during a backoff pause. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super("stop requested while waiting to retry", null, false, false);
        }
    }

    private void writeAndFlush(List<SinkRecord> batch) throws Exception {
        retry.run("write of " + batch.size() + " records by sink task " + taskId, () -> {
            try {
                task.write(batch);
                task.flush();
            } catch (io.hstreamio.core.task.RetriableException e) {
                metrics.retried();
                throw e;
            }
        });
    }
}

package io.hstreamio.cdc.internal;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.store.KeyValueStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Debezium engine and hands its changes to a task thread as {@link ChangeEvent} batches.
 *
 * <p>Threads: the engine runs on its own named thread ({@code cdc-engine-<name>}), maps records there and puts them in
 * a bounded queue (so a slow consumer slows the binlog/WAL reader, never memory). {@link #poll} and
 * {@link #committed} run on the one task thread; {@link #stop} may run on any thread. An error on the engine thread
 * is kept and rethrown by {@code poll} once the events before it are delivered.
 *
 * <p>Offsets: a record is marked processed with Debezium (and so its offset written to the key/value store and, for
 * PostgreSQL, confirmed to the slot) only after {@link #committed} says the events up to it are durable. Records that
 * carry no event (heartbeats, statements that change no captured table) are released as soon as everything before
 * them is.
 *
 * <p>Lifecycle: {@link #start} once, then {@code poll}/{@code committed}, then {@link #stop} once.
 */
public final class DebeziumCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumCapture.class);
    private static final int MAX_EVENTS_PER_POLL = 8192;

    /** Sees every record on the engine thread, in log order, right after it is mapped (before the task thread). */
    @FunctionalInterface
    public interface EngineListener {
        /** @param marker a watermark message's content, else null */
        void mapped(List<ChangeEvent> events, String marker);
    }

    /** Sees every record on the task thread during {@link #poll(Duration, RecordVisitor)}, in log order. */
    @FunctionalInterface
    public interface RecordVisitor {
        /**
         * @param progress how far the log was read at this record ({@link RecordMapper#progress}), null if unknown
         * @param marker   a watermark message's content, else null
         */
        void visit(List<ChangeEvent> events, long[] progress, String marker);
    }

    private record Entry(RecordChangeEvent<SourceRecord> record, List<ChangeEvent> events, boolean held,
            long[] progress, String marker,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) {
        SourcePosition lastPosition() {
            return events.get(events.size() - 1).position();
        }
    }

    private final String name;
    private final Properties properties;
    private final KeyValueStore state;
    private final RecordMapper mapper;
    private final BlockingQueue<List<Entry>> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;

    // Task thread only.
    private final ArrayDeque<Entry> inflight = new ArrayDeque<>();
    private SourcePosition committedUpTo;

    private volatile EngineListener engineListener;
    private String kvId;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService executor;

    /**
     * @param properties engine properties without the key/value registration (added here)
     * @param queueBatches how many Debezium batches may wait for the task thread
     */
    public DebeziumCapture(String name, Dialect dialect, Properties properties, KeyValueStore state, int queueBatches) {
        this(name, dialect, properties, state, queueBatches, ColumnExtras.NONE);
    }

    /** @param extras column detail the records lack (see {@link #forConfig}) */
    public DebeziumCapture(String name, Dialect dialect, Properties properties, KeyValueStore state, int queueBatches,
            ColumnExtras extras) {
        this.name = name;
        this.properties = properties;
        this.state = state;
        this.mapper = new RecordMapper(dialect, name, extras);
        this.queue = new ArrayBlockingQueue<>(queueBatches);
    }

    /**
     * A capture for a source configuration, with the column detail lookup its dialect needs. For PostgreSQL this
     * also sets up the publication (see {@link PostgresPublication}), so it talks to the server.
     */
    public static DebeziumCapture forConfig(io.hstreamio.cdc.CdcConfig config, Dialect dialect, KeyValueStore state) {
        Properties properties = EngineProperties.of(config, dialect);
        if (dialect == Dialect.POSTGRESQL) {
            PostgresPublication.prepare(config, properties);
        }
        return new DebeziumCapture(config.name(), dialect, properties, state, 4,
                dialect == Dialect.POSTGRESQL ? new PostgresColumnExtras(config) : ColumnExtras.NONE);
    }

    /** Set before {@link #start}: called on the engine thread for every mapped record. */
    public void engineListener(EngineListener listener) {
        this.engineListener = listener;
    }

    /** Any thread: a shape a snapshot outside the stream sends a table's rows with (see {@link RecordMapper#announced}). */
    public void announced(io.hstreamio.core.record.TableSchema shape) {
        mapper.announced(shape);
    }

    /** The dialect's record mapper (for positions). */
    RecordMapper mapper() {
        return mapper;
    }

    /** Registers the store, recovers schema detail and starts the engine thread; returns at once. */
    public synchronized void start() {
        if (engine != null) {
            throw new IllegalStateException("capture '" + name + "' already started");
        }
        kvId = KvRegistry.register(state);
        properties.setProperty(KvRegistry.ID_PROPERTY, kvId);
        if (properties.getProperty("schema.history.internal") != null) {
            properties.setProperty("schema.history.internal." + KvRegistry.ID_PROPERTY, kvId);
            mapper.recover(KvSchemaHistory.readAll(state));
        }
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using(OffsetCommitPolicy.always())
                .using((success, message, error) -> {
                    // Any end that stop() did not ask for is a failure, even one the engine calls a success.
                    if (!stopping) {
                        failure.compareAndSet(null, error != null ? error
                                : new IllegalStateException("CDC engine '" + name + "' ended: " + message));
                    }
                })
                .notifying(this::handleBatch)
                .build();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-engine-" + name);
            t.setDaemon(true);
            return t;
        });
        executor.execute(engine);
    }

    /** Engine thread: map, then wait for room in the queue (or for stop). Nothing is marked processed here. */
    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Entry> batch = new ArrayList<>(records.size());
        try {
            EngineListener listener = engineListener;
            for (RecordChangeEvent<SourceRecord> r : records) {
                RecordMapper.Mapped m = mapper.map(r.record());
                String marker = mapper.marker(r.record());
                if (listener != null) {
                    listener.mapped(m.events(), marker);
                }
                batch.add(new Entry(r, m.events(), m.held(), mapper.progress(r.record()), marker, committer));
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, new IllegalStateException(
                    "CDC source '" + name + "' cannot map a change: " + e.getMessage(), e));
            throw e;
        }
        while (!stopping) {
            if (queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /**
     * Task thread: the next events in source order, waiting up to {@code maxWait} for the first; empty when idle.
     *
     * @throws Exception the engine's failure, once every event before it has been returned
     */
    public List<ChangeEvent> poll(Duration maxWait) throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        poll(maxWait, (e, progress, marker) -> events.addAll(e));
        return events;
    }

    /**
     * Task thread: visits the next records in source order, heartbeats and watermark messages included, waiting up to
     * {@code maxWait} for the first; returns how many records were visited (0 when idle).
     */
    public int poll(Duration maxWait, RecordVisitor visitor) throws Exception {
        releaseReady();
        List<List<Entry>> batches = new ArrayList<>();
        List<Entry> first = queue.poll(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            rethrowIfFailed();
            return 0;
        }
        batches.add(first);
        int count = 0;
        int records = 0;
        while (true) {
            for (List<Entry> batch : batches) {
                for (Entry e : batch) {
                    inflight.add(e);
                    visitor.visit(e.events(), e.progress(), e.marker());
                    count += e.events().size();
                    records++;
                }
            }
            batches.clear();
            if (count >= MAX_EVENTS_PER_POLL || queue.drainTo(batches, 1) == 0) {
                break;
            }
        }
        releaseReady();
        return records;
    }

    /** Task thread: everything up to {@code upTo} is durable; let Debezium store the offsets of those records. */
    public void committed(SourcePosition upTo) throws InterruptedException {
        committedUpTo = upTo;
        releaseReady();
    }

    private void releaseReady() throws InterruptedException {
        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer = null;
        while (!inflight.isEmpty()) {
            Entry head = inflight.peek();
            if (head.held()) {
                // The first half of a split change goes only together with the entry that completes it.
                Entry next = inflight.size() > 1 ? secondOf(inflight) : null;
                if (next == null || !releasable(next)) {
                    break;
                }
                head.committer().markProcessed(head.record());
                inflight.poll();
                head = next;
            } else if (!releasable(head)) {
                break;
            }
            head.committer().markProcessed(head.record());
            committer = head.committer();
            inflight.poll();
        }
        if (committer != null && !stopping) {
            committer.markBatchFinished();
        }
    }

    private boolean releasable(Entry e) {
        return !e.held() && (e.events().isEmpty()
                || (committedUpTo != null && e.lastPosition().compareTo(committedUpTo) <= 0));
    }

    private static Entry secondOf(ArrayDeque<Entry> deque) {
        var it = deque.iterator();
        it.next();
        return it.next();
    }

    private void rethrowIfFailed() throws Exception {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // One line that names the source and the root cause; the whole chain stays attached.
        throw new Exception("CDC source '" + name + "' stopped: " + root.getMessage(), t);
    }

    /** Zero dates delivered as null so far. */
    public long zeroDates() {
        return mapper.zeroDates();
    }

    /** Any thread: stops the engine and its thread, waiting up to 30 s. Idempotent. */
    public synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        try {
            if (engine != null) {
                engine.close();
            }
        } catch (IllegalStateException e) {
            // Closing an engine whose start failed reports "already shut down": nothing is left to stop.
            LOG.debug("CDC engine '{}' was already shut down", name);
        } catch (Exception e) {
            LOG.warn("CDC engine '{}' did not close cleanly: {}", name, e.toString());
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("CDC engine thread 'cdc-engine-{}' still running 30 s after stop", name);
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kvId != null) {
            KvRegistry.unregister(kvId);
        }
    }

    @Override
    public void close() {
        stop();
    }
}

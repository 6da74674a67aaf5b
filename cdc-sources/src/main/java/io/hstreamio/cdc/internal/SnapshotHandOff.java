package io.hstreamio.cdc.internal;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.snapshot.Chunk;
import io.hstreamio.snapshot.ChunkConsumer;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parallel, lock-free snapshot handed over to the change stream with watermarks (the DBLog idea).
 *
 * <p>The change stream starts first, with no snapshot of its own, and keeps running. Snapshot workers read chunks in
 * parallel; before each SELECT a {@link ChunkWindow} fixes where the chunk's rows stand in the log (MariaDB: the exact
 * binlog position of a consistent-snapshot transaction; PostgreSQL: the transaction snapshot, closed by a watermark
 * message in the WAL). The task thread follows the stream in order and puts a chunk's rows into it once the stream
 * has delivered every change those rows contain ({@link ChunkWindow#passedBy}), leaving out the rows whose key had a
 * change the rows do not contain: that change travels in the stream with its full row image. So every row arrives and
 * per key the stream never goes back in time.
 *
 * <p>Threads: {@link #mapped} on the engine thread (log order), the {@link ChunkConsumer}s on the snapshot workers,
 * {@link #poll} and {@link #committed} on the task thread; {@link #close} from any thread. Changes seen on the engine
 * thread are matched against the chunks being read under one lock; a ring of recent changes is matched too when a
 * chunk registers, so a change that reached the engine just before the chunk's snapshot began is not missed.
 *
 * <p>Memory: at most {@code parallelism} chunks being read plus {@code parallelism} waiting for the stream, each at most
 * {@code chunk.rows} rows.
 *
 * <p>Progress, in the task's state: each chunk is recorded as it is split, before it is read, and marked done once its
 * rows are durable ({@link ChunkLedger}); once all of a table's chunks are, the table is recorded as done
 * ({@code handoff.done/<table>}) and its chunk records go. A restart skips the tables done and, in the others, the
 * chunks done: it reads the other recorded chunks again with their recorded bounds, then splits on after the last
 * recorded chunk, so a chunk, not a table, is the unit of resumption. Keyless tables (ctid ranges, at-least-once)
 * resume whole.
 */
public final class SnapshotHandOff implements DebeziumCapture.EngineListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotHandOff.class);
    /** Task state: {@code complete} once every table's rows are durable in the stream. */
    public static final String STATE_KEY = "handoff.state";
    /** Task state: one key per table whose rows are all durable. */
    public static final String DONE_PREFIX = "handoff.done/";
    /** Task metrics: the servers' row estimate of the tables to read, the rows put into the stream, tables done. */
    public static final String METRIC_ESTIMATE = "snapshot_rows_estimate";
    public static final String METRIC_ROWS = "snapshot_rows";
    public static final String METRIC_TABLES_DONE = "snapshot_tables_done";
    /** Task metrics: chunks whose rows an earlier run made durable, not read again (their rows count as snapshot_rows). */
    public static final String METRIC_CHUNKS_RESUMED = "snapshot_chunks_resumed";
    /**
     * Per table, the same figures under {@code <metric>/<table>} ({@code snapshot_rows_estimate/db.orders}, only when
     * the server has an estimate; {@code snapshot_rows/db.orders}; {@code snapshot_table_done/db.orders} = 1 once its
     * rows are durable), so that progress can be shown table by table without Debezium or snapshot types.
     */
    public static final String TABLE_METRIC_SEPARATOR = "/";
    public static final String METRIC_TABLE_DONE = "snapshot_table_done";
    private static final int RECENT_CHANGES = 50_000;
    private static final long[] BEFORE_ANY_EVENT = {Long.MIN_VALUE};

    private final String sourceName;
    private final DatabaseUrl url;
    private final Options snapshotOptions;
    private final Predicate<TableId> filter;
    private final KeyValueStore state;
    private final boolean binlog;
    private final Clock clock;
    private final int waitingLimit;
    private final io.hstreamio.core.task.TaskMetrics metrics;
    private final ChunkLedger ledger;

    // Engine thread and workers, under lock.
    private final Object lock = new Object();
    private final List<Pending> reading = new ArrayList<>();
    private final ArrayDeque<Change> recent = new ArrayDeque<>();

    private final BlockingQueue<Pending> ready;
    private final Map<TableId, TableProgress> tables = new ConcurrentHashMap<>();
    private final AtomicLong chunkIds = new AtomicLong();
    /**
     * Makes this run's watermark ids its own: a restart replays the log from its last committed position, and with it
     * an earlier run's watermarks, which must not release this run's chunks before the stream has passed them.
     */
    private final String runId = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong()
            & Long.MAX_VALUE, 36);

    // Task thread.
    private final List<Pending> waiting = new ArrayList<>();
    private final ArrayDeque<Emitted> uncommitted = new ArrayDeque<>();
    private final Set<String> markersSeen = new HashSet<>();
    private long[] progress;
    /**
     * Binlog: where the stream resumes, by its stored offset. It delivers nothing at or before it, so it has passed
     * that position from the start. Without this an idle binlog held the first chunks until the server's heartbeat
     * (8 s): a chunk read while nothing was written has its window at exactly that position.
     */
    private volatile long[] streamStart;
    private long[] lastOrder = BEFORE_ANY_EVENT;
    private Map<String, String> lastOffset = Map.of();
    private SourcePosition lastCommitted;
    private long rowSequence;
    private long rowsEmitted;
    private long rowsLeftToStream;

    private volatile boolean complete;
    private volatile boolean readerDone;
    private volatile Throwable failure;
    private volatile boolean closing;
    private volatile java.util.function.Consumer<TableSchema> shapes = t -> {};
    private Thread reader;

    /**
     * @param snapshotOptions the snapshot reader's options (tables, parallelism, chunk size)
     * @param filter          which tables to read, as the CDC source captures them
     */
    public SnapshotHandOff(String sourceName, DatabaseUrl url, Options snapshotOptions, Predicate<TableId> filter,
            KeyValueStore state, Clock clock, io.hstreamio.core.task.TaskMetrics metrics) {
        this.metrics = metrics;
        this.sourceName = sourceName;
        this.url = url;
        this.snapshotOptions = snapshotOptions;
        this.filter = filter;
        this.state = state;
        this.ledger = new ChunkLedger(state);
        this.binlog = url.kind().isMySqlFamily();
        this.clock = clock;
        int parallelism = snapshotOptions.get(io.hstreamio.snapshot.SnapshotOptions.PARALLELISM);
        this.ready = new ArrayBlockingQueue<>(parallelism);
        this.waitingLimit = parallelism;
        this.complete = state.get(STATE_KEY).map(v -> "complete".equals(new String(v, StandardCharsets.UTF_8)))
                .orElse(false);
    }

    /**
     * Set before {@link #start}: told each table's shape, on the snapshot's thread, before any of its rows is read
     * (the stream's mapper needs it to tell a later rename, see {@link RecordMapper#announced}).
     */
    public void shapes(java.util.function.Consumer<TableSchema> listener) {
        this.shapes = listener;
    }

    /** Whether the snapshot is over, now or in an earlier run: then the stream passes through untouched. */
    public boolean complete() {
        return complete;
    }

    /** Forgets the snapshot's progress: a source that lost its log position starts over. */
    public static void forget(KeyValueStore state) {
        state.delete(STATE_KEY);
        for (String key : state.scan(DONE_PREFIX).keySet()) {
            state.delete(key);
        }
        ChunkLedger.forgetAll(state);
    }

    /**
     * Starts the reader thread. It waits until the change stream stored its first position (so the stream starts
     * before any chunk is read), then reads the tables not done yet.
     */
    public synchronized void start() {
        if (complete) {
            return;
        }
        reader = new Thread(this::readAll, "hstream-io-" + sourceName + "-snapshot");
        reader.setDaemon(true);
        reader.start();
    }

    private void readAll() {
        try {
            awaitStreamPosition();
            Set<String> done = state.scan(DONE_PREFIX).keySet().stream()
                    .map(k -> k.substring(DONE_PREFIX.length())).collect(java.util.stream.Collectors.toSet());
            done.forEach(ledger::forget); // left behind when a stop fell between the done mark and the clean-up
            try (SnapshotReader r = SnapshotReader.open(url, snapshotOptions, clock, false,
                    t -> filter.test(t) && !done.contains(t.toString()))) {
                LOG.info("Source {}: snapshot of {} table(s) handed over to the change stream ({} done before)",
                        sourceName, r.tables().size(), done.size());
                Map<TableId, SnapshotReader.Resume> resume = new java.util.HashMap<>();
                Set<String> reading = r.tables().stream().map(t -> t.id().toString())
                        .collect(java.util.stream.Collectors.toSet());
                ledger.tables().stream().filter(t -> !reading.contains(t)).forEach(ledger::forget); // no longer captured
                for (TableSchema t : r.tables()) {
                    shapes.accept(t);
                    tables.put(t.id(), new TableProgress(t.id()));
                    long estimate = r.stats(t.id()).estimatedRows();
                    metrics.increment(METRIC_ESTIMATE, Math.max(0, estimate));
                    metrics.increment(perTable(METRIC_ROWS, t.id()), 0); // listed from the start, at zero
                    if (estimate >= 0) {
                        metrics.increment(perTable(METRIC_ESTIMATE, t.id()), estimate);
                    }
                    // Skipping a chunk is safe only when its rows are durable: a chunk is marked done only then.
                    // Reading one again is always safe: it goes through a watermark window like a first read, so
                    // per key the stream still never goes back in time. Hence: skip the done, read the rest again.
                    ChunkLedger.Plan plan = ledger.plan(t, sourceName);
                    if (plan.resume() != null) {
                        resume.put(t.id(), plan.resume());
                        metrics.increment(METRIC_ROWS, plan.doneRows());
                        metrics.increment(perTable(METRIC_ROWS, t.id()), plan.doneRows());
                        metrics.increment(METRIC_CHUNKS_RESUMED, plan.doneChunks());
                        Chunk last = plan.resume().last();
                        LOG.info("Source {}: snapshot step 2 - resuming {}: {} chunk(s) durable before ({} rows), {} "
                                + "to read again, {}", sourceName, t.id(), plan.doneChunks(), plan.doneRows(),
                                plan.resume().again().size(), last.upper() == null ? "all split before"
                                : "splitting on after " + Arrays.toString(last.upper()));
                    }
                }
                r.run(worker -> new Worker(), new SnapshotReader.SplitListener() {
                    @Override
                    public void tableSplit(TableSchema table, int chunks) {
                        tables.get(table.id()).split(chunks);
                    }

                    @Override
                    public void chunkSplit(Chunk chunk) {
                        ledger.split(chunk);
                    }
                }, resume);
            }
            readerDone = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (!closing) {
                failure = t;
            }
        }
    }

    private void awaitStreamPosition() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (state.get(KvOffsetBackingStore.KEY).isEmpty()) {
            if (closing) {
                throw new InterruptedException();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the change stream of source " + sourceName + " stored no position"
                        + " within 5 minutes, so the snapshot cannot start; check the source's log for errors");
            }
            Thread.sleep(50); // polling the key/value store: it has no change notification
        }
        if (binlog) {
            streamStart = KvOffsetBackingStore.storedBinlogProgress(state);
            LOG.debug("Source {}: the stream resumes at binlog {}", sourceName, Arrays.toString(streamStart));
        }
    }

    // ---------------------------------------------------------------- engine thread

    @Override
    public void mapped(List<ChangeEvent> events, String marker) { // markers matter on the task thread only
        if (complete) {
            return;
        }
        synchronized (lock) {
            for (ChangeEvent e : events) {
                for (Change c : Change.of(e)) {
                    recent.addLast(c);
                    if (recent.size() > RECENT_CHANGES) {
                        recent.removeFirst();
                    }
                    // Until the rows go out, not just until the watermark: the rows may reach the task thread
                    // after the stream went past their watermark, and then they follow these changes.
                    for (Pending p : reading) {
                        if (p.table.id().equals(c.table)) {
                            p.changes.add(c);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- workers

    /** One per snapshot worker, on its thread. */
    private final class Worker implements ChunkConsumer {
        private Pending current;

        @Override
        public void beforeRead(Connection connection, Chunk chunk) throws Exception {
            Pending p = new Pending(chunk, sourceName + "/" + runId + "/" + chunkIds.incrementAndGet());
            synchronized (lock) {
                for (Change c : recent) {
                    if (c.table.equals(p.table.id())) {
                        p.changes.add(c);
                    }
                }
                reading.add(p);
            }
            current = p;
            p.window = binlog ? ChunkWindow.openBinlog(connection)
                    : ChunkWindow.openPostgres(connection, p.markerId);
        }

        @Override
        public void rows(Chunk chunk, List<Row> rows) {
            current.rows.addAll(rows);
        }

        @Override
        public void afterRead(Connection connection, Chunk chunk) throws Exception {
            current.window.close(connection);
        }

        @Override
        public void chunkDone(Chunk chunk, long rows) throws Exception {
            Pending p = current;
            current = null;
            while (!ready.offer(p, 100, TimeUnit.MILLISECONDS)) {
                if (closing) {
                    throw new InterruptedException("source " + sourceName + " is stopping");
                }
            }
        }

        @Override
        public void close() {
            if (current != null) {
                synchronized (lock) {
                    reading.remove(current);
                }
            }
        }
    }

    // ---------------------------------------------------------------- task thread

    /**
     * Task thread: the next events of the stream with the snapshot rows put in where they belong.
     *
     * @throws Exception the snapshot reader's failure, or the capture's
     */
    public List<ChangeEvent> poll(DebeziumCapture capture, Duration maxWait) throws Exception {
        if (complete) {
            return capture.poll(maxWait);
        }
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("snapshot of source " + sourceName + " failed: " + t.getMessage(), t);
        }
        List<ChangeEvent> out = new ArrayList<>();
        if (progress == null) {
            progress = streamStart; // the stream's own reports only move on from there
        }
        takeReady();
        release(out);
        Duration wait = waiting.isEmpty() && ready.isEmpty() ? maxWait : Duration.ofMillis(20);
        capture.poll(wait, (events, at, marker) -> {
            if (!events.isEmpty()) {
                out.addAll(events);
                SourcePosition last = events.get(events.size() - 1).position();
                if (last != null) {
                    lastOrder = last.order();
                    lastOffset = last.offset();
                }
            }
            // Only forwards: connecting, the binlog client reports the file's start ([file, 4]) before its position.
            if (at != null && (progress == null || Arrays.compare(at, progress) > 0)) {
                progress = at;
            }
            if (marker != null && marker.startsWith(sourceName + "/" + runId + "/")) {
                markersSeen.add(marker); // an earlier run's, replayed, would stay here for good
            }
            takeReady();
            release(out);
        });
        takeReady();
        release(out);
        maybeComplete();
        return out;
    }

    private void takeReady() {
        while (waiting.size() < waitingLimit) {
            Pending p = ready.poll();
            if (p == null) {
                return;
            }
            waiting.add(p);
        }
    }

    private void release(List<ChangeEvent> out) {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            String marker = markersSeen.contains(p.markerId) ? p.markerId : null;
            if (p.window.passedBy(progress, marker)) {
                it.remove();
                markersSeen.remove(p.markerId);
                emit(p, out);
            }
        }
    }

    private void emit(Pending p, List<ChangeEvent> out) {
        List<Change> changes;
        synchronized (lock) {
            reading.remove(p);
            changes = List.copyOf(p.changes);
        }
        Set<Key> leaveOut = new HashSet<>();
        boolean wholeTable = false;
        for (Change c : changes) {
            if (!p.window.after(c.order, c.transactionId)) {
                continue;
            }
            if (c.shapeChanged) {
                if (c.schema != null && c.schema.columns().equals(p.table.columns())) {
                    continue; // the stream announcing the shape the rows already have (PostgreSQL's first event)
                }
                ledger.forget(p.table.id().toString()); // rows of the old shape are no basis to resume on
                throw new IllegalStateException("table " + p.table.id() + " changed shape during its snapshot ("
                        + p.chunk.describe() + "); the source restarts and reads the table again");
            }
            if (c.key == null) {
                wholeTable = true; // truncated after the chunk was read: its rows are gone
            } else {
                leaveOut.add(c.key);
            }
        }
        int[] pk = p.table.primaryKeyPositions();
        int emitted = 0;
        if (!wholeTable) {
            for (Row row : p.rows) {
                if (pk.length > 0 && !leaveOut.isEmpty() && leaveOut.contains(Key.of(row, pk))) {
                    continue;
                }
                long[] order = Arrays.copyOf(lastOrder, lastOrder.length + 1);
                order[lastOrder.length] = ++rowSequence;
                SourcePosition position = new SourcePosition(sourceName, order, lastOffset);
                out.add(new ChangeEvent(ChangeType.READ, p.table.id(), p.table, null, row, position, null, null,
                        null));
                emitted++;
            }
        }
        rowsEmitted += emitted;
        metrics.increment(METRIC_ROWS, emitted);
        metrics.increment(perTable(METRIC_ROWS, p.table.id()), emitted);
        rowsLeftToStream += p.rows.size() - emitted;
        LOG.debug("{}: {} rows into the stream, {} left to the change events ({})", p.chunk, emitted,
                p.rows.size() - emitted, p.window);
        // Durable once its last row is, or (no rows) once the changes before it are: those may carry its keys.
        // Changes already committed need no commit to come (on an idle source none may come): null, done now.
        SourcePosition done = emitted > 0 ? out.get(out.size() - 1).position()
                : lastOrder == BEFORE_ANY_EVENT ? null : new SourcePosition(sourceName, lastOrder, lastOffset);
        if (emitted == 0 && done != null && lastCommitted != null && lastCommitted.compareTo(done) >= 0) {
            done = null;
        }
        uncommitted.add(new Emitted(p.chunk, emitted, done));
        p.rows.clear();
    }

    /** Task thread: everything up to {@code position} is durable in the stream. */
    public void committed(SourcePosition position) {
        if (complete) {
            return;
        }
        if (position != null) {
            lastCommitted = position;
        }
        while (!uncommitted.isEmpty()) {
            Emitted e = uncommitted.peek();
            if (e.done != null && (position == null || position.compareTo(e.done) < 0)) {
                break;
            }
            uncommitted.poll();
            chunkCommitted(e);
        }
        maybeComplete();
    }

    private void chunkCommitted(Emitted e) {
        ledger.done(e.chunk, e.rows);
        tables.get(e.chunk.table().id()).chunkCommitted();
    }

    private void maybeComplete() {
        if (complete || !readerDone || !waiting.isEmpty() || !ready.isEmpty()) {
            return;
        }
        // Chunks without rows need no commit; the rest wait for theirs.
        while (!uncommitted.isEmpty() && uncommitted.peek().done == null) {
            chunkCommitted(uncommitted.poll());
        }
        if (!uncommitted.isEmpty()) {
            return;
        }
        state.put(STATE_KEY, "complete".getBytes(StandardCharsets.UTF_8));
        complete = true;
        LOG.info("Source {}: snapshot handed over: {} rows into the stream, {} left to change events that carried "
                + "newer images", sourceName, rowsEmitted, rowsLeftToStream);
    }

    @Override
    public void close() {
        closing = true;
        Thread r = reader;
        if (r != null) {
            r.interrupt();
            try {
                r.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (r.isAlive()) {
                LOG.warn("snapshot thread of source {} still running 30 s after stop", sourceName);
            }
        }
    }

    private static String perTable(String metric, TableId table) {
        return metric + TABLE_METRIC_SEPARATOR + table;
    }

    // ---------------------------------------------------------------- state

    /** Counts a table's chunks: split (known once the last is handed out) and durable. */
    private final class TableProgress {
        private final TableId table;
        private int total = -1;
        private int committed;

        TableProgress(TableId table) {
            this.table = table;
        }

        synchronized void split(int chunks) {
            total = chunks;
            check();
        }

        synchronized void chunkCommitted() {
            committed++;
            check();
        }

        private void check() {
            if (total >= 0 && committed == total) {
                state.put(DONE_PREFIX + table, new byte[] {1});
                ledger.forget(table.toString()); // after the done mark: a stop in between leaves records, not a gap
                metrics.increment(METRIC_TABLES_DONE, 1);
                metrics.increment(perTable(METRIC_TABLE_DONE, table), 1);
                LOG.info("Source {}: snapshot of {} durable ({} chunks)", sourceName, table, total);
            }
        }
    }

    /** A chunk being read or waiting for the stream. */
    private static final class Pending {
        final Chunk chunk;
        final TableSchema table;
        final String markerId;
        final List<Change> changes = new ArrayList<>(); // under lock
        final List<Row> rows = new ArrayList<>();
        volatile ChunkWindow window;

        Pending(Chunk chunk, String markerId) {
            this.chunk = chunk;
            this.table = chunk.table();
            this.markerId = markerId;
        }
    }

    /** A chunk whose {@code rows} rows are in the stream, durable once {@code done} is (null: now). */
    private record Emitted(Chunk chunk, long rows, SourcePosition done) {}

    /**
     * A change seen while chunks were read: its key (null: the whole table), where it sits, and whether it changed
     * the table's shape.
     */
    private record Change(TableId table, Key key, long[] order, String transactionId, boolean shapeChanged,
            TableSchema schema) {
        /** The changes an event makes: one per key it touches (two for a key update), none for keyless tables. */
        static List<Change> of(ChangeEvent e) {
            if (e.position() != null && !"false".equalsIgnoreCase(e.position().offset().getOrDefault("snapshot",
                    "false"))) {
                return List.of(); // the stream's own schema snapshot at its start: no change of the data
            }
            long[] order = e.position() == null ? null : e.position().order();
            String tx = e.transactionId();
            switch (e.type()) {
                case INSERT, UPDATE, DELETE -> {
                    if (e.schema() == null || !e.schema().hasPrimaryKey()) {
                        return List.of(); // keyless tables are at-least-once: nothing to leave out
                    }
                    int[] pk = e.schema().primaryKeyPositions();
                    Key after = e.after() == null ? null : Key.of(e.after(), pk);
                    Key before = e.before() == null ? null : Key.of(e.before(), pk);
                    if (after != null && before != null && !after.equals(before)) {
                        return List.of(new Change(e.table(), before, order, tx, false, null),
                                new Change(e.table(), after, order, tx, false, null));
                    }
                    return List.of(new Change(e.table(), after != null ? after : before, order, tx, false, null));
                }
                case TRUNCATE -> {
                    return List.of(new Change(e.table(), null, order, tx, false, null));
                }
                case SCHEMA_CHANGE -> {
                    return List.of(new Change(e.table(), null, order, tx, true, e.schema()));
                }
                default -> {
                    return List.of();
                }
            }
        }
    }

    /** A primary-key value with content equality (byte arrays included). */
    record Key(Object[] values) {
        static Key of(Row row, int[] positions) {
            Object[] v = new Object[positions.length];
            for (int i = 0; i < positions.length; i++) {
                v[i] = row.get(positions[i]);
            }
            return new Key(v);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.deepEquals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(values);
        }
    }
}

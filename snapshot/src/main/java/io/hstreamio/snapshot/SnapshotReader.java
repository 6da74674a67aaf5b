package io.hstreamio.snapshot;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.internal.Chunker;
import io.hstreamio.snapshot.internal.KeyRanges;
import io.hstreamio.snapshot.internal.SourceDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads tables of a MySQL/MariaDB or PostgreSQL database as a chunked, parallel snapshot.
 *
 * <p>{@link #open} connects, finds the tables matching the patterns and reads their shapes ({@link #tables()}).
 * {@link #run} then splits every table lazily into chunks ({@code ORDER BY pk LIMIT} walks, equal ranges for dense
 * integer keys, ctid ranges for keyless PostgreSQL tables) and reads them on {@code parallelism} worker threads, each
 * with its own pooled connection and a streaming result set, handing rows in bounded batches to a
 * {@link ChunkConsumer} per worker. Memory is bounded by parallelism x batch.rows rows, whatever the table size.
 *
 * <p>Threads: {@code open}, {@link #run} and {@link #close} on the caller's thread; {@code run} blocks until every
 * chunk is read or one worker failed (the others stop after their current batch), and rethrows that failure.
 */
public final class SnapshotReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    private final DatabaseUrl url;
    private final Options options;
    private final SourceDialect dialect;
    private final HikariDataSource pool;
    private final List<TableSchema> tables;
    private final Map<TableId, TableStats> stats = new LinkedHashMap<>();
    private final Clock clock;

    private SnapshotReader(DatabaseUrl url, Options options, SourceDialect dialect, HikariDataSource pool,
                           List<TableSchema> tables, Map<TableId, Long> estimates, Clock clock) {
        this.url = url;
        this.options = options;
        this.dialect = dialect;
        this.pool = pool;
        this.tables = List.copyOf(tables);
        this.clock = clock;
        for (TableSchema t : tables) {
            stats.put(t.id(), new TableStats(t.id(), estimates.getOrDefault(t.id(), -1L)));
        }
    }

    /**
     * Connects and reads the catalog.
     *
     * @throws BadInputException when the server cannot be reached, refuses the login, the database is missing, or a
     *                           table pattern matches no table
     */
    public static SnapshotReader open(DatabaseUrl url, Options options) throws SQLException {
        return open(url, options, Clock.systemUTC());
    }

    public static SnapshotReader open(DatabaseUrl url, Options options, Clock clock) throws SQLException {
        return open(url, options, clock, true);
    }

    /** @param requireTables whether a database without tables is an error (a target to verify may have none) */
    public static SnapshotReader open(DatabaseUrl url, Options options, Clock clock, boolean requireTables)
            throws SQLException {
        return open(url, options, clock, requireTables, t -> true);
    }

    /** @param filter which of the tables the patterns match to read (a CDC source's include/exclude lists) */
    public static SnapshotReader open(DatabaseUrl url, Options options, Clock clock, boolean requireTables,
                                      java.util.function.Predicate<TableId> filter) throws SQLException {
        SourceDialect dialect = SourceDialect.of(url.kind());
        probe(url, dialect);
        int parallelism = options.get(SnapshotOptions.PARALLELISM);
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("snapshot-" + url.host() + "-" + url.database());
        cfg.setJdbcUrl(url.jdbcUrl());
        cfg.setDataSourceProperties(dialect.connectionProperties(url));
        if (dialect.sessionInitSql() != null) {
            cfg.setConnectionInitSql(dialect.sessionInitSql());
        }
        cfg.setMaximumPoolSize(parallelism + 2); // workers, the splitter, the consistent-snapshot coordinator
        cfg.setMinimumIdle(0);
        // The probe has just connected: Hikari's start-up check would open and close one more connection.
        cfg.setInitializationFailTimeout(-1);
        cfg.setAutoCommit(true);
        HikariDataSource pool = new HikariDataSource(cfg);
        try (Connection c = pool.getConnection()) {
            List<TableId> all = dialect.listTables(c, url);
            List<TableId> chosen = all.isEmpty() && !requireTables ? all
                    : match(all, options.find(SnapshotOptions.TABLES).orElse(List.of()), url).stream()
                    .filter(filter).toList();
            List<TableSchema> schemas = new ArrayList<>();
            Map<TableId, Long> estimates = new LinkedHashMap<>();
            for (TableId id : chosen) {
                schemas.add(dialect.describe(c, id));
                estimates.put(id, dialect.estimateRows(c, id));
            }
            LOG.info("Snapshot step 1 - {} table(s) of {}: {}", schemas.size(), url,
                    chosen.stream().map(TableId::table).collect(Collectors.joining(", ")));
            return new SnapshotReader(url, options, dialect, pool, schemas, estimates, clock);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** One plain connection first, so that a bad address or login is reported as such and at once. */
    private static void probe(DatabaseUrl url, SourceDialect dialect) {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), dialect.connectionProperties(url))) {
            c.isValid(5);
        } catch (SQLException e) {
            throw ConnectErrors.describe(url, e);
        }
    }

    static List<TableId> match(List<TableId> all, List<String> patterns, DatabaseUrl url) {
        if (patterns.isEmpty()) {
            if (all.isEmpty()) {
                throw new BadInputException(url + " has no tables to read: check the database"
                        + (url.kind() == DatabaseUrl.Kind.POSTGRESQL ? " and ?schema=" : ""));
            }
            return all;
        }
        List<TableId> out = new ArrayList<>();
        for (String p : patterns) {
            Pattern re = Pattern.compile(globRegex(p.strip()));
            List<TableId> hits = all.stream().filter(t -> re.matcher(t.table()).matches()
                    || re.matcher((t.schema() != null ? t.schema() : t.database()) + "." + t.table()).matches())
                    .toList();
            if (hits.isEmpty()) {
                String known = all.stream().limit(10).map(TableId::table).collect(Collectors.joining(", "));
                throw new BadInputException("--tables pattern '" + p.strip() + "' matches no table of " + url
                        + (all.isEmpty() ? " (it has none)" : "; tables there: " + known
                        + (all.size() > 10 ? ", ..." : "")));
            }
            hits.stream().filter(t -> !out.contains(t)).forEach(out::add);
        }
        return out;
    }

    /** A {@code --tables} glob ({@code *}, {@code ?}) as a regular expression, everything else literal. */
    public static String globRegex(String p) {
        StringBuilder re = new StringBuilder();
        for (char ch : p.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return re.toString();
    }

    public DatabaseUrl url() {
        return url;
    }

    /** The matched tables' shapes, in name order. */
    public List<TableSchema> tables() {
        return tables;
    }

    /** Counters per table, in {@link #tables()} order. */
    public List<TableStats> stats() {
        return List.copyOf(stats.values());
    }

    public TableStats stats(TableId table) {
        return stats.get(table);
    }

    /** The pooled source connections, for readers of single chunks ({@code verify}). */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Reads every chunk of every table on {@code parallelism} workers; {@code consumers} makes one consumer per worker
     * (argument: worker number). Blocks until done; rethrows the first worker failure.
     */
    public void run(IntFunction<ChunkConsumer> consumers) throws Exception {
        run(consumers, (table, chunks) -> { });
    }

    /** Told, under the splitter's lock, of the splitting: calls for one table come in hand-out order. */
    @FunctionalInterface
    public interface SplitListener {
        /** {@code table} is split completely: its last chunk was handed out, {@code chunks} in this run. */
        void tableSplit(TableSchema table, int chunks);

        /**
         * A chunk split anew is about to be handed out, before any worker reads it (chunks of a {@link Resume} read
         * again are not split anew). A record kept here therefore holds every chunk handed out before the last one
         * it holds.
         */
        default void chunkSplit(Chunk chunk) throws Exception {}
    }

    /**
     * Where an earlier, interrupted reading of a keyed table left off: {@code again}, chunks it handed out that must be
     * read again with their bounds and indexes, and {@code last}, the last chunk it handed out. Splitting goes on after
     * {@code last}'s upper bound with the next index, or not at all when {@code last} had no upper bound.
     */
    public record Resume(List<Chunk> again, Chunk last) {
        public Resume {
            again = List.copyOf(again);
            java.util.Objects.requireNonNull(last, "last");
        }
    }

    /** As {@link #run(IntFunction)}, telling {@code onSplit} how each table is split. */
    public void run(IntFunction<ChunkConsumer> consumers, SplitListener onSplit) throws Exception {
        run(consumers, onSplit, Map.of());
    }

    /**
     * As {@link #run(IntFunction, SplitListener)}, picking up the tables in {@code resume} where an earlier run left
     * off; the others are read whole.
     */
    public void run(IntFunction<ChunkConsumer> consumers, SplitListener onSplit, Map<TableId, Resume> resume)
            throws Exception {
        int parallelism = options.get(SnapshotOptions.PARALLELISM);
        boolean consistent = options.get(SnapshotOptions.CONSISTENT);
        long chunkRows = options.get(SnapshotOptions.CHUNK_ROWS);
        long chunkBytes = options.get(SnapshotOptions.CHUNK_BYTES);
        // Biggest tables first, so that the last chunks running are small ones.
        Deque<TableChunks> chunkers = new ArrayDeque<>();
        tables.stream().sorted(Comparator.comparingLong((TableSchema t) -> -stats.get(t.id()).estimatedRows()))
                .forEach(t -> chunkers.add(new TableChunks(t, new Chunker(dialect, t, chunkRows, chunkBytes,
                        consistent, stats.get(t.id()).estimatedRows()), resume.get(t.id()))));
        ChunkQueue queue = new ChunkQueue(chunkers, new SplitListener() {
            @Override
            public void tableSplit(TableSchema table, int chunks) {
                stats.get(table.id()).split(chunks); // chunks of this run, which TableStats.complete() counts
                onSplit.tableSplit(table, chunks);
            }

            @Override
            public void chunkSplit(Chunk chunk) throws Exception {
                onSplit.chunkSplit(chunk);
            }
        });

        // Workers of one consistent snapshot need their connections before it is taken; otherwise each worker
        // connects when it gets its first chunk: a load of a few small tables opens as many connections as it
        // uses, and the first chunk is read without waiting for every worker's connection.
        List<Connection> workerConnections = java.util.Collections.synchronizedList(new ArrayList<>());
        Connection coordinator = null;
        SourceDialect.ConsistentView view = null;
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "hstream-io-snapshot-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            if (consistent) {
                for (int i = 0; i < parallelism; i++) {
                    workerConnections.add(pool.getConnection());
                }
                coordinator = pool.getConnection();
                view = dialect.consistentView(coordinator, workerConnections);
                LOG.info("Snapshot step 3 - {} workers share one consistent snapshot of {}", parallelism, url);
            }
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < parallelism; i++) {
                Connection c = consistent ? workerConnections.get(i) : null;
                int worker = i;
                futures.add(workers.submit(() -> {
                    work(worker, c, workerConnections, queue, consumers, consistent, failure);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            workers.shutdownNow();
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("snapshot workers still running 30 s after the end of the snapshot");
            }
            if (view != null) {
                closeQuietly(view);
            }
            synchronized (workerConnections) {
                for (Connection c : workerConnections) {
                    endQuietly(c);
                }
            }
            if (coordinator != null) {
                endQuietly(coordinator);
            }
            queue.close();
        }
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** @param c the worker's connection, or null to take one from the pool (into {@code connections}) when needed */
    private void work(int worker, Connection c, List<Connection> connections, ChunkQueue queue,
                      IntFunction<ChunkConsumer> consumers, boolean consistent, AtomicReference<Throwable> failure) {
        try (ChunkConsumer consumer = consumers.apply(worker)) {
            while (failure.get() == null && !Thread.currentThread().isInterrupted()) {
                Chunk chunk = queue.next();
                if (chunk == null) {
                    break;
                }
                if (c == null) {
                    c = pool.getConnection();
                    connections.add(c); // ended by run(), after the workers
                }
                read(c, chunk, consumer, failure);
                if (!consistent && !c.getAutoCommit()) {
                    c.commit(); // ends the chunk's own snapshot (PostgreSQL cursor transaction)
                }
            }
        } catch (Throwable t) {
            if (!failure.compareAndSet(null, t)) {
                LOG.debug("worker {} failed after another one: {}", worker, t.toString());
            }
        }
    }

    private void read(Connection c, Chunk chunk, ChunkConsumer consumer, AtomicReference<Throwable> failure)
            throws Exception {
        TableSchema t = chunk.table();
        TableStats s = stats.get(t.id());
        s.started(System.nanoTime());
        if (!chunk.exact()) {
            s.note("at-least-once: no primary key");
        }
        int batchRows = options.get(SnapshotOptions.BATCH_ROWS);
        long batchBytes = options.get(SnapshotOptions.BATCH_BYTES);
        long bytes = 0;
        long n = 0;
        LOG.debug("Snapshot step 4 - reading {}", chunk);
        consumer.beforeRead(c, chunk);
        try (PreparedStatement ps = c.prepareStatement(selectSql(t, chunk), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            dialect.stream(c, ps, options.get(SnapshotOptions.FETCH_SIZE));
            KeyRanges.bindBounds(dialect, ps, t, chunk);
            SourceDialect.ValueReader[] readers = t.columns().stream().map(dialect::reader)
                    .toArray(SourceDialect.ValueReader[]::new);
            java.util.function.ToLongFunction<Row> size = RowSize.of(t);
            try (ResultSet rs = ps.executeQuery()) {
                List<Row> batch = new ArrayList<>(batchRows);
                while (rs.next()) {
                    Object[] values = new Object[readers.length];
                    for (int i = 0; i < readers.length; i++) {
                        values[i] = readers[i].read(rs, i + 1);
                    }
                    Row row = Row.trusted(values);
                    batch.add(row);
                    bytes += size.applyAsLong(row);
                    if (batch.size() >= batchRows || bytes >= batchBytes) {
                        bytes = 0;
                        n += batch.size();
                        s.addRead(batch.size());
                        consumer.rows(chunk, batch);
                        batch = new ArrayList<>(batchRows);
                        if (failure.get() != null) {
                            return; // another worker failed: stop reading
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    n += batch.size();
                    s.addRead(batch.size());
                    consumer.rows(chunk, batch);
                }
            }
        }
        consumer.afterRead(c, chunk);
        consumer.chunkDone(chunk, n);
        s.finished(System.nanoTime());
    }

    /** The SELECT of one chunk (parameters: the chunk's bounds). */
    public String selectSql(TableSchema t, Chunk chunk) {
        String cols = t.columns().stream().map(dialect::selectColumn).collect(Collectors.joining(", "));
        return "SELECT " + cols + " FROM " + dialect.qualify(t.id()) + " WHERE "
                + KeyRanges.where(dialect, chunk, t.primaryKey());
    }

    /**
     * Streams the rows of {@code table} in {@code chunk}'s range to {@code action} (for {@code verify});
     * {@code table} may be another database's table with the same key column names.
     */
    public void forEachRow(Connection c, TableSchema table, Chunk chunk, java.util.function.Consumer<Row> action)
            throws SQLException {
        Chunk onTable = new Chunk(table, chunk.index(), chunk.lower(), chunk.upper(), chunk.rowRange(),
                chunk.exact());
        try (PreparedStatement ps = c.prepareStatement(selectSql(table, onTable), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            dialect.stream(c, ps, options.get(SnapshotOptions.FETCH_SIZE));
            KeyRanges.bindBounds(dialect, ps, table, onTable);
            each(ps, table, action);
        } finally {
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** The rows of {@code table} in {@code chunk}'s range, in memory (one chunk's worth). */
    public List<Row> readRange(Connection c, TableSchema table, Chunk chunk) throws SQLException {
        List<Row> out = new ArrayList<>();
        forEachRow(c, table, chunk, out::add);
        return out;
    }

    /** The rows of {@code table} with the given primary-key values (batched IN lists). */
    public List<Row> readKeys(Connection c, TableSchema table, List<Object[]> keys) throws SQLException {
        List<Row> out = new ArrayList<>();
        List<String> pk = table.primaryKey();
        String cols = table.columns().stream().map(dialect::selectColumn).collect(Collectors.joining(", "));
        String tuple = pk.size() == 1 ? dialect.quote(pk.get(0))
                : "(" + pk.stream().map(dialect::quote).collect(Collectors.joining(", ")) + ")";
        String one = pk.size() == 1 ? "?" : "(" + String.join(", ", java.util.Collections.nCopies(pk.size(), "?"))
                + ")";
        int batch = 500;
        for (int from = 0; from < keys.size(); from += batch) {
            List<Object[]> slice = keys.subList(from, Math.min(keys.size(), from + batch));
            String sql = "SELECT " + cols + " FROM " + dialect.qualify(table.id()) + " WHERE " + tuple + " IN ("
                    + String.join(", ", java.util.Collections.nCopies(slice.size(), one)) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (Object[] k : slice) {
                    p = KeyRanges.bindKey(dialect, ps, p, k);
                }
                each(ps, table, out::add);
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return out;
    }

    /** {@code SELECT COUNT(*)} of a table. */
    public long count(Connection c, TableSchema table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + dialect.qualify(table.id()));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } finally {
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private void each(PreparedStatement ps, TableSchema table, java.util.function.Consumer<Row> action)
            throws SQLException {
        SourceDialect.ValueReader[] readers = table.columns().stream().map(dialect::reader)
                .toArray(SourceDialect.ValueReader[]::new);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object[] values = new Object[readers.length];
                for (int i = 0; i < readers.length; i++) {
                    values[i] = readers[i].read(rs, i + 1);
                }
                action.accept(Row.trusted(values));
            }
        }
    }

    /** Every chunk of {@code table}, computed at once (for {@code verify}, which walks one table at a time). */
    public List<Chunk> chunks(TableSchema table) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return new Chunker(dialect, table, options.get(SnapshotOptions.CHUNK_ROWS),
                    options.get(SnapshotOptions.CHUNK_BYTES), true,
                    stats.get(table.id()).estimatedRows()).all(c);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void closeQuietly(SourceDialect.ConsistentView v) {
        try {
            v.close();
        } catch (SQLException e) {
            LOG.debug("ending the consistent snapshot: {}", e.toString());
        }
    }

    private static void endQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback(); // read-only work: nothing to keep
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.debug("ending a snapshot transaction: {}", e.toString());
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a snapshot connection: {}", e.toString());
        }
    }

    /** One table's chunks: those of a {@link Resume} to read again first, then the splitter's (none when covered). */
    private static final class TableChunks {
        private final TableSchema table;
        private final Deque<Chunk> again;
        private final Chunker chunker;

        TableChunks(TableSchema table, Chunker chunker, Resume resume) {
            this.table = table;
            if (resume == null) {
                this.again = new ArrayDeque<>();
                this.chunker = chunker;
            } else {
                this.again = new ArrayDeque<>(resume.again());
                Chunk last = resume.last();
                this.chunker = last.upper() == null ? null : chunker.resumeAfter(last.upper(), last.index() + 1);
            }
        }

        /** The next chunk, or null when the table is covered. */
        Chunk next(Connection splitter) throws SQLException {
            if (!again.isEmpty()) {
                return again.poll();
            }
            return chunker == null ? null : chunker.next(splitter);
        }

        /** Whether the next chunk is split anew rather than read again. */
        boolean splitsAnew() {
            return again.isEmpty();
        }
    }

    /** Hands out chunks table after table, splitting lazily under one lock on one connection of its own. */
    private final class ChunkQueue {
        private final Deque<TableChunks> chunkers;
        private final SplitListener onSplit;
        private Connection splitter;
        private int handedOut;

        ChunkQueue(Deque<TableChunks> chunkers, SplitListener onSplit) {
            this.chunkers = chunkers;
            this.onSplit = onSplit;
        }

        synchronized Chunk next() throws Exception {
            while (!chunkers.isEmpty()) {
                if (splitter == null) {
                    splitter = pool.getConnection();
                }
                TableChunks t = chunkers.peek();
                boolean anew = t.splitsAnew();
                Chunk c = t.next(splitter);
                if (c != null) {
                    if (anew) {
                        onSplit.chunkSplit(c);
                    }
                    handedOut++;
                    return c;
                }
                onSplit.tableSplit(chunkers.poll().table, handedOut);
                handedOut = 0;
            }
            return null;
        }

        synchronized void close() {
            if (splitter != null) {
                endQuietly(splitter);
                splitter = null;
            }
        }
    }
}

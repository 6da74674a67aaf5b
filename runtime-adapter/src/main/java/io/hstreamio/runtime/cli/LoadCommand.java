package io.hstreamio.runtime.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.JdbcSinkWriter;
import io.hstreamio.sink.SinkException;
import io.hstreamio.sink.SinkSettings;
import io.hstreamio.sink.TableMapping;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.PostgresDialect;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.snapshot.BadInputException;
import io.hstreamio.snapshot.Chunk;
import io.hstreamio.snapshot.ChunkConsumer;
import io.hstreamio.snapshot.ConnectErrors;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.LoadReport;
import io.hstreamio.snapshot.SnapshotOptions;
import io.hstreamio.snapshot.SnapshotReader;
import io.hstreamio.snapshot.TableStats;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code load}: a one-shot copy of tables from a MySQL/MariaDB or PostgreSQL database into a PostgreSQL or
 * MySQL/MariaDB database: the chunked parallel snapshot straight into the JDBC sink's bulk path (COPY into
 * PostgreSQL), tables created by the sink's schema planner. No CDC privileges needed.
 *
 * <p>Exit codes: 0 done, 1 failed while running, 2 bad usage or configuration, 3 {@code --verify} found differences.
 */
@Command(name = "load",
        description = {"Copies tables once: a chunked, parallel snapshot of the source written into the target "
                + "(created when missing). Each chunk is consistent; --consistent reads all chunks from one snapshot.",
                "URLs: mysql://user:pass@host:3306/db, mariadb://..., postgresql://user@host:5432/db?schema=s, or "
                        + "JDBC URLs of those.",
                "Exit codes: 0 done, 1 failed while running, 2 bad usage or configuration, 3 --verify found "
                        + "differences."})
final class LoadCommand implements Callable<Integer> {
    static final int EXIT_DIFFERENCES = 3;
    /** How often bars are redrawn; plain lines come every --progress-interval. */
    static final long BARS_EVERY_MILLIS = 250;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, description = "Source database URL.")
    String from;

    @Option(names = "--to", required = true, description = "Target database URL.")
    String to;

    @Option(names = "--tables", split = ",",
            description = "Comma-separated table names or globs (* ?), e.g. 'orders,customer_*'. Default: all.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Chunks read at the same time (default: this machine's cores, at least 2, at most 8).")
    Integer parallelismOption;

    @Option(names = "--writers", paramLabel = "N",
            description = "Target connections writing at the same time (default: half this machine's cores, at least "
                    + "1, at most --parallelism). Concurrent COPY streams into one table cost the target more CPU than "
                    + "they save unless it has cores to spare.")
    Integer writerCount;

    @Option(names = "--chunk-rows", defaultValue = "50000",
            description = "Rows per chunk, the unit of parallel work (and of commit into MySQL/MariaDB) (default: "
                    + "${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--chunk-bytes", defaultValue = "64MB", paramLabel = "SIZE",
            description = "Estimated source bytes per chunk: tables with wide rows get chunks of fewer than "
                    + "--chunk-rows rows (default: ${DEFAULT-VALUE}).")
    String chunkBytes;

    @Option(names = "--consistent", description = "Read all chunks from one consistent snapshot of the source.")
    boolean consistent;

    @Option(names = "--verify", description = "Afterwards compare source and target chunk by chunk; exit 3 on "
            + "differences.")
    boolean verify;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "Progress on stderr: " + ProgressMode.DESCRIPTION + " (default: ${DEFAULT-VALUE}).")
    String progress;

    @Option(names = "--progress-interval", defaultValue = "5s", hidden = true)
    String progressInterval;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return load(out, err);
        } catch (BadInputException | io.hstreamio.core.options.OptionException e) {
            err.println("error: " + Errors.oneLine(e));
            err.flush();
            return HStreamIoCli.EXIT_USAGE;
        }
    }

    private int load(PrintWriter out, PrintWriter err) throws Exception {
        ProgressMode progressMode = ProgressMode.parse(progress);
        DatabaseUrl source = DatabaseUrl.parse("--from", from);
        DatabaseUrl target = DatabaseUrl.parse("--to", to);
        int cores = Runtime.getRuntime().availableProcessors();
        int parallelism = parallelismOption != null ? parallelismOption : readers(cores);
        Options options = snapshotOptions(tables, parallelism, chunkRows, ByteSize.parse("--chunk-bytes", chunkBytes),
                consistent);
        int writerN = writers(writerCount, parallelism, cores);
        Clock clock = Clock.systemUTC();
        Instant start = clock.instant();
        // The target is connected to and checked while the source's catalog is read: start-up is serial, and each
        // side is a few round trips.
        TargetOpening opening = new TargetOpening(target, writerN + 1);
        try (opening; SnapshotReader reader = SnapshotReader.open(source, options, clock);
             HikariDataSource targetPool = opening.pool()) {
            List<TableSchema> schemas = reader.tables();
            SinkSettings settings = Targets.settings(target);
            List<JdbcSinkWriter> writers = new ArrayList<>();
            for (int i = 0; i < writerN; i++) {
                JdbcSinkWriter w = new JdbcSinkWriter(targetPool, settings);
                w.open();
                if (i == 0) {
                    try {
                        w.prepare(schemas); // creates the missing tables
                    } catch (SinkException e) {
                        throw Targets.describe(target, e);
                    }
                } else {
                    w.prepareLike(writers.get(0)); // the same tables, without reading the catalog again
                }
                writers.add(w);
            }
            err.printf("load: %d table(s) from %s to %s, %d readers, %d writer(s)%s%n", schemas.size(), source,
                    target, parallelism, writerN, consistent ? ", one consistent snapshot" : "");
            err.flush();
            Throwable failure = null;
            try (LiveProgress live = LiveProgress.open(progressMode, err, err, clock)) {
                ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "hstream-io-load-progress");
                    t.setDaemon(true);
                    return t;
                });
                long every = live.bars() ? BARS_EVERY_MILLIS : parseMillis(progressInterval);
                if (!live.silent()) {
                    progress.scheduleAtFixedRate(() -> {
                        if (live.bars()) {
                            live.update(bars(reader.stats()), List.of());
                        } else {
                            live.line(LoadReport.progressLine(reader.stats(), Duration.between(start,
                                    clock.instant())));
                        }
                    }, live.bars() ? 0 : every, every, TimeUnit.MILLISECONDS);
                }
                try (LoadWriters shared = new LoadWriters(writers, reader, commitRows(target, chunkRows))) {
                    reader.run(worker -> shared.consumer());
                    shared.finish();
                    writers.get(0).resetIdentities(); // writer 0 prepared every table
                } catch (Exception e) {
                    failure = e;
                } finally {
                    progress.shutdownNow();
                    progress.awaitTermination(5, TimeUnit.SECONDS);
                }
                live.finish(bars(reader.stats()), List.of()); // the final state, once, before any error
            }
            Duration took = Duration.between(start, clock.instant());
            LoadReport.summary(out, reader.stats(), took);
            if (failure != null) {
                err.println("error: load failed: " + Errors.oneLine(failure));
                err.flush();
                return HStreamIoCli.EXIT_FAILED;
            }
            if (verify) {
                return VerifyCommand.verify(reader, target, options, out) ? 0 : EXIT_DIFFERENCES;
            }
            return 0;
        }
    }

    static Options snapshotOptions(List<String> tables, int parallelism, int chunkRows, boolean consistent) {
        return snapshotOptions(tables, parallelism, chunkRows, SnapshotOptions.CHUNK_BYTES.defaultValue().orElseThrow(),
                consistent);
    }

    static Options snapshotOptions(List<String> tables, int parallelism, int chunkRows, long chunkBytes,
            boolean consistent) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("chunk.bytes", chunkBytes);
        if (tables != null && !tables.isEmpty()) {
            raw.put("tables", tables);
        }
        raw.put("parallelism", parallelism);
        raw.put("chunk.rows", chunkRows);
        raw.put("consistent", consistent);
        return SnapshotOptions.parse(raw);
    }

    /** Per table for the bars: rows written (committed in the target) of the server's estimate. */
    static List<ProgressBars.Item> bars(List<TableStats> stats) {
        List<ProgressBars.Item> items = new ArrayList<>(stats.size());
        for (TableStats t : stats) {
            items.add(new ProgressBars.Item(t.table().toString(), t.written(), t.estimatedRows(), t.complete()));
        }
        return items;
    }

    private static long parseMillis(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        if (t.endsWith("s")) {
            return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
        }
        return Long.parseLong(t);
    }

    /**
     * Rows per target transaction. PostgreSQL pays per COPY statement and commit, not for a transaction's size; a
     * MySQL/MariaDB transaction keeps undo and binlog cache for every row it holds, so there a chunk stays the unit.
     */
    static long commitRows(DatabaseUrl target, long chunkRows) {
        return target.kind() == DatabaseUrl.Kind.POSTGRESQL ? Math.max(chunkRows, 1_000_000) : chunkRows;
    }

    /**
     * --parallelism's default: a reader per core decodes and encodes as fast as the cores allow; more only interleave
     * more key ranges into the writers' COPY streams, which costs PostgreSQL index work (1M rows on 2 cores: 2.8-2.9 s
     * with 2 readers, 2.9-3.5 s with 4).
     */
    static int readers(int cores) {
        return Math.max(2, Math.min(8, cores));
    }

    /** --writers, or its default: half the cores (at least 1), never more than the readers. */
    static int writers(Integer requested, int parallelism, int cores) {
        if (requested != null) {
            if (requested < 1) {
                throw new BadInputException("--writers must be at least 1, got " + requested);
            }
            return Math.min(requested, parallelism);
        }
        return Math.max(1, Math.min(parallelism, cores / 2));
    }

    /**
     * The target pool being opened and checked ({@link Targets#open}, {@link Targets#checkWritable}) on a thread of
     * its own. {@link #pool} hands it over (or rethrows what failed); {@link #close} closes a pool never handed over.
     */
    static final class TargetOpening implements AutoCloseable {
        private final java.util.concurrent.FutureTask<HikariDataSource> task;
        private HikariDataSource opened;
        private boolean abandoned;
        private boolean handedOver;

        TargetOpening(DatabaseUrl target, int size) {
            task = new java.util.concurrent.FutureTask<>(() -> {
                HikariDataSource pool = Targets.open(target, size);
                try {
                    Targets.checkWritable(target, pool);
                } catch (Exception | Error e) {
                    pool.close();
                    throw e;
                }
                synchronized (this) {
                    if (abandoned) { // the load failed on the source side meanwhile
                        pool.close();
                        return null;
                    }
                    opened = pool;
                }
                return pool;
            });
            Thread t = new Thread(task, "hstream-io-load-target-open");
            t.setDaemon(true);
            t.start();
        }

        HikariDataSource pool() throws Exception {
            try {
                HikariDataSource pool = task.get();
                synchronized (this) {
                    handedOver = true;
                }
                return pool;
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception x) {
                    throw x;
                }
                throw e;
            }
        }

        /** Without waiting: a pool still being opened is closed by its thread once open. */
        @Override
        public synchronized void close() {
            abandoned = true;
            if (opened != null && !handedOver) {
                opened.close();
            }
        }
    }

    /** Target connections, checks and settings, shared with {@code verify}. */
    static final class Targets {
        private Targets() {}

        static SqlDialect dialect(DatabaseUrl url) {
            return url.kind() == DatabaseUrl.Kind.POSTGRESQL ? PostgresDialect.INSTANCE : MySqlDialect.INSTANCE;
        }

        static String jdbcUrl(DatabaseUrl url) {
            // As the sinks connect: multi-row rewrites for PostgreSQL, bulk statements for MariaDB, and no row values
            // in driver messages (which the pool logs when it evicts a connection).
            return url.jdbcUrl() + (url.kind() == DatabaseUrl.Kind.POSTGRESQL
                    ? "?reWriteBatchedInserts=true&logServerErrorDetail=false"
                    : "?useBulkStmts=true&dumpQueriesOnException=false");
        }

        static HikariDataSource open(DatabaseUrl url, int size) {
            Properties p = new Properties();
            if (url.user() != null) {
                p.setProperty("user", url.user());
            }
            if (url.password() != null) {
                p.setProperty("password", url.password());
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl(url), p)) {
                c.isValid(5);
            } catch (SQLException e) {
                throw ConnectErrors.describe(url, e);
            }
            HikariConfig cfg = new HikariConfig();
            cfg.setPoolName("load-target-" + url.host() + "-" + url.database());
            cfg.setJdbcUrl(jdbcUrl(url));
            cfg.setDataSourceProperties(p);
            cfg.setConnectionInitSql(dialect(url).sessionInitSql());
            cfg.setMaximumPoolSize(size);
            cfg.setMinimumIdle(0);
            // Connected just above: Hikari's start-up check would open and close one more connection.
            cfg.setInitializationFailTimeout(-1);
            return new HikariDataSource(cfg);
        }

        /** Where the target's tables are: PostgreSQL's schema, MySQL/MariaDB's database. */
        static String schema(DatabaseUrl url) {
            return url.kind() == DatabaseUrl.Kind.POSTGRESQL ? url.schema() : url.database();
        }

        static SinkSettings settings(DatabaseUrl url) {
            return SinkSettings.defaults(dialect(url), "load", TableMapping.all(schema(url))).withoutCheckpoints();
        }

        /** Fails with one line when the target is read-only or its schema is missing or closed to this user. */
        static void checkWritable(DatabaseUrl url, HikariDataSource pool) throws SQLException {
            try (Connection c = pool.getConnection()) {
                if (url.kind() == DatabaseUrl.Kind.POSTGRESQL) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('transaction_read_only'), "
                            + "pg_is_in_recovery(), (SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n "
                            + "WHERE n.nspname = ?)")) {
                        ps.setString(1, url.schema());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if ("on".equals(rs.getString(1)) || rs.getBoolean(2)) {
                                throw new BadInputException("target " + url + " is read-only (a standby, or "
                                        + "default_transaction_read_only is on): point --to at a writable database");
                            }
                            boolean create = rs.getBoolean(3);
                            if (rs.wasNull()) {
                                throw new BadInputException("schema '" + url.schema() + "' does not exist in target "
                                        + url + ": create it (CREATE SCHEMA " + url.schema() + ") or name another "
                                        + "with ?schema=");
                            }
                            if (!create) {
                                throw new BadInputException("user " + url.user() + " may not create tables in schema '"
                                        + url.schema() + "' of " + url + ": GRANT CREATE ON SCHEMA " + url.schema()
                                        + " TO " + url.user() + ", or use another user");
                            }
                        }
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement("SELECT @@read_only");
                         ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) != 0) {
                            throw new BadInputException("target " + url + " is read-only (read_only=ON): point --to "
                                    + "at a writable server");
                        }
                    }
                }
            }
        }

        /** A failed table preparation: permissions and read-only targets are the user's to fix (exit 2). */
        static RuntimeException describe(DatabaseUrl url, SinkException e) {
            Throwable c = e.getCause();
            if (c instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().equals("42501") || s.getSQLState().equals("25006")
                    || s.getErrorCode() == 1142 || s.getErrorCode() == 1290)) {
                return new BadInputException("target " + url + " is not writable for this load (" + e.getMessage()
                        + "): grant the user CREATE and INSERT there, or point --to elsewhere", e);
            }
            if (!e.retriable() && c == null) {
                // The planner's verdicts: an existing table of another shape, or creation switched off.
                return new BadInputException(e.getMessage() + " (target " + url + "; drop or rename that table, or "
                        + "load into another schema)", e);
            }
            return e;
        }
    }
}

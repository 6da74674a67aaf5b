package io.hstreamio.cdc;

import io.hstreamio.cdc.internal.DebeziumCapture;
import io.hstreamio.cdc.internal.Dialect;
import io.hstreamio.cdc.internal.KvOffsetBackingStore;
import io.hstreamio.cdc.internal.Preflight;
import io.hstreamio.cdc.internal.SnapshotHandOff;
import io.hstreamio.cdc.internal.StartPosition;
import io.hstreamio.cdc.internal.StoredPositionGuard;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.SourceTask;
import io.hstreamio.core.record.TableId;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CDC source task: one Debezium engine whose offsets and schema history live in the task's key/value store.
 *
 * <p>Threads as {@link SourceTask} says: {@code start}, {@code poll} and {@code committed} on the task thread,
 * {@code stop} from any thread. The engine has its own thread inside {@link DebeziumCapture}.
 *
 * <p>Resuming: Debezium's own offsets in the key/value store are the resume point; they advance only through
 * {@link #committed}, so they never run ahead of the stream.
 */
public final class CdcSourceTask implements SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(CdcSourceTask.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(500);
    static final String ZERO_DATES_METRIC = "zero_dates";
    /** The binlog client logs through java.util.logging; route just that logger to SLF4J (kept to stay configured). */
    private static final java.util.logging.Logger BINLOG_CLIENT_LOG = bridge("com.github.shyiko.mysql.binlog");

    private final String kind;
    private volatile DebeziumCapture capture;
    private SourceContext context;
    private long zeroDatesReported;
    private volatile Dialect dialect;
    private volatile SnapshotHandOff handOff;

    private static java.util.logging.Logger bridge(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setUseParentHandlers(false);
        l.addHandler(new org.slf4j.bridge.SLF4JBridgeHandler());
        return l;
    }

    CdcSourceTask(String kind) {
        this.kind = kind;
    }

    @Override
    public void start(Options options, SourceContext context) throws Exception {
        this.context = context;
        CdcConfig config = CdcOptions.toConfig(context.taskId(), kind, options);
        dialect = Preflight.check(config);
        StoredPositionGuard.check(config, context.state(), options.get(CdcOptions.ON_POSITION_LOST));
        LOG.info("CDC source {} ({}) starting: {}", config.name(), dialect, config);
        java.util.Optional<String> startAt = dialect.isBinlog() ? options.find(CdcOptions.START_POSITION)
                : java.util.Optional.empty();
        if (startAt.isPresent()) {
            // A chosen position replaces any snapshot: the first start rebuilds the schema history from the tables.
            boolean first = StartPosition.applyIfFirstStart(config, dialect, context.state(), startAt.get());
            if (first) {
                // A file the server no longer has (or never had) fails here, in one line, not in the engine.
                StoredPositionGuard.check(config, context.state(), StoredPositionGuard.OnLost.FAIL);
                LOG.info("CDC source {}: first start, reading the binlog from {}", config.name(), startAt.get());
            }
            CdcConfig engine = withSnapshotMode(config, first ? "recovery" : "no_data", config.extra());
            DebeziumCapture c = DebeziumCapture.forConfig(engine, dialect, context.state());
            capture = c;
            c.start();
            return;
        }
        if (!"parallel".equals(config.snapshotMode())) {
            DebeziumCapture c = DebeziumCapture.forConfig(config, dialect, context.state());
            capture = c;
            c.start();
            return;
        }
        if (context.state().get(KvOffsetBackingStore.KEY).isEmpty()) {
            SnapshotHandOff.forget(context.state()); // no stream position: any earlier snapshot progress is void
        }
        SnapshotHandOff h = new SnapshotHandOff(config.name(), snapshotUrl(config, dialect),
                snapshotOptions(config, options), captured(config, dialect), context.state(), Clock.systemUTC(),
                context.metrics());
        DebeziumCapture c = DebeziumCapture.forConfig(streamOnly(config, dialect), dialect, context.state());
        if (!h.complete()) {
            c.engineListener(h);
            h.shapes(c::announced);
        }
        handOff = h;
        capture = c;
        c.start();
        h.start();
    }

    /**
     * The engine of a parallel snapshot streams only, from now; it reads its schema without a lock and reports its
     * position often (server heartbeats on an idle binlog), so that chunks waiting for the stream go out promptly.
     */
    private static CdcConfig streamOnly(CdcConfig c, Dialect dialect) {
        Map<String, String> extra = new HashMap<>();
        extra.put("heartbeat.interval.ms", "500");
        if (dialect.isBinlog()) {
            extra.put("snapshot.locking.mode", "none");
            // Server heartbeats every 8 s (0.8 x this) move an idle stream past chunks read after a burst of writes;
            // one is enough, since on an idle server every later chunk's position equals it. (Chunks read before
            // any write go out at once: the hand-off knows the stream starts at their position.) Not lower: the client counts
            // a silence this long as a lost connection, and a MariaDB server locating a GTID start in a large
            // binlog file is silent for seconds, which at 1 s became an endless reconnect loop.
            extra.put("connect.keep.alive.interval.ms", "10000");
        }
        extra.putAll(c.extra());
        return withSnapshotMode(c, "no_data", extra);
    }

    private static CdcConfig withSnapshotMode(CdcConfig c, String mode, Map<String, String> extra) {
        return new CdcConfig(c.name(), c.kind(), c.host(), c.port(), c.user(), c.password(), c.database(), c.tables(),
                c.tableIncludeList(), c.tableExcludeList(), c.serverTimeZone(), mode, c.captureNewTables(), extra);
    }

    private static DatabaseUrl snapshotUrl(CdcConfig c, Dialect dialect) {
        if (dialect.isBinlog()) {
            return new DatabaseUrl(dialect == Dialect.MARIADB ? DatabaseUrl.Kind.MARIADB : DatabaseUrl.Kind.MYSQL,
                    c.host(), c.port(), c.user(), c.password(), c.database(), null);
        }
        String schema = c.tables().stream().filter(t -> t.contains(".")).map(t -> t.substring(0, t.indexOf('.')))
                .findFirst().orElse("public");
        return new DatabaseUrl(DatabaseUrl.Kind.POSTGRESQL, c.host(), c.port(), c.user(), c.password(),
                c.database(), schema);
    }

    private static io.hstreamio.core.options.Options snapshotOptions(CdcConfig c, Options options) {
        Map<String, Object> raw = new HashMap<>();
        raw.put(SnapshotOptions.PARALLELISM.name(), options.get(CdcOptions.SNAPSHOT_PARALLELISM));
        raw.put(SnapshotOptions.CHUNK_ROWS.name(), options.get(CdcOptions.SNAPSHOT_CHUNK_ROWS));
        raw.put(SnapshotOptions.CHUNK_BYTES.name(), options.get(CdcOptions.SNAPSHOT_CHUNK_BYTES));
        raw.put(SnapshotOptions.BATCH_ROWS.name(), Math.min(10_000, options.get(CdcOptions.SNAPSHOT_CHUNK_ROWS)));
        if (!c.tables().isEmpty()) {
            raw.put(SnapshotOptions.TABLES.name(), String.join(",", c.tables()));
        }
        return SnapshotOptions.parse(raw);
    }

    /** The tables the stream captures, as Debezium's include and exclude expressions decide. */
    private static Predicate<TableId> captured(CdcConfig c, Dialect dialect) {
        List<Pattern> include = c.tableIncludeList().stream()
                .map(r -> Pattern.compile(r, Pattern.CASE_INSENSITIVE)).toList();
        List<Pattern> exclude = c.tableExcludeList().stream()
                .map(r -> Pattern.compile(r, Pattern.CASE_INSENSITIVE)).toList();
        return t -> {
            String name = (dialect.isBinlog() ? t.database() : t.schema()) + "." + t.table();
            boolean in = include.isEmpty() || !c.tables().isEmpty()
                    || include.stream().anyMatch(p -> p.matcher(name).matches());
            return in && exclude.stream().noneMatch(p -> p.matcher(name).matches());
        };
    }

    /** The dialect chosen at start (a {@code mysql} source on MariaDB reads it as MariaDB); null before start. */
    Dialect dialect() {
        return dialect;
    }

    @Override
    public List<ChangeEvent> poll() throws Exception {
        SnapshotHandOff h = handOff;
        List<ChangeEvent> events = h != null ? h.poll(capture, POLL_WAIT) : capture.poll(POLL_WAIT);
        long zero = capture.zeroDates();
        if (zero > zeroDatesReported) {
            context.metrics().increment(ZERO_DATES_METRIC, zero - zeroDatesReported);
            zeroDatesReported = zero;
        }
        return events;
    }

    @Override
    public void committed(SourcePosition position) {
        SnapshotHandOff h = handOff;
        if (h != null) {
            h.committed(position);
        }
        try {
            capture.committed(position);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        SnapshotHandOff h = handOff;
        if (h != null) {
            h.close();
        }
        DebeziumCapture c = capture;
        if (c != null) {
            c.stop();
        }
    }
}

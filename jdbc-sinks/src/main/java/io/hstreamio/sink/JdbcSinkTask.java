package io.hstreamio.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.task.RetriableException;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.core.task.UnavailableException;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.TableRef;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC sink task: {@link #write} buffers in a {@link JdbcSinkWriter}, {@link #flush} commits the buffered changes
 * together with the stream checkpoint they reach. {@code start}, {@code write} and {@code flush} run on the task
 * thread; {@code stop} may come from any thread and closes the pool (a running flush then fails and rolls back).
 *
 * <p>Cutover: a stop on the task thread after a successful last flush (the runner's graceful end: PAUSE, DROP, a
 * clean stop of {@code sync}) first moves the identity sequences of the tables this task wrote past their highest
 * key, so rows inserted at the target afterwards get fresh keys. Skipped where the counter follows written keys by
 * itself (MySQL/MariaDB), after a failure (the target may be gone; {@code hstream-io reset-sequences} does it later),
 * and from other threads (a flush may be running there).
 */
final class JdbcSinkTask implements SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSinkTask.class);

    private final JdbcSinkConnector connector;
    private volatile HikariDataSource pool;
    private JdbcSinkWriter writer;
    private SinkContext context;
    private boolean dryRun;
    /** "postgresql target host:port/database", for messages; never the password. */
    private String target;
    private Thread taskThread;
    /** The last write or flush succeeded: the target is reachable and holds everything flushed. */
    private boolean healthy = true;

    JdbcSinkTask(JdbcSinkConnector connector) {
        this.connector = connector;
    }

    @Override
    public void start(Options o, SinkContext context) {
        this.context = context;
        this.taskThread = Thread.currentThread();
        String database = o.get(JdbcSinkConnector.DATABASE);
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("sink-" + connector.name() + "-" + context.taskId());
        cfg.setJdbcUrl(connector.jdbcUrl(o.get(JdbcSinkConnector.HOST), o.get(connector.port()), database));
        cfg.setUsername(o.get(JdbcSinkConnector.USER));
        o.find(JdbcSinkConnector.PASSWORD).ifPresent(cfg::setPassword);
        cfg.setConnectionInitSql(connector.dialect().sessionInitSql());
        cfg.setMaximumPoolSize(2);
        cfg.setAutoCommit(true);
        // While the target is down each attempt waits this long for a connection; short enough that the retry's
        // connection.retry.timeout is kept to within seconds, long enough for a busy server to accept.
        cfg.setConnectionTimeout(10_000);
        // Fail start only on bad settings; an unreachable server shows up as a retriable error on first use.
        cfg.setInitializationFailTimeout(-1);

        String schema = o.find(JdbcSinkConnector.SCHEMA)
                .orElse(connector.dialect() instanceof io.hstreamio.sink.dialect.MySqlDialect ? database : null);
        TableMapping mapping = new TableMapping(schema,
                patterns(o.find(JdbcSinkConnector.TABLE_INCLUDE).orElse(List.of())),
                patterns(o.find(JdbcSinkConnector.TABLE_EXCLUDE).orElse(List.of())),
                TableMapping.parseRenames(o.find(JdbcSinkConnector.TABLE_MAPPING).orElse(List.of())),
                o.find(JdbcSinkConnector.TABLE).orElse(null));
        MappingOptions mo = new MappingOptions(o.get(JdbcSinkConnector.TINYINT1_AS_BOOLEAN),
                o.get(JdbcSinkConnector.ENUM_MODE));
        int batch = o.find(ToolkitOptions.BATCH_MAX_RECORDS).orElse(5000);
        dryRun = o.get(JdbcSinkConnector.DRY_RUN);
        SinkSettings settings = new SinkSettings(connector.dialect(), context.taskId(), mapping, mo,
                o.get(JdbcSinkConnector.CHECKPOINT_SCHEMA), o.get(JdbcSinkConnector.CREATE_TABLES), dryRun,
                Math.max(batch * 10, 50_000), batch, o.get(JdbcSinkConnector.COPY_THRESHOLD),
                o.get(JdbcSinkConnector.SCHEMA_DROP_COLUMNS), o.get(JdbcSinkConnector.SCHEMA_DROP_TABLES));
        target = connector.name() + " target " + o.get(JdbcSinkConnector.HOST) + ":" + o.get(connector.port()) + "/"
                + database;
        pool = new HikariDataSource(cfg);
        writer = new JdbcSinkWriter(pool, settings);
        run(writer::open);
        LOG.info("{} sink task {} started on {}{}", connector.name(), context.taskId(), cfg.getJdbcUrl(),
                dryRun ? " (dry run: nothing is written)" : "");
    }

    @Override
    public void write(List<SinkRecord> records) {
        long before = writer.skipped();
        run(() -> writer.write(records));
        context.metrics().increment("records_already_applied", writer.skipped() - before);
    }

    @Override
    public void flush() {
        long before = writer.appliedRecords();
        run(writer::flush);
        // The runner counts records in and delivered; this is the sink's own view: rows changed in the target.
        context.metrics().increment("records_applied", writer.appliedRecords() - before);
    }

    @Override
    public void stop() {
        HikariDataSource p = pool;
        if (p == null) {
            return;
        }
        try {
            if (Thread.currentThread() == taskThread && healthy && !dryRun
                    && !connector.dialect().identityFollowsExplicitValues()) {
                resetIdentities();
            }
        } finally {
            p.close();
        }
    }

    private void resetIdentities() {
        try {
            Map<TableRef, Long> next = writer.resetIdentities();
            if (!next.isEmpty()) {
                LOG.info("{} sink task {} stopping - identity sequences continue at {}", connector.name(),
                        context.taskId(), next);
            }
        } catch (SinkException e) {
            LOG.warn("{} sink task {} stopping - identity sequences not moved ({}); run hstream-io reset-sequences "
                    + "at cutover", connector.name(), context.taskId(), e.getMessage());
        }
    }

    private static List<Pattern> patterns(List<String> regexes) {
        return regexes.stream().map(Pattern::compile).toList();
    }

    /**
     * Maps the writer's failures onto the toolkit's: an unreachable target onto {@link UnavailableException} (waited
     * out for connection.retry.timeout), other retriable ones onto {@link RetriableException}.
     */
    private void run(Runnable r) {
        healthy = false;
        try {
            r.run();
            healthy = true;
        } catch (SinkException e) {
            if (e.unreachable()) {
                throw new UnavailableException(target + " is unreachable: " + e.getMessage(), e);
            }
            if (e.retriable()) {
                throw new RetriableException(e.getMessage(), e);
            }
            throw e;
        }
    }
}

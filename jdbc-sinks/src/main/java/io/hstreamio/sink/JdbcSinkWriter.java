package io.hstreamio.sink;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.schema.SchemaEvolver;
import io.hstreamio.sink.schema.SchemaPlan;
import io.hstreamio.sink.schema.SchemaPlanner;
import io.hstreamio.sink.write.CheckpointStore;
import io.hstreamio.sink.write.CheckpointStore.ShardKey;
import io.hstreamio.sink.write.EncodedRows;
import io.hstreamio.sink.write.TableWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of a JDBC sink: buffers stream records, and on {@link #flush()} applies them and the stream
 * checkpoint they reach in one target transaction.
 *
 * <p>Lifecycle: {@link #open()} once (creates and reads the checkpoint table), then {@link #write} and {@link #flush}
 * repeatedly, all on one thread (the task thread); not thread-safe. Records at or below the target's checkpoint for
 * their stream shard were applied before and are skipped, so a replay after a crash applies nothing twice.
 *
 * <p>Failures: a flush either commits everything buffered or nothing. After a retriable failure the buffer is kept,
 * so calling {@link #flush()} again (or writing the same records again, which are recognised by id) retries it; after
 * a permanent failure the buffer is dropped, so the caller can replay records one by one to find the bad one. A
 * connection lost around COMMIT leaves unknown whether the flush committed; the next flush therefore first reads the
 * target's checkpoints and drops the records they cover, so a retry never applies a batch twice.
 *
 * <p>Target tables are planned once per source schema, before the data transaction (MySQL DDL commits implicitly).
 *
 * <p>Schema changes from the stream (add, drop, widen, rename column; create, drop, truncate table) are applied as
 * target DDL ({@link SchemaEvolver}); any other change stops the task with a permanent {@link SinkException} naming
 * the table and the DDL; a dry run logs the DDL each change would run instead. A schema-change record is flushed on
 * its own: what came before it is committed first, then its DDL and its checkpoint in one transaction. PostgreSQL
 * DDL is transactional, so DDL and checkpoint commit together. MySQL commits DDL implicitly, so a crash between the
 * DDL and the checkpoint replays the change; the DDL is computed from the target's catalog, which then needs
 * nothing, so the replay is a no-op.
 */
public final class JdbcSinkWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSinkWriter.class);

    private final DataSource dataSource;
    private final SinkSettings settings;
    private final SqlDialect dialect;
    private final SchemaPlanner planner;
    private final CheckpointStore checkpoints;
    private final SchemaEvolver evolver;

    private final Map<ShardKey, RecordId> applied = new HashMap<>();
    private final Map<ShardKey, RecordId> pendingUpTo = new HashMap<>();
    private final List<SinkRecord> pending = new ArrayList<>();
    /** Writers by schema fingerprint. */
    private final Map<Long, TableWriter> writers = new HashMap<>();
    private final Map<Long, SchemaPlan> plans = new LinkedHashMap<>();
    /** What the catalog said about each planned table, for {@link #prepareLike}. */
    private final Map<Long, Planned> planned = new HashMap<>();
    /** Tables whose snapshot ended (first non-snapshot change after snapshot rows): identity to be moved on. */
    private final Set<TableRef> snapshotted = new HashSet<>();
    private final Set<TableRef> identityDue = new HashSet<>();


    /** Whether a source table is written at all; the mapping is immutable, and asked once per record otherwise. */
    private final Map<TableId, Boolean> routed = new HashMap<>();
    /** The last source schema applied per table (committed), and the ones seen by the flush in progress. */
    private final Map<TableId, TableSchema> schemas = new HashMap<>();
    private final Map<TableId, TableSchema> flushSchemas = new HashMap<>();
    private final List<String> dryRunSchemaChanges = new ArrayList<>();

    private long skipped;
    private long appliedRecords;
    /** A flush failed retriably, perhaps after its COMMIT reached the server: the next one asks the target first. */
    private boolean commitUncertain;

    public JdbcSinkWriter(DataSource dataSource, SinkSettings settings) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.dialect = settings.dialect();
        this.planner = new SchemaPlanner(dialect, settings.mappingOptions());
        this.checkpoints = new CheckpointStore(dialect, settings.checkpointSchema(), settings.sinkName());
        this.evolver = new SchemaEvolver(dialect, settings.mappingOptions(), planner);
    }

    /** Creates the checkpoint table if needed and reads this sink's checkpoints. */
    public void open() {
        if (settings.dryRun() || settings.checkpointSchema() == null) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            checkpoints.ensureTable(c);
            applied.putAll(checkpoints.load(c));
            LOG.info("Sink {} step 1 - resumed from checkpoints {}", settings.sinkName(), applied);
        } catch (SQLException e) {
            throw fail("cannot read checkpoints of sink " + settings.sinkName() + " from "
                    + settings.checkpointSchema() + ".checkpoints", e);
        }
    }

    /** Buffers records not yet applied; flushes by itself when the buffer is full. */
    public void write(List<SinkRecord> records) {
        ShardKey shard = null;
        RecordId done = null;
        for (SinkRecord r : records) {
            if (shard == null || shard.shard() != r.id().shardId() || !shard.stream().equals(r.stream())) {
                if (shard != null && done != null) {
                    pendingUpTo.put(shard, done);
                }
                // Records come in runs of one shard: look its position up once per run.
                shard = new ShardKey(r.stream(), r.id().shardId());
                done = pendingUpTo.getOrDefault(shard, applied.get(shard));
            }
            if (done != null && r.id().compareTo(done) <= 0) {
                // Buffered already (a retried write) or, when at or below the committed checkpoint, applied before.
                RecordId committed = applied.get(shard);
                if (committed != null && r.id().compareTo(committed) <= 0) {
                    skipped++;
                }
                continue;
            }
            if (r.event().type() == ChangeType.SCHEMA_CHANGE) {
                // Alone in its flush: rows before it are committed under the old schema, its DDL with its checkpoint.
                if (done != null) {
                    pendingUpTo.put(shard, done);
                }
                flush();
                pending.add(r);
                pendingUpTo.put(shard, r.id());
                flush();
                done = r.id();
                continue;
            }
            pending.add(r);
            done = r.id();
        }
        if (shard != null && done != null) {
            pendingUpTo.put(shard, done);
        }
        if (pending.size() >= settings.maxBufferedRecords()) {
            flush();
        }
    }

    /**
     * Applies everything buffered and the checkpoints it reaches in one transaction. In a dry run, plans the target
     * tables of the buffered records and drops the records.
     */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        int count = pending.size();
        String into = dialect.name();
        boolean keepBuffer = false;
        flushSchemas.clear();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (commitUncertain && !settings.dryRun() && settings.checkpointSchema() != null) {
                count -= dropCommitted(c);
                if (pending.isEmpty()) {
                    return;
                }
            }
            Map<TableId, List<ChangeEvent>> byTable = group();
            into = describeTargets(byTable.keySet());
            prepareWriters(c, byTable);
            if (settings.dryRun()) {
                for (Map.Entry<TableId, List<ChangeEvent>> e : byTable.entrySet()) {
                    for (ChangeEvent event : e.getValue()) {
                        if (event.type() == ChangeType.SCHEMA_CHANGE) {
                            dryRunSchemaChange(c, e.getKey(), event);
                        }
                    }
                }
                return;
            }
            c.setAutoCommit(false);
            try {
                TableWriter.WriteStats stats = new TableWriter.WriteStats();
                for (Map.Entry<TableId, List<ChangeEvent>> e : byTable.entrySet()) {
                    applyTable(c, e.getKey(), e.getValue(), stats);
                }
                if (settings.checkpointSchema() != null) {
                    checkpoints.save(c, pendingUpTo);
                }
                c.commit();
                commitUncertain = false;
                LOG.debug("Sink {} flushed up to {}: {} upserted, {} deleted, {} copied, {} reduced away",
                        settings.sinkName(), pendingUpTo, stats.upserted, stats.deleted, stats.copied,
                        stats.reducedAway);
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
            // Committed: from here on nothing may make the caller apply these records again.
            appliedRecords += count;
            applied.putAll(pendingUpTo);
            schemas.putAll(flushSchemas);
            pending.clear();
            pendingUpTo.clear();
            resetDueIdentities(c);
        } catch (SQLException e) {
            keepBuffer = dialect.isRetriable(e);
            throw fail("flush of " + count + " records into " + into + " failed", e);
        } catch (SinkException e) {
            keepBuffer = e.retriable();
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new SinkException(e.getMessage(), false, e);
        } finally {
            if (keepBuffer) {
                commitUncertain = true;
            } else {
                pending.clear();
                pendingUpTo.clear();
            }
        }
    }

    /**
     * Reads the target's checkpoints (locked, so a commit the server is still finishing completes first) and drops
     * the buffered records they cover: the failed flush did commit those. Returns how many were dropped.
     */
    private int dropCommitted(Connection c) throws SQLException {
        c.setAutoCommit(false);
        Map<ShardKey, RecordId> stored = checkpoints.load(c, true);
        c.commit();
        c.setAutoCommit(true);
        stored.forEach((k, id) -> applied.merge(k, id, (a, b) -> a.compareTo(b) >= 0 ? a : b));
        int before = pending.size();
        pending.removeIf(r -> {
            RecordId done = applied.get(new ShardKey(r.stream(), r.id().shardId()));
            if (done == null || r.id().compareTo(done) > 0) {
                return false;
            }
            ChangeEvent e = r.event();
            if (e.type() != ChangeType.TRANSACTION_BEGIN && e.type() != ChangeType.TRANSACTION_END) {
                schemas.put(e.table(), e.schema()); // what the committed flush left as the table's source schema
            }
            return true;
        });
        pendingUpTo.entrySet().removeIf(e -> {
            RecordId done = applied.get(e.getKey());
            return done != null && e.getValue().compareTo(done) <= 0;
        });
        commitUncertain = false;
        int dropped = before - pending.size();
        if (dropped > 0) {
            LOG.info("Sink {} - the flush that lost its connection had committed {} records (the target's checkpoint "
                    + "says so); they are not applied again", settings.sinkName(), dropped);
        }
        appliedRecords += dropped;
        return dropped;
    }

    /**
     * Plans the target tables of {@code schemas} now (creating missing ones) instead of at their first flush, and
     * decides then whether each is empty. Lets several writers share new tables: prepare them one after the other
     * before any writes, and none races to create a table or mistakes another's rows for existing ones.
     */
    public void prepare(java.util.Collection<TableSchema> schemas) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            for (TableSchema s : schemas) {
                if (settings.mapping().route(s.id()).isPresent()) {
                    writerFor(c, s);
                }
            }
        } catch (SQLException e) {
            throw fail("cannot prepare target tables in " + dialect.name(), e);
        }
    }

    /**
     * Takes the tables {@code prepared} planned, without asking the catalog again: for writers of one load that share
     * a data source and settings, after the first has {@link #prepare prepared} every table and before any of them
     * writes (each table is then as the first found or left it). Saves a load of N workers N-1 rounds of catalog
     * queries per table.
     */
    public void prepareLike(JdbcSinkWriter prepared) {
        if (prepared.settings != settings) {
            throw new IllegalArgumentException("prepareLike needs a writer with the same settings");
        }
        for (Map.Entry<Long, Planned> e : prepared.planned.entrySet()) {
            Planned p = e.getValue();
            plans.put(e.getKey(), prepared.plans.get(e.getKey()));
            planned.put(e.getKey(), p);
            writers.put(e.getKey(), tableWriter(p));
        }
    }

    /**
     * Starts a bulk write of snapshot rows of one source table, for one-shot loads: rows go into the target as
     * {@link BulkWrite#rows} is called, without the record buffer, in one target transaction that
     * {@link BulkWrite#commit} ends; {@link BulkWrite#close} rolls back an uncommitted one. No stream ids, no
     * checkpoint: a failed bulk write is not resumed, the load fails. The rows take the way buffered READ events take
     * ({@link TableWriter#snapshotRows}): the same conversion, COPY straight into a table that held nothing but
     * snapshot rows, staging and merge into one that held others. The table is planned as {@link #prepare} does.
     * On the writer's thread; not together with {@link #write}/{@link #flush} buffering rows of the same table.
     */
    public BulkWrite bulkWrite(TableSchema schema) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            TableWriter w = writerFor(c, schema);
            if (w == null) {
                throw new SinkException("bulk writes need a real target, not a dry run", false, null);
            }
            c.setAutoCommit(false);
            snapshotted.add(w.target());
            return new BulkWrite(c, w.snapshotRows(c), w.target());
        } catch (SQLException e) {
            rollbackAndClose(c);
            throw fail("cannot start writing snapshot rows of " + schema.id() + " into " + dialect.name(), e);
        } catch (RuntimeException e) {
            rollbackAndClose(c);
            throw e;
        }
    }

    /**
     * {@code rows} of a table this writer has prepared, encoded for {@link BulkWrite#rows(EncodedRows)} (COPY data);
     * null when the target takes no encoded rows (MySQL/MariaDB) or the table is not prepared. On any thread once the
     * tables are prepared (it only reads the plans), so readers can encode while one connection writes.
     */
    public EncodedRows encode(TableSchema schema, List<Row> rows) {
        TableWriter w = writers.get(schema.fingerprint());
        return w == null ? null : w.encode(rows);
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    /** One table's rows in one target transaction; see {@link #bulkWrite}. On one thread. */
    public final class BulkWrite implements AutoCloseable {
        private final Connection c;
        private final TableWriter.SnapshotRows rows;
        private final TableRef target;
        private long written;
        private boolean done;

        private BulkWrite(Connection c, TableWriter.SnapshotRows rows, TableRef target) {
            this.c = c;
            this.rows = rows;
            this.target = target;
        }

        /** Sends {@code batch} on its way into the target (kept by nobody once sent). */
        public void rows(List<Row> batch) {
            send(batch.size(), () -> rows.add(batch));
        }

        /** As {@link #rows(List)}, for rows {@link JdbcSinkWriter#encode encoded} already. */
        public void rows(EncodedRows batch) {
            send(batch.rows(), () -> rows.add(batch));
        }

        private void send(int count, SqlAction add) {
            try {
                add.run();
                written += count;
            } catch (SQLException e) {
                throw fail("writing " + count + " snapshot rows into " + target + " failed (" + written
                        + " written before in this transaction)", e);
            }
        }

        /** Completes the rows and commits them. */
        public void commit() {
            try {
                rows.finish();
                rows.close();
                c.commit();
                done = true;
                appliedRecords += written;
            } catch (SQLException e) {
                throw fail("commit of " + written + " snapshot rows into " + target + " failed", e);
            }
        }

        /** Returns the connection; rolls back unless committed. */
        @Override
        public void close() {
            if (!done) {
                try {
                    rows.close();
                } catch (SQLException e) {
                    LOG.debug("cancelling a COPY into {}: {}", target, e.toString());
                }
            }
            rollbackAndClose(c);
        }
    }

    private static void rollbackAndClose(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // The connection is gone; the server has rolled back already.
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing a broken connection: nothing more to do.
        }
    }

    /** The plans made so far (one per source schema), for a dry run's report. */
    public List<SchemaPlan> plans() {
        return List.copyOf(plans.values());
    }

    /** In a dry run: the DDL the schema changes seen so far would have run, in order ("-- refused: ..." lines too). */
    public List<String> dryRunSchemaChanges() {
        return List.copyOf(dryRunSchemaChanges);
    }

    /** Records skipped because the target already held them. */
    public long skipped() {
        return skipped;
    }

    public long appliedRecords() {
        return appliedRecords;
    }

    /**
     * Moves every identity / AUTO_INCREMENT counter past the highest key written, e.g. at cutover. Returns the next
     * value per table.
     */
    public Map<TableRef, Long> resetIdentities() {
        Map<TableRef, Long> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            for (TableWriter w : writers.values()) {
                if (w.autoIncrementColumn() != null && !out.containsKey(w.target())) {
                    out.put(w.target(), dialect.resetIdentity(c, w.target(), w.autoIncrementColumn()));
                }
            }
        } catch (SQLException e) {
            throw fail("cannot move identity counters", e);
        }
        return out;
    }

    // ---- internals ----------------------------------------------------------------------------------------------

    /** Row changes and truncates per source table, in stream order; transaction markers dropped. */
    private Map<TableId, List<ChangeEvent>> group() {
        Map<TableId, List<ChangeEvent>> out = new LinkedHashMap<>();
        for (SinkRecord r : pending) {
            ChangeEvent e = r.event();
            if (e.type() == ChangeType.TRANSACTION_BEGIN || e.type() == ChangeType.TRANSACTION_END) {
                continue;
            }
            if (!routed.computeIfAbsent(e.table(), t -> settings.mapping().route(t).isPresent())) {
                continue;
            }
            out.computeIfAbsent(e.table(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /** "postgresql table public.orders" (up to three tables named), for errors: which tables a flush wrote. */
    private String describeTargets(java.util.Collection<TableId> tables) {
        List<String> names = tables.stream().limit(3).map(t -> settings.mapping().route(t).map(TableRef::toString)
                .orElse(t.toString())).toList();
        return dialect.name() + (names.isEmpty() ? "" : (tables.size() == 1 ? " table " : " tables ")
                + String.join(", ", names) + (tables.size() > 3 ? ", ..." : ""));
    }

    private void prepareWriters(Connection c, Map<TableId, List<ChangeEvent>> byTable) throws SQLException {
        for (List<ChangeEvent> events : byTable.values()) {
            TableSchema last = null;
            for (ChangeEvent e : events) {
                // Runs of events share one schema instance: look each up once.
                if (e.schema() != null && e.schema() != last && e.type() != ChangeType.SCHEMA_CHANGE) {
                    writerFor(c, e.schema());
                    last = e.schema();
                }
            }
        }
    }

    private TableWriter writerFor(Connection c, TableSchema schema) throws SQLException {
        long fp = schema.fingerprint();
        TableWriter w = writers.get(fp);
        if (w != null) {
            return w;
        }
        TableRef target = settings.mapping().route(schema.id()).orElseThrow();
        SchemaPlan plan = planner.plan(c, schema, target);
        plans.put(fp, plan);
        LOG.info("Sink {} step 2 - target for {}:\n{}", settings.sinkName(), schema.id(), plan.describe());
        if (settings.dryRun()) {
            return null;
        }
        if (!plan.compatible()) {
            throw new SinkException("target table " + target + " cannot take rows of " + schema.id() + ": "
                    + String.join("; ", plan.incompatibilities()), false, null);
        }
        if (plan.action() == SchemaPlan.Action.CREATE && !settings.createTables()) {
            throw new SinkException("target table " + target + " does not exist and table creation is off: "
                    + "create it or enable table creation", false, null);
        }
        boolean empty;
        boolean created = plan.action() == SchemaPlan.Action.CREATE;
        if (created) {
            planner.apply(c, plan);
            empty = true;
        } else {
            empty = isEmpty(c, target);
        }
        boolean secondaryUnique = schema.indexes().stream().anyMatch(i -> i.unique())
                || planner.hasSecondaryUniqueKey(c, target);
        Planned p = new Planned(schema, target, secondaryUnique, empty, created);
        planned.put(fp, p);
        w = tableWriter(p);
        writers.put(fp, w);
        return w;
    }

    /** A planned table as the catalog described it when it was planned. */
    private record Planned(TableSchema schema, TableRef target, boolean secondaryUnique, boolean empty,
                           boolean created) {}

    private TableWriter tableWriter(Planned p) {
        return new TableWriter(dialect, p.schema(), p.target(), settings.mappingOptions(), p.secondaryUnique(),
                p.empty(), p.created(), settings.batchSize(), settings.copyThreshold());
    }

    private boolean isEmpty(Connection c, TableRef t) throws SQLException {
        try (Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT 1 FROM " + dialect.qualify(t) + " LIMIT 1")) {
            return !rs.next();
        }
    }

    /** Applies one table's events: runs of row changes of one schema, split at truncates and schema changes. */
    private void applyTable(Connection c, TableId table, List<ChangeEvent> events, TableWriter.WriteStats stats)
            throws SQLException {
        List<ChangeEvent> run = new ArrayList<>();
        Long runSchema = null;
        for (ChangeEvent e : events) {
            boolean row = e.type() == ChangeType.READ || e.type() == ChangeType.INSERT
                    || e.type() == ChangeType.UPDATE || e.type() == ChangeType.DELETE;
            if (row) {
                flushSchemas.put(table, e.schema());
            }
            if (row && runSchema != null && runSchema == e.schema().fingerprint()) {
                run.add(e);
                continue;
            }
            flushRun(c, run, stats);
            run.clear();
            runSchema = null;
            if (row) {
                run.add(e);
                runSchema = e.schema().fingerprint();
            } else if (e.type() == ChangeType.TRUNCATE) {
                truncate(c, table);
            } else if (e.type() == ChangeType.SCHEMA_CHANGE) {
                evolve(c, table, e);
            }
        }
        flushRun(c, run, stats);
    }

    private void flushRun(Connection c, List<ChangeEvent> run, TableWriter.WriteStats stats) throws SQLException {
        if (run.isEmpty()) {
            return;
        }
        TableWriter w = writers.get(run.get(0).schema().fingerprint());
        boolean reads = run.get(run.size() - 1).type() == ChangeType.READ;
        if (reads) {
            snapshotted.add(w.target());
        } else if (snapshotted.remove(w.target()) && w.autoIncrementColumn() != null) {
            identityDue.add(w.target());
        }
        w.apply(c, List.copyOf(run), stats);
    }

    private void truncate(Connection c, TableId table) throws SQLException {
        TableRef t = settings.mapping().route(table).orElseThrow();
        if (writers.values().stream().noneMatch(w -> w.target().equals(t)) && !planner.tableExists(c, t)) {
            return; // nothing written there yet
        }
        try (Statement st = c.createStatement()) {
            // MySQL TRUNCATE commits implicitly; DELETE keeps it inside this flush's transaction.
            st.execute((dialect instanceof MySqlDialect ? "DELETE FROM " : "TRUNCATE TABLE ") + dialect.qualify(t));
        }
    }

    /**
     * Applies one schema change to the target, inside the flush's transaction (PostgreSQL; MySQL commits DDL by
     * itself). The table's writers are dropped, so its next rows plan the changed table again.
     */
    private void evolve(Connection c, TableId table, ChangeEvent e) throws SQLException {
        TableRef t = settings.mapping().route(table).orElseThrow();
        TableSchema previous = flushSchemas.containsKey(table) ? flushSchemas.get(table) : schemas.get(table);
        forget(t);
        flushSchemas.put(table, e.schema());
        List<String> ddl = schemaChangeDdl(c, table, t, previous, e);
        if (ddl == null) {
            return;
        }
        try (Statement st = c.createStatement()) {
            for (String sql : ddl) {
                st.execute(sql);
            }
        }
        LOG.info("Sink {} - schema change of {} ({}) applied to {}: {}", settings.sinkName(), table, e.ddl(), t,
                ddl.isEmpty() ? "nothing to do" : String.join("; ", ddl));
    }

    /**
     * In a dry run, logs (and keeps for {@link #dryRunSchemaChanges()}) the DDL a schema change would run. Each is
     * computed against the target as it is, which a dry run never changes: a later change does not see an earlier
     * one's DDL applied.
     */
    private void dryRunSchemaChange(Connection c, TableId table, ChangeEvent e) throws SQLException {
        TableRef t = settings.mapping().route(table).orElseThrow();
        TableSchema previous = schemas.get(table);
        schemas.put(table, e.schema()); // the source's schema moves on even though the target does not
        List<String> ddl;
        try {
            ddl = schemaChangeDdl(c, table, t, previous, e);
        } catch (SinkException refused) {
            LOG.warn("Sink {} dry run - {}", settings.sinkName(), refused.getMessage());
            dryRunSchemaChanges.add("-- refused: " + refused.getMessage());
            return;
        }
        if (ddl != null) {
            LOG.info("Sink {} dry run - schema change of {} ({}) would run on {}: {}", settings.sinkName(), table,
                    e.ddl(), t, ddl.isEmpty() ? "nothing (the target has it already)" : String.join("; ", ddl));
            dryRunSchemaChanges.addAll(ddl);
        }
    }

    /**
     * The DDL that makes the target follow one schema change, computed from its catalog; reads only. Null when the
     * change is deliberately not followed (a dropped table kept, a created table with table creation off), which is
     * logged. A change the sink refuses throws a permanent {@link SinkException} naming table and DDL.
     */
    private List<String> schemaChangeDdl(Connection c, TableId table, TableRef t, TableSchema previous,
            ChangeEvent e) throws SQLException {
        TableSchema next = e.schema();
        if (next == null) {
            if (!settings.dropTables()) {
                LOG.info("Sink {} - {} was dropped at the source ({}); {} is left as it is (schema.drop.tables=false)",
                        settings.sinkName(), table, e.ddl(), t);
                return null;
            }
            return List.of("DROP TABLE IF EXISTS " + dialect.qualify(t));
        }
        if (!planner.tableExists(c, t)) {
            if (!settings.createTables()) {
                LOG.info("Sink {} - {} created at the source; table creation is off, {} not created",
                        settings.sinkName(), table, t);
                return null;
            }
            return planner.plan(c, next, t).statements();
        }
        try {
            return evolver.plan(c, previous, next, t, settings.dropColumns(), e.ddl());
        } catch (SchemaEvolver.Refused refused) {
            throw new SinkException(refused.getMessage(), false, refused);
        }
    }

    /** Drops every writer and plan of {@code t}: their statements and emptiness no longer hold. */
    private void forget(TableRef t) {
        writers.entrySet().removeIf(w -> {
            if (w.getValue().target().equals(t)) {
                plans.remove(w.getKey());
                planned.remove(w.getKey());
                return true;
            }
            return false;
        });
        snapshotted.remove(t);
        identityDue.remove(t);
    }

    private void resetDueIdentities(Connection c) throws SQLException {
        if (identityDue.isEmpty()) {
            return;
        }
        c.setAutoCommit(true);
        for (TableWriter w : writers.values()) {
            if (identityDue.remove(w.target()) && w.autoIncrementColumn() != null) {
                long next = dialect.resetIdentity(c, w.target(), w.autoIncrementColumn());
                LOG.info("Sink {} step 3 - snapshot of {} done, identity continues at {}", settings.sinkName(),
                        w.target(), next);
            }
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is gone; the server has rolled back already.
        }
    }

    private SinkException fail(String what, SQLException e) {
        boolean retriable = dialect.isRetriable(e);
        boolean unreachable = dialect.isConnectionFailure(e);
        SQLException reason = e.getNextException() != null ? e.getNextException() : e;
        // Driver messages may quote row values; DriverErrors cuts them out of the text and of the cause kept.
        return new SinkException(what + ": " + DriverErrors.describe(e) + " (SQLState " + reason.getSQLState() + ", "
                + (unreachable ? "target unreachable" : retriable ? "retriable" : "permanent") + ")", retriable,
                unreachable, DriverErrors.redacted(e));
    }

    /** Which tables are routed (for tests and the dry run). */
    Optional<TableRef> route(TableId id) {
        return settings.mapping().route(id);
    }
}

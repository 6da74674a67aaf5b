package io.hstreamio.sink.write;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.ColumnContext;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.PostgresDialect;
import io.hstreamio.sink.dialect.SourceKind;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.dialect.TargetType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Applies row changes of one source table (one schema) to its target table inside the caller's transaction.
 * Used on the task thread only.
 *
 * <p>With a primary key, a run of changes is {@linkplain BatchReducer reduced} to each key's final state and written
 * as batched deletes by key and upserts (PostgreSQL: one statement of column arrays each, {@link PgArrayWriter};
 * MySQL/MariaDB: multi-row statements). Tables with secondary unique keys are written as delete + insert instead,
 * because an in-place upsert can collide on a unique value that another row of the same batch is about to give up
 * (and MySQL's ON DUPLICATE KEY UPDATE would even overwrite that other row). Without a primary key, changes are applied
 * one by one in order: inserts, and updates/deletes of one row equal to the before-image on all columns (NULL-safe).
 *
 * <p>Snapshot rows (READ) into PostgreSQL go through COPY: straight into the table while it is new or was empty and
 * has only received snapshot rows, else into a temporary staging table merged with INSERT ... ON CONFLICT. Buffered
 * flushes ({@link #apply}) and one-shot loads ({@link #snapshotRows}, which streams rows as they are read) share that
 * COPY and merge code.
 */
public final class TableWriter {
    private final SqlDialect dialect;
    private final TableSchema schema;
    private final TableRef target;
    private final List<String> columns;
    private final TargetType[] targets;
    /** Snapshot rows' binary COPY encoder; null: they go as text. */
    private final PgCopyBinary binary;
    private final int[] keyPositions;
    private final boolean deleteThenInsert;
    private final int batchSize;
    static final int MAX_ROWS_PER_STATEMENT = 1000;
    /** Characters of one multi-row statement's values, about (see {@link #multiRow}). */
    static final long MAX_CHARS_PER_STATEMENT = 1L << 20;
    private final int copyThreshold;
    /** True while the target holds nothing but snapshot rows written by COPY into an initially empty table. */
    private boolean copyDirect;
    private final String autoIncrementColumn;
    /** PostgreSQL: upserts and deletes as one statement of column arrays; null elsewhere (multi-row statements). */
    private final PgArrayWriter arrays;

    /**
     * @param createdHere the target table was created by this writer's planner with the mapped types, so snapshot
     *                    rows may go as binary COPY (see {@link PgCopyBinary}), which needs exactly those types
     */
    public TableWriter(SqlDialect dialect, TableSchema schema, TableRef target, MappingOptions options,
                       boolean hasSecondaryUniqueKey, boolean targetEmpty, boolean createdHere, int batchSize,
                       int copyThreshold) {
        this.dialect = dialect;
        this.schema = schema;
        this.target = target;
        this.columns = schema.columns().stream().map(ColumnSchema::name).toList();
        Set<String> indexed = new HashSet<>(schema.primaryKey());
        schema.indexes().forEach(i -> indexed.addAll(i.columns()));
        this.targets = schema.columns().stream().map(c -> dialect.map(c,
                new ColumnContext(SourceKind.of(schema.id()), indexed.contains(c.name()), target, options)))
                .toArray(TargetType[]::new);
        this.keyPositions = schema.primaryKeyPositions();
        this.deleteThenInsert = hasSecondaryUniqueKey;
        this.batchSize = batchSize;
        this.copyThreshold = copyThreshold;
        this.copyDirect = targetEmpty;
        this.autoIncrementColumn = schema.columns().stream().filter(ColumnSchema::autoIncrement)
                .map(ColumnSchema::name).findFirst().orElse(null);
        this.binary = dialect instanceof PostgresDialect && createdHere
                ? PgCopyBinary.of(schema.columns(), targets) : null;
        this.arrays = dialect instanceof PostgresDialect && schema.hasPrimaryKey()
                ? new PgArrayWriter(dialect, target, schema.columns(), targets, keyPositions, deleteThenInsert,
                        Math.max(batchSize, MAX_ROWS_PER_STATEMENT))
                : null;
    }

    public TableSchema schema() {
        return schema;
    }

    public TableRef target() {
        return target;
    }

    /** The AUTO_INCREMENT / identity column, or null. */
    public String autoIncrementColumn() {
        return autoIncrementColumn;
    }

    /** Applies {@code events} (row changes of this table's schema, in source order). */
    public void apply(Connection c, List<ChangeEvent> events, WriteStats stats) throws SQLException {
        boolean allReads = events.stream().allMatch(e -> e.type() == ChangeType.READ);
        if (!allReads) {
            copyDirect = false;
        }
        boolean copy = allReads && dialect instanceof PostgresDialect && events.size() >= copyThreshold;
        if (!schema.hasPrimaryKey()) {
            if (copy) {
                copyIn(c, target, events.stream().map(ChangeEvent::after).toList());
                stats.copied += events.size();
            } else {
                applyInOrder(c, events, stats);
            }
            return;
        }
        if (copy && copyDirect) {
            // Snapshot rows into a table that holds only snapshot rows: keys are unique at the source, so no
            // reduction; a repeated key makes COPY fail, and the retried flush merges through staging instead.
            List<Row> rows = events.stream().map(ChangeEvent::after).toList();
            try {
                copyIn(c, target, rows);
            } catch (SQLException e) {
                throw directCopyFailed(e);
            }
            stats.copied += rows.size();
            return;
        }
        BatchReducer.Reduced r = BatchReducer.reduce(events, keyPositions);
        stats.reducedAway += events.size() - r.deletes().size() - r.upserts().size();
        List<String> key = schema.primaryKey();
        List<Object[]> deletes = new ArrayList<>();
        r.deletes().forEach(k -> deletes.add(k.values()));
        if (deleteThenInsert && !copy) {
            // (Staged merges delete the staged keys themselves.)
            r.upserts().forEach(row -> deletes.add(RowKey.of(row, keyPositions).values()));
        }
        if (!deletes.isEmpty()) {
            if (arrays != null) {
                arrays.delete(c, deletes);
            } else {
                multiRow(c, deletes, n -> dialect.deleteByKeysSql(target, key, n), key.size(), this::bindKey);
            }
            stats.deleted += r.deletes().size();
        }
        if (copy) {
            // Snapshot rows into a table that already holds other rows. Only for snapshots: a temporary table per
            // flush would churn PostgreSQL's catalog at CDC flush rates, and measured no faster than the upserts.
            try (CopyStream stage = openStage(c)) {
                stage.add(r.upserts());
                stage.end();
            }
            mergeStage(c);
            stats.copied += r.upserts().size();
        } else if (!r.upserts().isEmpty()) {
            List<Object[]> rows = r.upserts().stream().map(Row::toArray).toList();
            if (arrays != null) {
                arrays.upsert(c, rows);
            } else {
                multiRow(c, rows, n -> deleteThenInsert ? dialect.insertSql(target, columns, n)
                        : dialect.upsertSql(target, columns, key, n), columns.size(), this::bindAll);
            }
            stats.upserted += r.upserts().size();
        }
    }

    /** Binds one tuple from parameter {@code first}; returns the next free parameter index. */
    @FunctionalInterface
    private interface TupleBinder {
        int bind(PreparedStatement ps, int first, Object[] tuple) throws SQLException;
    }

    /**
     * Runs one statement per chunk of up to {@link #MAX_ROWS_PER_STATEMENT} tuples or the batch size (fewer for wide
     * tables, to stay under PostgreSQL's 32767 parameters): one parse and one round trip per chunk instead of per
     * row. Full chunks share one prepared statement, sent as one JDBC batch.
     */
    private void multiRow(Connection c, List<Object[]> tuples, java.util.function.IntFunction<String> sql,
                          int paramsPerTuple, TupleBinder binder) throws SQLException {
        int chunk = Math.max(1, Math.min(Math.min(batchSize, MAX_ROWS_PER_STATEMENT), 30_000 / paramsPerTuple));
        long widest = 1;
        for (Object[] t : tuples) {
            widest = Math.max(widest, PgArrayWriter.estimatedChars(t));
        }
        // Wide rows: fewer per statement, so one statement stays under MySQL's max_allowed_packet (16 MB by default
        // in MariaDB, 4 MB in older servers; up to 4 bytes per character).
        chunk = (int) Math.max(1, Math.min(chunk, MAX_CHARS_PER_STATEMENT / widest));
        int full = tuples.size() / chunk;
        if (full > 0) {
            try (PreparedStatement ps = c.prepareStatement(sql.apply(chunk))) {
                for (int i = 0; i < full; i++) {
                    int p = 1;
                    for (Object[] t : tuples.subList(i * chunk, (i + 1) * chunk)) {
                        p = binder.bind(ps, p, t);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        int rest = tuples.size() - full * chunk;
        if (rest > 0) {
            try (PreparedStatement ps = c.prepareStatement(sql.apply(rest))) {
                int p = 1;
                for (Object[] t : tuples.subList(full * chunk, tuples.size())) {
                    p = binder.bind(ps, p, t);
                }
                ps.executeUpdate();
            }
        }
    }

    private int bindKey(PreparedStatement ps, int first, Object[] key) throws SQLException {
        for (int i = 0; i < keyPositions.length; i++) {
            int p = keyPositions[i];
            dialect.bind(ps, first + i, schema.columns().get(p), targets[p], key[i]);
        }
        return first + keyPositions.length;
    }

    private int bindAll(PreparedStatement ps, int first, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            dialect.bind(ps, first + i, schema.columns().get(i), targets[i], values[i]);
        }
        return first + values.length;
    }

    /** Tables without a primary key: every change in order, consecutive changes of one kind in one JDBC batch. */
    private void applyInOrder(Connection c, List<ChangeEvent> events, WriteStats stats) throws SQLException {
        String insert = dialect.insertSql(target, columns);
        String update = dialect.updateOneMatchingSql(target, columns);
        String delete = dialect.deleteOneMatchingSql(target, columns);
        PreparedStatement open = null;
        String openSql = null;
        try {
            for (ChangeEvent e : events) {
                String sql = switch (e.type()) {
                    case READ, INSERT -> insert;
                    case UPDATE -> update;
                    case DELETE -> delete;
                    default -> throw new IllegalArgumentException("not a row change: " + e.type());
                };
                if (e.type() == ChangeType.UPDATE && e.before() == null) {
                    throw new IllegalArgumentException("table " + schema.id() + " has no primary key and an UPDATE "
                            + "came without its before-image, so the row to change is unknown: give the source full "
                            + "before-images (PostgreSQL REPLICA IDENTITY FULL, MySQL binlog_row_image=FULL)");
                }
                if (!sql.equals(openSql)) {
                    if (open != null) {
                        open.executeBatch();
                        open.close();
                    }
                    open = c.prepareStatement(sql);
                    openSql = sql;
                }
                switch (e.type()) {
                    case READ, INSERT -> {
                        bindAll(open, 1, e.after().toArray());
                        stats.upserted++;
                    }
                    case UPDATE -> {
                        bindAll(open, bindAll(open, 1, e.after().toArray()), e.before().toArray());
                        stats.upserted++;
                    }
                    default -> {
                        bindAll(open, 1, e.before().toArray());
                        stats.deleted++;
                    }
                }
                open.addBatch();
            }
            if (open != null) {
                open.executeBatch();
            }
        } finally {
            if (open != null) {
                open.close();
            }
        }
    }

    private void copyIn(Connection c, TableRef into, List<Row> rows) throws SQLException {
        try (CopyStream in = new CopyStream(c, into)) {
            in.add(rows);
            in.end();
        }
    }

    /** A repeated key in a direct COPY: later rows of this table go through staging, the caller retries. */
    private SQLException directCopyFailed(SQLException e) {
        if (!"23505".equals(e.getSQLState())) {
            return e;
        }
        copyDirect = false;
        return new SQLException("snapshot rows of " + target + " repeat a key already copied; retrying through a "
                + "staging table", "40001", e);
    }

    private static final TableRef STAGE = new TableRef(null, "_hstream_io_stage");

    /** A temporary table shaped like the target, dropped at commit, and a COPY into it. */
    private CopyStream openStage(Connection c) throws SQLException {
        return openStage(c, null);
    }

    /** As {@link #openStage(Connection)}; the stage has the target's types, so binary rows fit it too. */
    private CopyStream openStage(Connection c, PgCopyBinary binary) throws SQLException {
        try (Statement st = c.createStatement()) {
            // Temporary tables live in their own schema; ON COMMIT DROP ties it to this flush's transaction.
            st.execute("DROP TABLE IF EXISTS " + dialect.qualify(STAGE));
            st.execute("CREATE TEMPORARY TABLE " + dialect.qualify(STAGE) + " (LIKE " + dialect.qualify(target)
                    + " INCLUDING DEFAULTS) ON COMMIT DROP");
        }
        return new CopyStream(c, STAGE, binary);
    }

    /** Moves the staged rows into the target: one INSERT ... SELECT ... ON CONFLICT (after a delete by key). */
    private void mergeStage(Connection c) throws SQLException {
        String cols = String.join(", ", columns.stream().map(dialect::quote).toList());
        // After delete-by-key (tables with secondary unique keys) a plain insert is what is wanted.
        String merge = deleteThenInsert ? dialect.insertSql(target, columns)
                : dialect.upsertSql(target, columns, schema.primaryKey());
        // upsertSql is INSERT INTO t (cols) VALUES (...) ON CONFLICT ...; swap VALUES for the staged rows.
        String values = " VALUES (" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        merge = merge.replace(values, " SELECT " + cols + " FROM " + dialect.qualify(STAGE));
        try (Statement st = c.createStatement()) {
            if (deleteThenInsert) {
                st.execute("DELETE FROM " + dialect.qualify(target) + " t USING " + dialect.qualify(STAGE) + " s WHERE "
                        + String.join(" AND ", schema.primaryKey().stream()
                        .map(k -> "t." + dialect.quote(k) + " = s." + dialect.quote(k)).toList()));
            }
            st.execute(merge);
            st.execute("DROP TABLE " + dialect.qualify(STAGE));
        }
    }

    /**
     * Starts writing snapshot rows (READ) of this table in batches as they are read, inside the caller's transaction,
     * without keeping them: the bulk path of one-shot loads. Rows take the way a flush of READ events takes: into
     * PostgreSQL by COPY (the same text conversion), straight into a table that held nothing but snapshot rows, else
     * through a staging table merged at {@link SnapshotRows#finish}; into MySQL/MariaDB as batched upserts. Each batch's
     * rows must have distinct keys across the whole session (a snapshot chunk's rows do).
     */
    public SnapshotRows snapshotRows(Connection c) throws SQLException {
        if (!(dialect instanceof PostgresDialect)) {
            return new SnapshotRows(c, null, false);
        }
        boolean direct = copyDirect || !schema.hasPrimaryKey();
        return new SnapshotRows(c, direct ? new CopyStream(c, target, binary) : openStage(c, binary), !direct);
    }

    /**
     * {@code rows} as the COPY data {@link SnapshotRows#add(EncodedRows)} sends, or null when the target is not
     * PostgreSQL. Reads only what the constructor set: safe on any thread, concurrently with this writer's own work.
     */
    public EncodedRows encode(List<Row> rows) {
        if (!(dialect instanceof PostgresDialect)) {
            return null;
        }
        CopyBuffer buf = new CopyBuffer(rows.size() * 64 + 64);
        for (Row row : rows) {
            if (binary != null) {
                binary.appendRow(buf, row);
            } else {
                PgCopyText.appendRow(buf, row, schema.columns(), targets);
            }
        }
        return new EncodedRows(buf.array(), buf.length(), rows.size());
    }

    /** One session of {@link #snapshotRows}; on the caller's thread; {@link #close} abandons it unless finished. */
    public final class SnapshotRows implements AutoCloseable {
        private final Connection c;
        private final CopyStream copy;
        private final boolean staged;
        private final WriteStats stats = new WriteStats();

        private SnapshotRows(Connection c, CopyStream copy, boolean staged) {
            this.c = c;
            this.copy = copy;
            this.staged = staged;
        }

        public void add(List<Row> rows) throws SQLException {
            if (copy == null) {
                apply(c, rows.stream().map(r -> ChangeEvent.read(schema, r)).toList(), stats);
                return;
            }
            try {
                copy.add(rows);
            } catch (SQLException e) {
                throw copyFailed(e);
            }
            stats.copied += rows.size();
        }

        /** Rows {@link #encode}d for this table; PostgreSQL only. */
        public void add(EncodedRows rows) throws SQLException {
            try {
                copy.add(rows);
            } catch (SQLException e) {
                throw copyFailed(e);
            }
            stats.copied += rows.rows();
        }

        /** A keyed direct COPY that failed on a repeated key is retried through staging; other failures stand. */
        private SQLException copyFailed(SQLException e) {
            return staged || !schema.hasPrimaryKey() ? e : directCopyFailed(e);
        }

        /** Ends the COPY and merges what was staged; the caller commits. */
        public void finish() throws SQLException {
            if (copy == null) {
                return;
            }
            try {
                copy.end();
            } catch (SQLException e) {
                throw copyFailed(e);
            }
            if (staged) {
                mergeStage(c);
            }
        }

        public WriteStats stats() {
            return stats;
        }

        @Override
        public void close() throws SQLException {
            if (copy != null) {
                copy.close();
            }
        }
    }

    /**
     * One COPY ... FROM STDIN of rows in PostgreSQL's text format (see {@link PgCopyText}) or, for snapshot rows of a
     * table created here, its binary format ({@link PgCopyBinary}), sent in slices of 256 kB as rows are added.
     * {@link #close} cancels it unless {@link #end} completed it.
     */
    private final class CopyStream implements AutoCloseable {
        private static final int SLICE = 256 * 1024;
        private final CopyIn in;
        private final CopyBuffer sb = new CopyBuffer(SLICE + 4096);
        private final PgCopyBinary binary;

        CopyStream(Connection c, TableRef into) throws SQLException {
            this(c, into, null);
        }

        /** @param binary the encoder of a binary COPY, or null for text */
        CopyStream(Connection c, TableRef into, PgCopyBinary binary) throws SQLException {
            String sql = "COPY " + dialect.qualify(into) + " (" + String.join(", ",
                    columns.stream().map(dialect::quote).toList()) + ") FROM STDIN"
                    + (binary != null ? " WITH (FORMAT binary)" : "");
            this.in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            this.binary = binary;
            if (binary != null) {
                sb.putBytes(PgCopyBinary.HEADER);
            }
        }

        void add(List<Row> rows) throws SQLException {
            for (Row row : rows) {
                if (binary != null) {
                    binary.appendRow(sb, row);
                } else {
                    PgCopyText.appendRow(sb, row, schema.columns(), targets);
                }
                if (sb.length() >= SLICE) {
                    send();
                }
            }
        }

        /** Rows {@link TableWriter#encode}d in this stream's format. */
        void add(EncodedRows rows) throws SQLException {
            send();
            in.writeToCopy(rows.bytes(), 0, rows.length());
        }

        void end() throws SQLException {
            if (binary != null) {
                sb.putBytes(PgCopyBinary.TRAILER);
            }
            send();
            in.endCopy();
        }

        private void send() throws SQLException {
            if (sb.length() > 0) {
                in.writeToCopy(sb.array(), 0, sb.length());
                sb.clear();
            }
        }

        @Override
        public void close() throws SQLException {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** Counters of one flush. */
    public static final class WriteStats {
        public long upserted;
        public long deleted;
        public long copied;
        public long reducedAway;
    }
}

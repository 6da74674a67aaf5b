package io.hstreamio.snapshot.internal;

import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.Chunk;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits one table into chunks of about {@code chunkRows} rows, lazily: each {@link #next} computes one more boundary,
 * so splitting never runs ahead of the readers that ask for chunks. Chunks are bounded in bytes too: a table whose
 * rows are wide gets chunks of at most {@code chunkBytes / row width} rows ({@link SourceDialect#rowBytes}), so that a
 * chunk (held whole in memory by the CDC hand-off, one transaction in the target) stays about the same size whatever
 * the rows.
 *
 * <ul>
 *   <li>A single integer key whose values are dense (count at least half of max - min + 1): equal key ranges.
 *   <li>Any other key (sparse, composite, text): the next boundary is the key {@code chunkRows} rows further along the
 *       primary-key index ({@code ORDER BY pk LIMIT 1 OFFSET n}).
 *   <li>No primary key: the dialect's physical ranges (PostgreSQL ctid pages), else the whole table.
 * </ul>
 * The first chunk has no lower bound (a resumed splitting starts after its key) and the last no upper bound, so keys
 * outside the range seen while splitting are read too. Not thread-safe: one caller at a time (the
 * {@link ChunkQueue} lock).
 */
public final class Chunker {
    private static final Logger LOG = LoggerFactory.getLogger(Chunker.class);

    private final SourceDialect dialect;
    private final TableSchema table;
    private final long maxChunkRows;
    private final long chunkBytes;
    /** Rows per chunk for this table: chunk.rows, or fewer when its rows are wide; set by {@link #plan}. */
    private long chunkRows;
    private final boolean consistent;

    private enum Mode { UNKNOWN, DENSE, WALK, KEYLESS, DONE }

    private Mode mode = Mode.UNKNOWN;
    private int index;
    private Object[] lower;
    // DENSE
    private long nextLower;
    private long max;
    private long step;
    // KEYLESS
    private List<String> ranges;
    private boolean emptyTable;

    private final long estimatedRows;
    private Object[] resumeAfter;

    /** @param estimatedRows the server's row estimate, used instead of a COUNT(*) scan when positive */
    public Chunker(SourceDialect dialect, TableSchema table, long chunkRows, long chunkBytes, boolean consistent,
            long estimatedRows) {
        this.estimatedRows = estimatedRows;
        this.dialect = dialect;
        this.table = table;
        this.maxChunkRows = chunkRows;
        this.chunkBytes = chunkBytes;
        this.chunkRows = chunkRows;
        this.consistent = consistent;
    }

    public TableSchema table() {
        return table;
    }

    /**
     * Resumes the splitting of an earlier run that handed out chunks up to {@code key} (their last upper bound): the
     * next chunk is numbered {@code nextIndex} and starts after {@code key}; dense keys keep equal ranges from there,
     * index walks walk on from it. Call before the first {@link #next}; keyed tables only.
     */
    public Chunker resumeAfter(Object[] key, int nextIndex) {
        if (!table.hasPrimaryKey() || mode != Mode.UNKNOWN) {
            throw new IllegalStateException("only a keyed table not yet split resumes after a key: " + table.id());
        }
        resumeAfter = key.clone();
        lower = resumeAfter;
        index = nextIndex;
        return this;
    }

    /** The next chunk, or null when the table is covered. */
    public Chunk next(Connection c) throws SQLException {
        if (mode == Mode.UNKNOWN) {
            plan(c);
        }
        return switch (mode) {
            case DONE, UNKNOWN -> null;
            case KEYLESS -> {
                String range = ranges.get(index);
                Chunk ch = new Chunk(table, index++, null, null, range, consistent || ranges.size() == 1);
                if (index == ranges.size()) {
                    mode = Mode.DONE;
                }
                yield ch;
            }
            case DENSE -> {
                long upper = nextLower + step - 1;
                boolean last = upper >= max;
                Chunk ch = new Chunk(table, index++, lower, last ? null : new Object[] {box(upper)}, null, true);
                lower = ch.upper();
                nextLower = upper + 1;
                if (last) {
                    mode = Mode.DONE;
                }
                yield ch;
            }
            case WALK -> {
                Object[] upper = boundaryAfter(c, lower);
                Chunk ch = new Chunk(table, index++, lower, upper, null, true);
                lower = upper;
                if (upper == null) {
                    mode = Mode.DONE;
                }
                yield ch;
            }
        };
    }

    /** Rows per chunk once the table is planned (chunk.rows, or fewer for wide rows). */
    public long chunkRows() {
        return chunkRows;
    }

    private void plan(Connection c) throws SQLException {
        long rowBytes = dialect.rowBytes(c, table);
        if (rowBytes > 0 && maxChunkRows > chunkBytes / rowBytes) {
            chunkRows = Math.max(1, chunkBytes / rowBytes);
            LOG.info("Snapshot step 2 - {}: rows of ~{} bytes: chunks of {} rows (chunk.bytes {})", table.id(),
                    rowBytes, chunkRows, chunkBytes);
        }
        if (!table.hasPrimaryKey()) {
            ranges = dialect.keylessRanges(c, table.id(), chunkRows);
            mode = Mode.KEYLESS;
            LOG.info("Snapshot step 2 - {} has no primary key: {} physical range(s){}", table.id(), ranges.size(),
                    ranges.size() > 1 && !consistent ? ", at-least-once (use --consistent for exact)" : "");
            return;
        }
        mode = Mode.WALK;
        if (table.primaryKey().size() == 1) {
            LogicalType t = table.column(table.primaryKey().get(0)).type();
            if (t == LogicalType.INT32 || t == LogicalType.INT64) {
                String k = dialect.quote(table.primaryKey().get(0));
                try (Statement st = c.createStatement();
                     // MIN and MAX read the two ends of the index; the count only sizes chunks, so the server's
                     // estimate does when there is one (COUNT(*) scans the whole index).
                     ResultSet rs = st.executeQuery("SELECT MIN(" + k + "), MAX(" + k + ")"
                             + (estimatedRows > 0 ? ", " + estimatedRows : ", COUNT(*)") + " FROM "
                             + dialect.qualify(table.id()))) {
                    rs.next();
                    long min = rs.getLong(1);
                    boolean empty = rs.wasNull();
                    long mx = rs.getLong(2);
                    long count = rs.getLong(3);
                    double span = (double) mx - min + 1;
                    count = Math.min(count, (long) span); // an estimate may exceed the key span
                    if (empty || count == 0) {
                        emptyTable = true; // one open chunk, which reads whatever is there when it runs
                        return;
                    }
                    long after = resumeAfter == null ? Long.MIN_VALUE : ((Number) resumeAfter[0]).longValue();
                    if (resumeAfter != null && after >= mx) {
                        emptyTable = true; // nothing after the resume key yet: one open chunk reads what comes
                        return;
                    }
                    if (count >= span / 2) {
                        mode = Mode.DENSE;
                        nextLower = resumeAfter == null ? min : Math.max(min, after + 1);
                        max = mx;
                        step = Math.max(1, (long) Math.ceil(chunkRows * span / count));
                        LOG.info("Snapshot step 2 - {}: dense key {} in [{}, {}], {} rows: chunks of {} key values",
                                table.id(), k, min, mx, count, step);
                        return;
                    }
                    LOG.info("Snapshot step 2 - {}: sparse key {} ({} rows in a span of {}): walking the index",
                            table.id(), k, count, (long) span);
                }
            }
        }
    }


    private Object[] boundaryAfter(Connection c, Object[] after) throws SQLException {
        if (emptyTable) {
            return null;
        }
        List<String> pk = table.primaryKey();
        String cols = pk.stream().map(dialect::quote).collect(Collectors.joining(", "));
        String sql = "SELECT " + cols + " FROM " + dialect.qualify(table.id())
                + (after == null ? "" : " WHERE " + KeyRanges.greater(dialect, pk))
                + " ORDER BY " + cols + " LIMIT 1 OFFSET " + (chunkRows - 1);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (after != null) {
                KeyRanges.bind(dialect, ps, 1, table, after);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Object[] key = new Object[pk.size()];
                int[] pos = table.primaryKeyPositions();
                for (int i = 0; i < key.length; i++) {
                    key[i] = dialect.reader(table.columns().get(pos[i])).read(rs, i + 1);
                }
                return key;
            }
        }
    }

    private Object box(long v) {
        return table.column(table.primaryKey().get(0)).type() == LogicalType.INT32 ? (Object) (int) v : (Object) v;
    }

    /** All chunks at once (tests and small tables). */
    public List<Chunk> all(Connection c) throws SQLException {
        List<Chunk> out = new ArrayList<>();
        for (Chunk ch = next(c); ch != null; ch = next(c)) {
            out.add(ch);
        }
        return out;
    }
}

package io.hstreamio.sink.write;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.dialect.TargetType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL upserts and deletes of a whole reduced batch as ONE statement each, with one array parameter per
 * column: {@code INSERT ... SELECT ... FROM unnest($1::text[], ...) ON CONFLICT ...} and
 * {@code DELETE ... WHERE pk = ANY($1)} (composite keys: a join with unnest). The statement text depends only on the
 * table, so the driver keeps it prepared on the server and the planner plans it once, where multi-row VALUES cost a
 * parse and plan of thousands of parameters per chunk (the time went there: about 40k rows/s against 100k+).
 *
 * <p>Values travel as PostgreSQL input text made by {@link PgCopyText#text}, the conversion COPY uses for snapshot
 * rows, and are cast in SQL to the target column's type without its modifier: an explicit cast to varchar(n) or
 * bit(n) would cut a value silently, while the INSERT's assignment to the column checks length as COPY and bound
 * parameters do ("value too long" stays a per-record error). Column types are read from the target's catalog at
 * first use, so existing tables with compatible but different types are written as they are.
 */
final class PgArrayWriter {
    private final SqlDialect dialect;
    private final TableRef target;
    private final List<ColumnSchema> columns;
    private final TargetType[] targets;
    private final int[] keyPositions;
    private final boolean insertOnly;
    private final int chunk;
    /** Characters of all array parameters of one statement, about: bounds memory for wide rows (blobs, JSON). */
    static final long MAX_CHARS_PER_STATEMENT = 16L << 20;
    private String upsertSql;
    private String deleteSql;

    /**
     * @param insertOnly plain INSERT instead of ON CONFLICT (the keys were deleted first: secondary unique keys)
     * @param chunk      rows per statement at most (bounds one parameter's size)
     */
    PgArrayWriter(SqlDialect dialect, TableRef target, List<ColumnSchema> columns, TargetType[] targets,
                  int[] keyPositions, boolean insertOnly, int chunk) {
        this.dialect = dialect;
        this.target = target;
        this.columns = columns;
        this.targets = targets;
        this.keyPositions = keyPositions;
        this.insertOnly = insertOnly;
        this.chunk = Math.max(1, chunk);
    }

    /** Upserts full rows (distinct keys, in the order they are to be applied). */
    void upsert(Connection c, List<Object[]> rows) throws SQLException {
        prepare(c);
        int[] all = new int[columns.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        run(c, upsertSql, rows, all, false);
    }

    /** Deletes by primary key; each tuple holds the key values in key order. */
    void delete(Connection c, List<Object[]> keys) throws SQLException {
        prepare(c);
        run(c, deleteSql, keys, keyPositions, true);
    }

    private void run(Connection c, String sql, List<Object[]> tuples, int[] positions, boolean keyTuples)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 0; from < tuples.size(); ) {
                int to = from;
                long chars = 0;
                // Up to chunk rows, fewer when wide rows would make the statement's text large.
                while (to < tuples.size() && to - from < chunk && (to == from || chars < MAX_CHARS_PER_STATEMENT)) {
                    chars += estimatedChars(tuples.get(to++));
                }
                List<Object[]> part = tuples.subList(from, to);
                from = to;
                for (int i = 0; i < positions.length; i++) {
                    int col = positions[i];
                    // Key tuples carry only the key's values; full rows carry every column.
                    ps.setObject(i + 1, arrayLiteral(part, keyTuples ? i : col, col), Types.OTHER);
                }
                ps.executeUpdate();
            }
        }
    }

    /** Roughly how many characters a tuple's values take as array members (bytes are written in hex). */
    static long estimatedChars(Object[] tuple) {
        long n = 0;
        for (Object v : tuple) {
            if (v instanceof String s) {
                n += s.length() + 3;
            } else if (v instanceof byte[] b) {
                n += 2L * b.length + 5;
            } else if (v instanceof io.hstreamio.core.record.JsonText j) {
                n += j.json().length() + 3;
            } else if (v instanceof io.hstreamio.core.record.Geometry g) {
                n += 2L * g.wkb().length + 5;
            } else {
                n += 24;
            }
        }
        return n;
    }

    /** A text[] literal of one column's values: members double-quoted and escaped, NULL unquoted. */
    private String arrayLiteral(List<Object[]> tuples, int at, int column) {
        StringBuilder sb = new StringBuilder(tuples.size() * 16).append('{');
        ColumnSchema cs = columns.get(column);
        TargetType tt = targets[column];
        for (int r = 0; r < tuples.size(); r++) {
            if (r > 0) {
                sb.append(',');
            }
            Object v = tuples.get(r)[at];
            if (v == null) {
                sb.append("NULL");
                continue;
            }
            String s = PgCopyText.text(cs, tt, v);
            sb.append('"');
            int from = 0;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\\') {
                    sb.append(s, from, i).append('\\');
                    from = i;
                }
            }
            sb.append(s, from, s.length()).append('"');
        }
        return sb.append('}').toString();
    }

    /** Builds the statements once, from the target's column types. */
    private void prepare(Connection c) throws SQLException {
        if (upsertSql != null) {
            return;
        }
        Map<String, String> types = columnTypes(c);
        List<String> cast = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> params = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).name();
            String type = types.get(name);
            if (type == null) {
                throw new SQLException("target table " + target + " has no column " + name, "42703");
            }
            names.add(dialect.quote(name));
            params.add("?::text[]");
            cast.add("v" + i + "::" + type);
        }
        String aliases = String.join(", ", java.util.stream.IntStream.range(0, columns.size())
                .mapToObj(i -> "v" + i).toList());
        StringBuilder up = new StringBuilder("INSERT INTO ").append(dialect.qualify(target)).append(" (")
                .append(String.join(", ", names)).append(") SELECT ").append(String.join(", ", cast))
                .append(" FROM unnest(").append(String.join(", ", params)).append(") AS x(").append(aliases)
                .append(")");
        if (!insertOnly) {
            List<String> key = new ArrayList<>();
            List<String> set = new ArrayList<>();
            java.util.Set<Integer> keySet = new java.util.HashSet<>();
            for (int p : keyPositions) {
                key.add(names.get(p));
                keySet.add(p);
            }
            for (int i = 0; i < names.size(); i++) {
                if (!keySet.contains(i)) {
                    set.add(names.get(i) + " = EXCLUDED." + names.get(i));
                }
            }
            up.append(" ON CONFLICT (").append(String.join(", ", key)).append(") ")
                    .append(set.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", set));
        }
        upsertSql = up.toString();
        if (keyPositions.length == 1 && !types.get(columns.get(keyPositions[0]).name()).endsWith("[]")) {
            int p = keyPositions[0];
            // = ANY(array) keeps the primary-key index scan for any batch size.
            deleteSql = "DELETE FROM " + dialect.qualify(target) + " WHERE " + names.get(p) + " = ANY(?::"
                    + types.get(columns.get(p).name()) + "[])";
        } else {
            List<String> on = new ArrayList<>();
            List<String> kp = new ArrayList<>();
            List<String> ka = new ArrayList<>();
            for (int i = 0; i < keyPositions.length; i++) {
                int p = keyPositions[i];
                on.add("t." + names.get(p) + " = k.k" + i + "::" + types.get(columns.get(p).name()));
                kp.add("?::text[]");
                ka.add("k" + i);
            }
            deleteSql = "DELETE FROM " + dialect.qualify(target) + " AS t USING unnest(" + String.join(", ", kp)
                    + ") AS k(" + String.join(", ", ka) + ") WHERE " + String.join(" AND ", on);
        }
    }

    /**
     * Column name → type without modifier, as the target has it. A typmod of -1 (not NULL) makes format_type write
     * "bpchar" and "bit" quoted, which mean the unbounded types; plain character and bit would mean length 1.
     */
    private Map<String, String> columnTypes(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname, format_type(atttypid, -1) FROM pg_attribute"
                + " WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, dialect.qualify(target));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}

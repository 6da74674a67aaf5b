package io.hstreamio.sink.dialect;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.TableSchema;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything that differs between target databases: identifier quoting, type mapping, DDL, write statements, value
 * binding and error classification. Stateless and thread-safe.
 *
 * <p>Statements built here assume the session settings of {@link #sessionInitSql()} (e.g. MySQL's
 * {@code NO_BACKSLASH_ESCAPES} and UTC time zone), which the sink sets on every connection.
 */
public abstract class SqlDialect {

    /** Short name used in messages and options, e.g. {@code postgresql}. */
    public abstract String name();

    /**
     * Quotes one identifier so that the database reads back exactly {@code identifier}: any character allowed,
     * embedded quote characters doubled.
     *
     * @throws IllegalArgumentException when the database cannot hold this name at all (empty, NUL, too long)
     */
    public abstract String quote(String identifier);

    /** Longest identifier the database keeps without truncating, in the unit it counts (bytes or characters). */
    public abstract int maxIdentifierLength();

    /** A string literal for {@code text}, valid under {@link #sessionInitSql()}. */
    public abstract String literal(String text);

    /** Statement run once on every new connection, or null. */
    public abstract String sessionInitSql();

    /** The target type of one source column; {@link TargetType#notes()} lists anything lossy or risky. */
    public abstract TargetType map(ColumnSchema column, ColumnContext context);

    /** CREATE TABLE (and whatever must come with it) for {@code source} at {@code target}. */
    public abstract DdlPlan createTable(TableSchema source, TableRef target, MappingOptions options);

    /**
     * The column's default as target SQL, or null when it has none or none that is portable (then a note says so).
     */
    public abstract String renderDefault(ColumnSchema column, TargetType target, List<String> notes);

    /**
     * Moves the identity / AUTO_INCREMENT counter of {@code column} past the highest value in the table, so that rows
     * inserted at the target after a cutover get fresh keys. Runs in the caller's transaction where the database has
     * transactional DDL; returns the next value the counter will hand out.
     */
    public abstract long resetIdentity(java.sql.Connection connection, TableRef table, String column)
            throws SQLException;

    /**
     * Whether the identity / AUTO_INCREMENT counter moves past explicitly written keys by itself (InnoDB does, and
     * MariaDB/MySQL keep it across restarts); PostgreSQL sequences do not, so {@link #resetIdentity} is needed there.
     */
    public abstract boolean identityFollowsExplicitValues();

    /** One identity / serial / AUTO_INCREMENT column of a table in a target schema. */
    public record IdentityColumn(TableRef table, String column) {}

    /**
     * The identity, serial and AUTO_INCREMENT columns of the tables in {@code schema} (PostgreSQL schema, MySQL
     * database), ordered by table name.
     */
    public abstract List<IdentityColumn> identityColumns(java.sql.Connection connection, String schema)
            throws SQLException;

    /**
     * Whether {@link #upsertSql} can only ever touch the row with the same primary key. MySQL's ON DUPLICATE KEY
     * UPDATE also fires on a secondary unique key and would then overwrite another row, so tables with secondary
     * unique keys are written there with delete-by-key + insert instead.
     */
    public abstract boolean upsertIsKeyExact();

    /** {@code schema.table} quoted; the schema part left out when null. */
    public String qualify(TableRef t) {
        return t.schema() == null ? quote(t.table()) : quote(t.schema()) + "." + quote(t.table());
    }

    // ---- write statements ---------------------------------------------------------------------------------------

    /** Insert-or-replace by primary key, one row of {@code columns} as parameters in order. */
    public String upsertSql(TableRef t, List<String> columns, List<String> key) {
        return upsertSql(t, columns, key, 1);
    }

    /** Insert-or-replace of {@code rows} rows (distinct keys) in one statement, parameters row after row. */
    public abstract String upsertSql(TableRef t, List<String> columns, List<String> key, int rows);

    public String insertSql(TableRef t, List<String> columns) {
        return insertSql(t, columns, 1);
    }

    /** INSERT of {@code rows} rows in one statement: one round trip and one parse instead of one per row. */
    public String insertSql(TableRef t, List<String> columns, int rows) {
        String tuple = "(" + params(columns.size()) + ")";
        StringBuilder sb = new StringBuilder("INSERT INTO ").append(qualify(t)).append(" (").append(list(columns))
                .append(") VALUES ").append(tuple);
        for (int i = 1; i < rows; i++) {
            sb.append(", ").append(tuple);
        }
        return sb.toString();
    }

    /** Deletes {@code rows} keys in one statement: parameters are the key tuples in order. */
    public String deleteByKeysSql(TableRef t, List<String> key, int rows) {
        String tuple = key.size() == 1 ? "?" : "(" + params(key.size()) + ")";
        String lhs = key.size() == 1 ? quote(key.get(0)) : "(" + list(key) + ")";
        return "DELETE FROM " + qualify(t) + " WHERE " + lhs + " IN ("
                + String.join(", ", java.util.Collections.nCopies(rows, tuple)) + ")";
    }

    /** Deletes by key: parameters are the key columns in order. */
    public String deleteByKeySql(TableRef t, List<String> key) {
        return "DELETE FROM " + qualify(t) + " WHERE " + key.stream().map(k -> quote(k) + " = ?")
                .collect(Collectors.joining(" AND "));
    }

    /** Deletes one row equal to a before-image on all {@code columns}, NULL-safe; parameters are the image. */
    public abstract String deleteOneMatchingSql(TableRef t, List<String> columns);

    /** Updates one row equal to a before-image: parameters are the new values, then the before-image. */
    public abstract String updateOneMatchingSql(TableRef t, List<String> columns);

    /** Binds one value (of {@code column}'s logical type, or null) for a column of {@code target} type. */
    public abstract void bind(PreparedStatement ps, int index, ColumnSchema column, TargetType target, Object value)
            throws SQLException;

    // ---- checkpoints --------------------------------------------------------------------------------------------

    /** Creates (if absent) the checkpoint table {@code schema.checkpoints}. */
    public abstract List<String> checkpointDdl(String schema);

    /** Sets one checkpoint: parameters sink, stream, shard, record id text. */
    public abstract String checkpointUpsertSql(String schema);

    public String checkpointSelectSql(String schema) {
        return "SELECT " + quote("stream") + ", " + quote("shard") + ", " + quote("record_id") + " FROM "
                + quote(schema) + "." + quote("checkpoints") + " WHERE " + quote("sink") + " = ?";
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    /**
     * Whether retrying the whole transaction may succeed: the server cannot be reached ({@link #isConnectionFailure}),
     * serialization failure (40001), deadlock (40P01, MySQL 1213), lock wait timeout, and the like. Everything else
     * (constraint violations, bad values) is permanent.
     */
    public boolean isRetriable(SQLException e) {
        if (isConnectionFailure(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.equals("40001") || state.equals("40P01") || state.equals("55P03"))) {
                    return true;
                }
                if (isRetriableVendorCode(s.getErrorCode())) {
                    return true;
                }
                if (s.getNextException() != null && s.getNextException() != t.getCause()
                        && isRetriable(s.getNextException())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the server could not be reached or went away: connection refused, reset or lost (SQLState class 08, a
     * socket error underneath), server shutting down (57P01..57P03) or out of connections (53300; MySQL codes in
     * {@link #isConnectionVendorCode}). Such a failure lasts as long as the outage, so it is retried for a time, not a
     * number of attempts. A pool's "connection not available" counts only through its cause: a wrong password
     * (28P01) behind it is no outage.
     */
    public boolean isConnectionFailure(SQLException e) {
        return connectionFailure(e, 0);
    }

    private boolean connectionFailure(Throwable t, int depth) {
        for (; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03") || state.equals("53300"))) {
                    return true;
                }
                if (isConnectionVendorCode(s.getErrorCode())
                        || state == null && s instanceof java.sql.SQLTransientConnectionException) {
                    return true;
                }
                SQLException next = s.getNextException();
                if (next != null && next != s.getCause() && connectionFailure(next, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Vendor error codes that mean the connection is gone or cannot be made. */
    protected boolean isConnectionVendorCode(int code) {
        return false;
    }

    protected boolean isRetriableVendorCode(int code) {
        return false;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    protected String list(List<String> columns) {
        return columns.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    protected static String params(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** Columns of the primary key or of any index. */
    protected static Set<String> indexedColumns(TableSchema t) {
        Set<String> out = new HashSet<>(t.primaryKey());
        for (IndexSchema i : t.indexes()) {
            out.addAll(i.columns());
        }
        return out;
    }

    /** "column `x` (BIGINT UNSIGNED → numeric(20,0)): note" for each note. */
    protected static void describeNotes(List<String> out, ColumnSchema c, TargetType t) {
        for (String n : t.notes()) {
            out.add("column " + c.name() + " (" + c.sourceType() + " → " + t.ddl() + "): " + n);
        }
    }

    /** A name for a derived object (index, type) within the length limit, kept unique by a hash suffix. */
    protected String derivedName(String... parts) {
        String name = String.join("_", parts);
        if (lengthOf(name) <= maxIdentifierLength()) {
            return name;
        }
        String hash = Integer.toHexString(name.hashCode());
        StringBuilder sb = new StringBuilder();
        for (int cp : name.codePoints().toArray()) {
            String next = sb + new String(Character.toChars(cp));
            if (lengthOf(next) + 1 + hash.length() > maxIdentifierLength()) {
                break;
            }
            sb.appendCodePoint(cp);
        }
        return sb + "_" + hash;
    }

    /** Identifier length in the database's unit. */
    protected abstract int lengthOf(String identifier);

    protected static List<String> notes(String... n) {
        return new ArrayList<>(List.of(n));
    }
}

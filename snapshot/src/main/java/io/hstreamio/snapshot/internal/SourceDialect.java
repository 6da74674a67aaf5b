package io.hstreamio.snapshot.internal;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.DatabaseUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * What differs between source servers: catalog reading, quoting, value reading, streaming reads and consistent
 * snapshots. Stateless and thread-safe.
 */
public abstract class SourceDialect {

    /** Reads one column of the current result-set row into its logical type's carrier. */
    @FunctionalInterface
    public interface ValueReader {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    public static SourceDialect of(DatabaseUrl.Kind kind) {
        return kind == DatabaseUrl.Kind.POSTGRESQL ? PostgresSource.INSTANCE : MariaDbSource.INSTANCE;
    }

    public abstract String quote(String identifier);

    public abstract String qualify(TableId table);

    /** Driver properties: credentials plus what streaming and exact values need. */
    public abstract Properties connectionProperties(DatabaseUrl url);

    /** SQL run on every new connection (session time zone and the like); may be null. */
    public abstract String sessionInitSql();

    /** The base tables of the URL's database (MySQL) or schema (PostgreSQL), sorted by name. */
    public abstract List<TableId> listTables(Connection c, DatabaseUrl url) throws SQLException;

    /** The full shape of a table; see {@code SchemaParityIT} for the promise that CDC gives the same one. */
    public abstract TableSchema describe(Connection c, TableId table) throws SQLException;

    /** The server's row-count estimate (statistics, not a count); -1 when unknown. */
    public abstract long estimateRows(Connection c, TableId table) throws SQLException;

    /** Bytes per row by the catalog's statistics; 0 when unknown. */
    protected abstract long catalogRowBytes(Connection c, TableId table) throws SQLException;

    /** SQL for the length in bytes of one column's value (as stored, or as text); NULL for NULL. */
    protected abstract String lengthSql(ColumnSchema column);

    /**
     * Estimated bytes of one row: the larger of the catalog's figure and the average length of the values of up to
     * {@value #WIDTH_SAMPLE} rows. The sample is the safeguard: statistics lag behind a table filled since the last
     * ANALYZE, and values stored off the row (MariaDB BLOB pages, compressed PostgreSQL TOAST) may escape them. 0 for
     * an empty table.
     */
    public long rowBytes(Connection c, TableSchema table) throws SQLException {
        long catalog = catalogRowBytes(c, table.id());
        String lengths = table.columns().stream().map(col -> "COALESCE(" + lengthSql(col) + ", 0)")
                .collect(java.util.stream.Collectors.joining(" + "));
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT AVG(" + lengths + ") FROM (SELECT * FROM " + qualify(table.id())
                     + " LIMIT " + WIDTH_SAMPLE + ") s")) {
            long sampled = rs.next() ? (long) Math.ceil(rs.getDouble(1)) : 0;
            return Math.max(catalog, sampled);
        }
    }

    /** Rows sampled by {@link #rowBytes}. */
    static final int WIDTH_SAMPLE = 100;

    public abstract ValueReader reader(ColumnSchema column);

    /** How a SELECT list names the column so that {@link #reader} reads it: the quoted name unless a dialect says. */
    public String selectColumn(ColumnSchema column) {
        return quote(column.name());
    }

    /** Makes {@code st} stream its result set in slices instead of loading it whole. */
    public abstract void stream(Connection c, Statement st, int fetchSize) throws SQLException;

    /**
     * Ranges that split a table without primary key, as SQL predicates; one whole-table range when the server
     * offers no physical addressing. {@code rowsPerChunk} is a target, not a bound.
     */
    public abstract List<String> keylessRanges(Connection c, TableId table, long rowsPerChunk) throws SQLException;

    /** One consistent view shared by every worker connection ({@code --consistent}). */
    public abstract ConsistentView consistentView(Connection coordinator, List<Connection> workers)
            throws SQLException;

    /** Held for the whole read; {@link #close} ends the coordinator's part. */
    public interface ConsistentView extends AutoCloseable {
        @Override
        void close() throws SQLException;
    }

    /** The user and password of a URL as driver properties; each dialect adds its own settings. */
    protected static Properties credentials(DatabaseUrl url) {
        Properties p = new Properties();
        if (url.user() != null) {
            p.setProperty("user", url.user());
        }
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        return p;
    }
}

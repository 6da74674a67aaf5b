package io.hstreamio.core.record;

import java.util.Objects;

/**
 * The identity of a table at its source.
 *
 * @param database the database (MySQL schema, PostgreSQL database); may be null when the context gives it
 * @param schema   the PostgreSQL schema; null for MySQL/MariaDB
 * @param table    the table name, never null
 */
public record TableId(String database, String schema, String table) implements Comparable<TableId> {
    public TableId {
        Objects.requireNonNull(table, "table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("table name must not be empty");
        }
    }

    public static TableId of(String database, String table) {
        return new TableId(database, null, table);
    }

    /** Dot-separated name without quoting, for logs and messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (database != null) {
            sb.append(database).append('.');
        }
        if (schema != null) {
            sb.append(schema).append('.');
        }
        return sb.append(table).toString();
    }

    @Override
    public int compareTo(TableId o) {
        return toString().compareTo(o.toString());
    }
}

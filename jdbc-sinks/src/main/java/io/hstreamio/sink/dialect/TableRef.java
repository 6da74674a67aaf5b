package io.hstreamio.sink.dialect;

import java.util.Objects;

/**
 * A table in the target database.
 *
 * @param schema the PostgreSQL schema or the MySQL/MariaDB database; null means the connection's current one
 * @param table  the table name, unquoted
 */
public record TableRef(String schema, String table) {
    public TableRef {
        Objects.requireNonNull(table, "table");
    }

    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }
}

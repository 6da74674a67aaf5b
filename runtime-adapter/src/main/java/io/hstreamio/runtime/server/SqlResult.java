package io.hstreamio.runtime.server;

import java.util.List;

/**
 * What one statement did: a message, and for SHOW/DESCRIBE a table.
 *
 * @param columns empty when the statement returns no table
 */
public record SqlResult(String statement, String message, List<String> columns, List<List<Object>> rows) {
    public SqlResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
    }

    static SqlResult message(String statement, String message) {
        return new SqlResult(statement, message, List.of(), List.of());
    }
}

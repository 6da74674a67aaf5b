package io.hstreamio.cdc.internal;

import io.hstreamio.core.record.TableId;
import java.util.Map;

/**
 * Column detail that Debezium's records do not carry and its schema history does not hold (PostgreSQL has none):
 * defaults, identity/serial, character set, and the column's lasting identity in the table. Called on the engine
 * thread when a table's shape is first seen and when it changes. Best effort: an implementation returns an empty map
 * rather than fail the capture.
 */
public interface ColumnExtras {
    /**
     * @param position the column's number in the table, which a rename or a type change keeps and no later column
     *                 reuses (PostgreSQL's attnum); null when unknown
     */
    record Extra(String defaultValue, boolean autoIncrement, String charset, Integer position) {}

    ColumnExtras NONE = table -> Map.of();

    /** Detail by column name. */
    Map<String, Extra> of(TableId table);
}

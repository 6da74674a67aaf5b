package io.hstreamio.cdc.internal;

import io.hstreamio.core.record.TableId;
import java.util.Map;

/**
 * Column detail that Debezium's records do not carry and its schema history does not hold (PostgreSQL has none):
 * defaults, identity/serial, character set. Called on the engine thread when a table's shape is first seen.
 * Best effort: an implementation returns an empty map rather than fail the capture.
 */
public interface ColumnExtras {
    record Extra(String defaultValue, boolean autoIncrement, String charset) {}

    ColumnExtras NONE = table -> Map.of();

    /** Detail by column name. */
    Map<String, Extra> of(TableId table);
}

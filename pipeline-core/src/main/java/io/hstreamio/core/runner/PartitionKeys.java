package io.hstreamio.core.runner;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.Row;
import java.util.Arrays;

/**
 * The partition key of an event: table plus primary-key values, so that all changes of one row land in one shard in
 * order. Events without a key (tables without a primary key, schema changes) use the table alone, which keeps them in
 * table order.
 */
public final class PartitionKeys {
    private PartitionKeys() {}

    public static String of(ChangeEvent e) {
        String table = e.table() == null ? "" : e.table().toString();
        Row row = e.keyRow();
        if (row == null || e.schema() == null || !e.schema().hasPrimaryKey()) {
            return table;
        }
        StringBuilder sb = new StringBuilder(table);
        for (int pos : e.schema().primaryKeyPositions()) {
            Object v = row.get(pos);
            sb.append('\u0000').append(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v));
        }
        return sb.toString();
    }
}

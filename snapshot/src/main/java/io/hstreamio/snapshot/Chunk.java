package io.hstreamio.snapshot;

import io.hstreamio.core.record.TableSchema;
import java.util.Arrays;
import java.util.List;

/**
 * One slice of a table that a worker reads in one statement: primary-key values in {@code (lower, upper]} (either end
 * open when null), or, for tables without a primary key, a physical range. Immutable.
 *
 * @param table     the table's shape
 * @param index     0-based position of this chunk in its table
 * @param lower     exclusive lower key (values in primary-key order), or null for no lower bound
 * @param upper     inclusive upper key, or null for no upper bound
 * @param rowRange  for tables without a primary key: a predicate over the physical row address (PostgreSQL
 *                  {@code ctid}), or {@code "1 = 1"} for the whole table; null for keyed chunks
 * @param exact     false when rows changed while the snapshot runs may be read twice or missed (keyless tables split
 *                  into several ranges without {@code --consistent}): such chunks are at-least-once at best
 */
public record Chunk(TableSchema table, int index, Object[] lower, Object[] upper, String rowRange, boolean exact) {

    public boolean keyed() {
        return rowRange == null;
    }

    /** For logs and reports: {@code shop.orders chunk 3 (id) in (1000, 2000]}. */
    public String describe() {
        if (!keyed()) {
            return table.id() + " chunk " + index + " [" + rowRange + "]";
        }
        return table.id() + " chunk " + index + " " + keyText() + " in " + (lower == null ? "(-inf" : "("
                + values(lower)) + ", " + (upper == null ? "+inf)" : values(upper) + "]");
    }

    private String keyText() {
        List<String> pk = table.primaryKey();
        return pk.size() == 1 ? pk.get(0) : "(" + String.join(", ", pk) + ")";
    }

    private static String values(Object[] v) {
        return v.length == 1 ? String.valueOf(v[0]) : Arrays.toString(v).replace('[', '(').replace(']', ')');
    }

    @Override
    public String toString() {
        return describe();
    }
}

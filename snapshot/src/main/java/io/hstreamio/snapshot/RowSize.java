package io.hstreamio.snapshot;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableSchema;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/** A cheap estimate of the heap a row takes, to bound buffers in bytes as well as in rows. Stateless. */
public final class RowSize {
    private RowSize() {}

    /**
     * An estimator for rows of {@code table}, in bytes, roughly: object headers and references plus the payload of
     * text and binary values. The fixed-size columns (numbers, dates, times) are counted once, as
     * if never null, and only the others are looked at per row. Called for every row a snapshot reads, so it skips
     * what it can.
     */
    public static ToLongFunction<Row> of(TableSchema table) {
        List<ColumnSchema> cols = table.columns();
        int[] variable = IntStream.range(0, cols.size()).filter(i -> !FIXED.contains(cols.get(i).type())).toArray();
        long fixed = 32 + 8L * cols.size() + 24L * (cols.size() - variable.length);
        return row -> {
            long bytes = fixed;
            for (int i : variable) {
                Object v = row.get(i);
                if (v != null) {
                    bytes += value(v);
                }
            }
            return bytes;
        };
    }

    private static final Set<LogicalType> FIXED = EnumSet.of(LogicalType.BOOLEAN, LogicalType.INT32,
            LogicalType.INT64, LogicalType.FLOAT32, LogicalType.FLOAT64, LogicalType.YEAR, LogicalType.DATE,
            LogicalType.TIME, LogicalType.TIME_TZ, LogicalType.TIMESTAMP, LogicalType.TIMESTAMP_TZ);

    private static long value(Object v) {
        if (v instanceof String s) {
            return 48 + s.length() * 2L; // UTF-16 at worst
        } else if (v instanceof byte[] b) {
            return 16 + b.length;
        } else if (v instanceof JsonText j) {
            return 64 + j.json().length() * 2L;
        } else if (v instanceof Geometry g) {
            return 48 + g.wkb().length;
        } else if (v instanceof BitString b) {
            return 48 + b.length() / 8;
        } else if (v instanceof List<?> l) {
            return 32 + 56L * l.size();
        }
        return 24; // boxed numbers, dates, times
    }
}

package io.hstreamio.sink.write;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The primary-key values of one row, compared by content (byte arrays by bytes, decimals by value), so that changes
 * of one key meet in a batch however the values were built.
 */
public final class RowKey {
    private final Object[] values;
    private final int hash;

    private RowKey(Object[] values) {
        this.values = values;
        this.hash = Arrays.deepHashCode(values);
    }

    /** The values at {@code positions} of {@code row}. */
    public static RowKey of(io.hstreamio.core.record.Row row, int[] positions) {
        Object[] v = new Object[positions.length];
        for (int i = 0; i < positions.length; i++) {
            Object x = row.get(positions[i]);
            // 1.0 and 1.00 are one key in a numeric column.
            v[i] = x instanceof BigDecimal d ? (d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros()) : x;
        }
        return new RowKey(v);
    }

    public Object[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey k && k.hash == hash && Arrays.deepEquals(k.values, values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}

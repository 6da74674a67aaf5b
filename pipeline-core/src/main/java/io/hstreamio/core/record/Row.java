package io.hstreamio.core.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * The values of one row, positionally in its {@link TableSchema}'s column order.
 *
 * <p>Immutable. Each value is null or of its column's {@link LogicalType#javaType()}; {@link #of} checks this.
 * Equality compares byte arrays by content, so rows from a source and from a decoded stream compare equal.
 */
public final class Row {
    private final Object[] values;

    private Row(Object[] values) {
        this.values = values;
    }

    /** Builds a row for {@code schema}, checking the count and the type of every value. */
    public static Row of(TableSchema schema, Object... values) {
        if (values.length != schema.columns().size()) {
            throw new IllegalArgumentException("table " + schema.id() + " has " + schema.columns().size()
                    + " columns, got " + values.length + " values");
        }
        for (int i = 0; i < values.length; i++) {
            ColumnSchema c = schema.columns().get(i);
            if (!c.type().accepts(values[i])) {
                throw new IllegalArgumentException("column " + schema.id() + "." + c.name() + " is " + c.type()
                        + " (" + c.type().javaType().getSimpleName() + "), got " + describe(values[i]));
            }
        }
        return new Row(values.clone());
    }

    /** Wraps values without checks: for decoders that build values from a trusted schema. */
    public static Row trusted(Object[] values) {
        return new Row(values);
    }

    public int size() {
        return values.length;
    }

    public Object get(int position) {
        return values[position];
    }

    public Object get(TableSchema schema, String column) {
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("table " + schema.id() + " has no column " + column);
        }
        return values[i];
    }

    public Object[] toArray() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && Arrays.deepEquals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }

    private static String describe(Object v) {
        return Objects.toString(v) + " (" + v.getClass().getSimpleName() + ")";
    }
}

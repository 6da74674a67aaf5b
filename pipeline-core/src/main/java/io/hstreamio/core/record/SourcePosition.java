package io.hstreamio.core.record;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where an event sits in its source's log, in two forms.
 *
 * <ul>
 *   <li>{@link #order()}: numbers that order positions of one source lexicographically (MySQL: binlog file number,
 *       position, row in event; PostgreSQL: commit LSN, change LSN, ...). Positions of different sources are not
 *       comparable, and {@link #compareTo} says so.
 *   <li>{@link #offset()}: what the source needs to resume after this event, as string pairs.
 * </ul>
 *
 * @param source names the source (e.g. a connector name or server id); positions compare only within one source
 */
public record SourcePosition(String source, long[] order, Map<String, String> offset)
        implements Comparable<SourcePosition> {

    public SourcePosition {
        Objects.requireNonNull(source, "source");
        order = order.clone();
        offset = offset == null ? Map.of() : Map.copyOf(offset);
    }

    public static SourcePosition of(String source, long... order) {
        return new SourcePosition(source, order, Map.of());
    }

    @Override
    public long[] order() {
        return order.clone();
    }

    @Override
    public int compareTo(SourcePosition o) {
        if (!source.equals(o.source)) {
            throw new IllegalArgumentException(
                    "positions of different sources do not compare: '" + source + "' vs '" + o.source + "'");
        }
        return Arrays.compare(order, o.order);
    }

    public boolean isAfter(SourcePosition o) {
        return compareTo(o) > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourcePosition p && p.source.equals(source) && Arrays.equals(p.order, order)
                && p.offset.equals(offset);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, Arrays.hashCode(order), offset);
    }

    @Override
    public String toString() {
        return source + Arrays.toString(order) + (offset.isEmpty() ? "" : new TreeMap<>(offset).toString());
    }
}

package io.hstreamio.snapshot;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.Row;
import java.util.List;

/** A cheap estimate of the heap a row takes, to bound buffers in bytes as well as in rows. Stateless. */
public final class RowSize {
    private RowSize() {}

    /** Bytes, roughly: object headers and references plus the payload of text and binary values. */
    public static long estimate(Row row) {
        long bytes = 32 + 8L * row.size();
        for (int i = 0; i < row.size(); i++) {
            Object v = row.get(i);
            if (v == null) {
                continue;
            }
            if (v instanceof String s) {
                bytes += 48 + s.length() * 2L; // UTF-16 at worst
            } else if (v instanceof byte[] b) {
                bytes += 16 + b.length;
            } else if (v instanceof JsonText j) {
                bytes += 64 + j.json().length() * 2L;
            } else if (v instanceof Geometry g) {
                bytes += 48 + g.wkb().length;
            } else if (v instanceof BitString b) {
                bytes += 48 + b.length() / 8;
            } else if (v instanceof List<?> l) {
                bytes += 32 + 56L * l.size();
            } else {
                bytes += 24; // boxed numbers, dates, times
            }
        }
        return bytes;
    }
}

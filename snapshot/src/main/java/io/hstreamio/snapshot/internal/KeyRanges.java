package io.hstreamio.snapshot.internal;

import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.Chunk;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** SQL predicates over primary-key ranges (row-value comparisons, which both servers run on the index). */
public final class KeyRanges {
    private KeyRanges() {}

    /** {@code (k1, k2) > (?, ?)}. */
    static String greater(SourceDialect d, List<String> key) {
        return tuple(d, key) + " > " + params(key.size());
    }

    /** The WHERE clause of a chunk, with a {@code ?} per bound key value (lower first). */
    public static String where(SourceDialect d, Chunk chunk, List<String> key) {
        if (!chunk.keyed()) {
            return chunk.rowRange();
        }
        String lower = chunk.lower() == null ? null : tuple(d, key) + " > " + params(key.size());
        String upper = chunk.upper() == null ? null : tuple(d, key) + " <= " + params(key.size());
        if (lower == null && upper == null) {
            return "1 = 1";
        }
        return lower == null ? upper : upper == null ? lower : lower + " AND " + upper;
    }

    /** Binds a chunk's bounds from parameter {@code first}. */
    public static void bindBounds(SourceDialect d, PreparedStatement ps, TableSchema table, Chunk chunk)
            throws SQLException {
        int p = 1;
        if (chunk.keyed() && chunk.lower() != null) {
            p = bind(d, ps, p, table, chunk.lower());
        }
        if (chunk.keyed() && chunk.upper() != null) {
            bind(d, ps, p, table, chunk.upper());
        }
    }

    private static String tuple(SourceDialect d, List<String> key) {
        String cols = key.stream().map(d::quote).collect(Collectors.joining(", "));
        return key.size() == 1 ? cols : "(" + cols + ")";
    }

    private static String params(int n) {
        return n == 1 ? "?" : "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
    }

    /** Binds one key's values in their carriers; returns the next parameter index. */
    public static int bindKey(SourceDialect d, PreparedStatement ps, int first, Object[] key) throws SQLException {
        return bind(d, ps, first, null, key);
    }

    /** Binds key values in their carriers; returns the next parameter index. */
    static int bind(SourceDialect d, PreparedStatement ps, int first, TableSchema table, Object[] key)
            throws SQLException {
        boolean pg = d instanceof PostgresSource;
        for (int i = 0; i < key.length; i++) {
            Object v = key[i];
            int p = first + i;
            if (v instanceof BigInteger b) {
                ps.setBigDecimal(p, new BigDecimal(b));
            } else if (v instanceof Instant t) {
                if (pg) {
                    ps.setObject(p, t.atOffset(ZoneOffset.UTC));
                } else {
                    ps.setObject(p, LocalDateTime.ofInstant(t, ZoneOffset.UTC)); // sessions run in UTC
                }
            } else if (v instanceof Year y) {
                ps.setInt(p, y.getValue());
            } else if (v instanceof Duration t) {
                ps.setString(p, mysqlTime(t));
            } else if (v instanceof UUID u && !pg) {
                ps.setString(p, u.toString());
            } else if (v instanceof byte[] b) {
                ps.setBytes(p, b);
            } else {
                ps.setObject(p, v);
            }
        }
        return first + key.length;
    }

    private static String mysqlTime(Duration t) {
        Duration a = t.abs();
        return (t.isNegative() ? "-" : "") + a.toHours() + ":" + String.format("%02d:%02d.%06d", a.toMinutesPart(),
                a.toSecondsPart(), a.toNanosPart() / 1000);
    }
}

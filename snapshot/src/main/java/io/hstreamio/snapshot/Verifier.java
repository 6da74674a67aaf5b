package io.hstreamio.snapshot;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.internal.Normalizer;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares source and target chunk by chunk. Both sides are read client-side with the source's chunk bounds and
 * their values normalized (numbers by value, booleans and BIT(1) as 1/0, JSON with sorted keys, times in UTC, ...),
 * so that a MySQL row and its PostgreSQL copy compare equal. Per chunk, a checksum (the sum of row hashes) and the
 * row count of each side are compared; a differing chunk is reported as its key range, then its differing rows.
 *
 * <p>Integer keys are compared by range on both sides. Other keys order differently across servers (collations), so
 * the target is read by the source chunk's keys instead, and extra target rows are found by counting. Tables without
 * a primary key are compared as multisets (count and checksum), without listing rows.
 *
 * <p>Runs on the caller's thread, one chunk in memory at a time.
 */
public final class Verifier {
    private final SnapshotReader source;
    private final SnapshotReader target;
    private final PrintWriter out;
    private final int maxRows;

    /** A differing range: where, and the differing rows (at most {@code maxRows} of them). */
    public record Difference(String table, String range, String summary, List<String> rows) {}

    public record Result(long tables, long chunks, long rows, List<Difference> differences) {
        public boolean equal() {
            return differences.isEmpty();
        }
    }

    public Verifier(SnapshotReader source, SnapshotReader target, PrintWriter out, int maxRows) {
        this.source = source;
        this.target = target;
        this.out = out;
        this.maxRows = maxRows;
    }

    public Result run() throws SQLException {
        Map<String, TableSchema> targets = target.tables().stream()
                .collect(Collectors.toMap(t -> t.id().table(), Function.identity(), (a, b) -> a));
        List<Difference> diffs = new ArrayList<>();
        long chunks = 0;
        long rows = 0;
        try (Connection sc = source.connection(); Connection tc = target.connection()) {
            for (TableSchema s : source.tables()) {
                TableSchema t = targets.get(s.id().table());
                if (t == null) {
                    diffs.add(report(new Difference(s.id().toString(), "whole table", "missing in the target",
                            List.of())));
                    continue;
                }
                long before = diffs.size();
                long tableRows;
                if (s.hasPrimaryKey()) {
                    long[] counted = keyed(sc, tc, s, t, diffs);
                    chunks += counted[0];
                    tableRows = counted[1];
                } else {
                    chunks++;
                    tableRows = keyless(sc, tc, s, t, diffs);
                }
                rows += tableRows;
                out.printf(Locale.ROOT, "verify: %s: %,d rows, %s%n", s.id(), tableRows,
                        diffs.size() == before ? "equal" : (diffs.size() - before) + " differing range(s)");
                out.flush();
            }
        }
        out.printf(Locale.ROOT, "verify: %d table(s), %,d chunks, %,d rows: %s%n", source.tables().size(), chunks,
                rows, diffs.isEmpty() ? "source and target are equal" : diffs.size() + " differing range(s)");
        out.flush();
        return new Result(source.tables().size(), chunks, rows, diffs);
    }

    private long[] keyed(Connection sc, Connection tc, TableSchema s, TableSchema t, List<Difference> diffs)
            throws SQLException {
        boolean byRange = s.primaryKey().stream().map(s::column).map(ColumnSchema::type)
                .allMatch(x -> x == LogicalType.INT32 || x == LogicalType.INT64);
        int[] sk = s.primaryKeyPositions();
        int[] tk = positions(t, s.primaryKey());
        int[] tcols = positions(t, s.columns().stream().map(ColumnSchema::name).toList());
        long chunks = 0;
        long rows = 0;
        long matchedTarget = 0;
        for (Chunk chunk : source.chunks(s)) {
            chunks++;
            Map<String, String> src = new LinkedHashMap<>();
            List<Object[]> keys = new ArrayList<>();
            for (Row r : source.readRange(sc, s, chunk)) {
                src.put(key(r, sk), Normalizer.row(r, allPositions(s.columns().size())));
                keys.add(values(r, sk));
            }
            rows += src.size();
            List<Row> targetRows = byRange ? target.readRange(tc, t, chunk) : target.readKeys(tc, t, keys);
            Map<String, String> tgt = new LinkedHashMap<>();
            for (Row r : targetRows) {
                tgt.put(key(r, tk), Normalizer.row(r, tcols));
            }
            matchedTarget += tgt.size();
            long sSum = checksum(src);
            long tSum = checksum(tgt);
            if (sSum != tSum || src.size() != tgt.size()) {
                diffs.add(report(new Difference(s.id().toString(), chunk.describe(), String.format(Locale.ROOT,
                        "source %,d rows (checksum %016x), target %,d rows (checksum %016x)", src.size(), sSum,
                        tgt.size(), tSum), rowDiffs(s, src, tgt))));
            }
        }
        if (!byRange) {
            long total = target.count(tc, t);
            if (total > matchedTarget) {
                diffs.add(report(new Difference(s.id().toString(), "keys not in the source", String.format(
                        Locale.ROOT, "the target has %,d row(s) whose key the source does not have",
                        total - matchedTarget), List.of())));
            }
        }
        return new long[] {chunks, rows};
    }

    private long keyless(Connection sc, Connection tc, TableSchema s, TableSchema t, List<Difference> diffs)
            throws SQLException {
        Chunk whole = new Chunk(s, 0, null, null, "1 = 1", true);
        long[] src = new long[2];
        int[] all = allPositions(s.columns().size());
        source.forEachRow(sc, s, whole, r -> {
            src[0]++;
            src[1] += Normalizer.hash(Normalizer.row(r, all));
        });
        long[] tgt = new long[2];
        int[] tcols = positions(t, s.columns().stream().map(ColumnSchema::name).toList());
        target.forEachRow(tc, t, new Chunk(t, 0, null, null, "1 = 1", true), r -> {
            tgt[0]++;
            tgt[1] += Normalizer.hash(Normalizer.row(r, tcols));
        });
        if (src[0] != tgt[0] || src[1] != tgt[1]) {
            diffs.add(report(new Difference(s.id().toString(), "whole table (no primary key)", String.format(
                    Locale.ROOT, "source %,d rows (checksum %016x), target %,d rows (checksum %016x); rows of "
                            + "tables without a primary key are not listed", src[0], src[1], tgt[0], tgt[1]),
                    List.of())));
        }
        return src[0];
    }

    private List<String> rowDiffs(TableSchema s, Map<String, String> src, Map<String, String> tgt) {
        List<String> out = new ArrayList<>();
        String key = String.join(",", s.primaryKey());
        for (Map.Entry<String, String> e : src.entrySet()) {
            String other = tgt.get(e.getKey());
            if (other == null) {
                out.add("missing in target: " + key + "=" + e.getKey() + " " + e.getValue());
            } else if (!other.equals(e.getValue())) {
                out.add("differs: " + key + "=" + e.getKey() + " source " + e.getValue() + " target " + other);
            }
        }
        for (Map.Entry<String, String> e : tgt.entrySet()) {
            if (!src.containsKey(e.getKey())) {
                out.add("only in target: " + key + "=" + e.getKey() + " " + e.getValue());
            }
        }
        return out.size() > maxRows ? List.copyOf(out.subList(0, maxRows)) : out;
    }

    private Difference report(Difference d) {
        out.println("verify: DIFF " + d.table() + " " + d.range() + ": " + d.summary());
        d.rows().forEach(r -> out.println("  " + r));
        out.flush();
        return d;
    }

    private static long checksum(Map<String, String> rows) {
        long sum = 0;
        for (String r : rows.values()) {
            sum += Normalizer.hash(r);
        }
        return sum;
    }

    private static int[] positions(TableSchema t, List<String> names) {
        return names.stream().mapToInt(t::indexOf).toArray();
    }

    private static int[] allPositions(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static String key(Row r, int[] positions) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < positions.length; i++) {
            sb.append(i == 0 ? "" : ",").append(Normalizer.value(positions[i] < 0 ? null : r.get(positions[i])));
        }
        return sb.toString();
    }

    private static Object[] values(Row r, int[] positions) {
        Object[] out = new Object[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = r.get(positions[i]);
        }
        return out;
    }
}

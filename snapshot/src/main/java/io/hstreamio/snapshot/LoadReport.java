package io.hstreamio.snapshot;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Progress lines and the closing summary of a load, in the spirit of pgloader's. Stateless. */
public final class LoadReport {
    private LoadReport() {}

    /** One plain progress line: rows so far, of the estimate, tables done, rate since the start. */
    public static String progressLine(List<TableStats> tables, Duration elapsed) {
        long read = 0;
        long written = 0;
        long estimate = 0;
        int done = 0;
        for (TableStats t : tables) {
            read += t.read();
            written += t.written();
            estimate += Math.max(0, t.estimatedRows());
            if (t.complete()) {
                done++;
            }
        }
        double secs = Math.max(0.001, elapsed.toMillis() / 1000.0);
        String of = estimate > 0 ? String.format(Locale.ROOT, " of ~%,d (%d%%)", estimate,
                Math.min(100, written * 100 / estimate)) : "";
        return String.format(Locale.ROOT, "load: %,d rows written%s, %,d read, %d/%d tables, %,.0f rows/s, %.0f s",
                written, of, read, done, tables.size(), written / secs, secs);
    }

    /** The summary table: per table rows read, rows written, errors and time; then the totals. */
    public static void summary(PrintWriter out, List<TableStats> tables, Duration total) {
        int width = Math.max(20, tables.stream().mapToInt(t -> t.table().toString().length()).max().orElse(0));
        String rowFormat = "%-" + width + "s  %12s  %12s  %8s  %10s%s%n";
        String rule = "-".repeat(width) + "  " + "-".repeat(12) + "  " + "-".repeat(12) + "  " + "-".repeat(8)
                + "  " + "-".repeat(10);
        out.printf(Locale.ROOT, rowFormat, "table name", "read", "written", "errors", "time", "");
        out.println(rule);
        long read = 0;
        long written = 0;
        long errors = 0;
        for (TableStats t : tables) {
            read += t.read();
            written += t.written();
            errors += t.errors();
            out.printf(Locale.ROOT, rowFormat, t.table(), n(t.read()), n(t.written()), n(t.errors()),
                    secs(t.activeNanos() / 1_000_000), t.note() == null ? "" : "  " + t.note());
        }
        out.println(rule);
        out.printf(Locale.ROOT, rowFormat, "Total import time", n(read), n(written), n(errors), secs(total.toMillis()),
                String.format(Locale.ROOT, "  %,.0f rows/s", written * 1000.0 / Math.max(1, total.toMillis())));
        out.flush();
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String secs(long millis) {
        return String.format(Locale.ROOT, "%.3fs", millis / 1000.0);
    }
}

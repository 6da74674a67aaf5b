package io.hstreamio.runtime.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text of live progress bars: one line per table (name, bar, rows done of the estimate, %, rows/s, ETA) and a
 * total. Pure: figures and the injected clock in, lines out, each at most {@code width} columns of plain ASCII; drawing
 * them is {@link TerminalBars}'s job. Rates are measured over a sliding {@code window} (what the copy does now, not its
 * average since the start), from the figures of successive {@link #render} calls.
 *
 * <p>When there are more tables than {@code height} lines, finished tables are folded into the total first, then the
 * tables not started yet; the total line says how many it holds. Not thread-safe: one rendering thread.
 */
final class ProgressBars {
    /** One table's figures at one moment; {@code estimate} below 0 means unknown. */
    record Item(String name, long done, long estimate, boolean finished) {}

    private static final String TOTAL = "total";
    private static final int MIN_BAR = 6;

    private final Clock clock;
    private final long windowNanos;
    private final long startNanos;
    private final Map<String, Deque<long[]>> samples = new HashMap<>(); // {nanos, done}, oldest first
    private final Map<String, long[]> spans = new HashMap<>(); // {first nanos with rows, nanos when finished}

    ProgressBars(Clock clock, Duration window) {
        this.clock = clock;
        this.windowNanos = window.toNanos();
        this.startNanos = nanos();
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * @param items  the tables, in the order to show them
     * @param extra  lines shown under the total (e.g. the streaming lag), cut to the width
     * @param width  columns available; every line returned fits
     * @param height lines available; at least the total and {@code extra} are shown
     */
    List<String> render(List<Item> items, List<String> extra, int width, int height) {
        long now = nanos();
        long done = 0;
        long estimate = 0;
        boolean estimateKnown = true;
        boolean allFinished = !items.isEmpty();
        for (Item it : items) {
            track(it.name(), it.done(), it.finished(), now);
            done += it.done();
            if (it.finished()) {
                estimate += it.done();
            } else if (it.estimate() >= 0) {
                estimate += Math.max(it.estimate(), it.done());
            } else {
                estimateKnown = false;
            }
            allFinished &= it.finished();
        }
        track(TOTAL, done, allFinished, now);

        int room = Math.max(0, height - 1 - extra.size());
        List<Item> shown = new ArrayList<>(items);
        if (shown.size() > room) {
            // Fold finished tables first, then those not started, so the ones being copied stay in view.
            List<Item> active = new ArrayList<>();
            List<Item> waiting = new ArrayList<>();
            for (Item it : items) {
                if (!it.finished()) {
                    (it.done() > 0 ? active : waiting).add(it);
                }
            }
            active.addAll(waiting);
            shown = active.subList(0, Math.min(room, active.size()));
        }
        int nameWidth = TOTAL.length();
        for (Item it : shown) {
            nameWidth = Math.max(nameWidth, it.name().length());
        }
        nameWidth = Math.min(nameWidth, Math.max(8, width / 3));

        long finished = items.stream().filter(Item::finished).count();
        String tables = String.format(Locale.ROOT, "  %d/%d tables%s", finished, items.size(),
                shown.size() < items.size() ? String.format(Locale.ROOT, ", %d not shown",
                        items.size() - shown.size()) : "");
        // Figures first, so that every bar gets the same width: what is left after the widest figures.
        List<String[]> rows = new ArrayList<>(); // {name, figures}
        List<long[]> figures = new ArrayList<>(); // {done, estimate or -1, finished}
        for (Item it : shown) {
            long est = it.finished() ? it.done() : it.estimate();
            rows.add(new String[] {it.name(), stats(it.name(), it.done(), est, it.finished(), now)});
            figures.add(new long[] {it.done(), est, it.finished() ? 1 : 0});
        }
        long totalEstimate = estimateKnown ? estimate : -1;
        rows.add(new String[] {TOTAL, stats(TOTAL, done, totalEstimate, allFinished, now) + tables});
        figures.add(new long[] {done, totalEstimate, allFinished ? 1 : 0});
        int statsWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        int barWidth = Math.min(40, width - nameWidth - statsWidth - 4);

        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String label = cut(rows.get(i)[0], Math.max(1, nameWidth));
            long[] f = figures.get(i);
            String bar = barWidth >= MIN_BAR ? "  " + bar(f[0], f[1], f[2] == 1, barWidth) : "";
            lines.add(cut(label + " ".repeat(Math.max(0, nameWidth - label.length())) + bar + "  " + rows.get(i)[1],
                    width));
        }
        for (String e : extra) {
            lines.add(cut(e, width));
        }
        return lines;
    }

    private String stats(String key, long done, long estimate, boolean finished, long now) {
        String of = estimate >= 0 ? "/~" + count(estimate) : "";
        String pct;
        if (finished) {
            pct = "100%";
        } else if (estimate < 0) {
            pct = "  ?%";
        } else if (done >= estimate) {
            pct = ">99%"; // the estimate was low: more rows than the server expected
        } else {
            pct = String.format(Locale.ROOT, "%3d%%", estimate == 0 ? 0 : done * 100 / estimate);
        }
        if (finished) {
            long[] span = spans.get(key);
            long took = span == null || span[0] == Long.MIN_VALUE ? 0 : span[1] - span[0];
            double avg = took <= 0 ? 0 : done * 1e9 / took;
            return String.format(Locale.ROOT, "%s%s %s  %s/s  done in %s", count(done), of, pct, count((long) avg),
                    clock(took));
        }
        double rate = rate(key, now);
        String eta = "?";
        if (rate > 0 && estimate >= 0 && done < estimate) {
            eta = clock((long) ((estimate - done) / rate * 1e9));
        }
        return String.format(Locale.ROOT, "%s%s %s  %s/s  ETA %s", count(done), of, pct,
                rate < 0 ? "-" : count((long) rate), eta);
    }

    private static String bar(long done, long estimate, boolean finished, int width) {
        int inner = width - 2;
        int filled;
        if (finished) {
            filled = inner;
        } else if (estimate <= 0) {
            filled = 0;
        } else {
            filled = (int) Math.min(inner, done * inner / estimate);
        }
        return "[" + "#".repeat(filled) + ".".repeat(inner - filled) + "]";
    }

    /** Rows per second over the window; -1 until two samples exist. */
    private double rate(String key, long now) {
        Deque<long[]> d = samples.get(key);
        if (d == null || d.size() < 2) {
            return -1;
        }
        long[] first = d.peekFirst();
        long[] last = d.peekLast();
        long dt = last[0] - first[0];
        return dt <= 0 ? -1 : (last[1] - first[1]) * 1e9 / dt;
    }

    private void track(String key, long done, boolean finished, long now) {
        Deque<long[]> d = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
        d.addLast(new long[] {now, done});
        // Keep one sample at or before the window's start as the base of the rate.
        while (d.size() > 2) {
            long[] second = d.stream().skip(1).findFirst().orElseThrow();
            if (second[0] > now - windowNanos) {
                break;
            }
            d.removeFirst();
        }
        long[] span = spans.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
        if (span[0] == Long.MIN_VALUE && key.equals(TOTAL)) {
            span[0] = startNanos; // the whole job's time, waiting included
        } else if (span[0] == Long.MIN_VALUE && done > 0) {
            // Started between the previous render and this one: count from the previous render (or the start).
            long previous = d.size() >= 2 ? d.stream().skip(d.size() - 2).findFirst().orElseThrow()[0] : startNanos;
            span[0] = Math.min(previous, now);
        }
        if (finished && span[1] == Long.MIN_VALUE) {
            span[1] = now;
            if (span[0] == Long.MIN_VALUE) {
                span[0] = now;
            }
        }
    }

    /** A row count in at most 6 columns beyond 99,999: 123,456 becomes 123k, 12,345,678 becomes 12.3M. */
    static String count(long n) {
        if (n < 100_000) {
            return String.format(Locale.ROOT, "%,d", n);
        }
        String[] units = {"k", "M", "G", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v)) + units[u];
    }

    /** A duration as m:ss or h:mm:ss. */
    static String clock(long nanos) {
        long s = Math.max(0, Math.round(nanos / 1e9));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + "~";
    }
}

package io.hstreamio.runtime.cli;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.runner.LagTracker;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one source → stream → sink pipeline on a store (embedded or HStreamDB) until it completes or SIGINT/SIGTERM, printing
 * progress and a summary. Shared by {@code pipeline}, {@code sync} and {@code demo}. A first SIGINT/SIGTERM stops the
 * pipeline cleanly (flush, commit) and the command still exits 0; a second one ends the process at once.
 */
final class PipelineJob {
    private PipelineJob() {}

    record Result(long produced, long delivered, long skipped, Duration elapsed, Map<String, Long> sinkCounters) {}

    static Result run(String name, String store, String sourceName, Map<String, ?> sourceOptions, String sinkName,
            Map<String, ?> sinkOptions, PrintWriter out) throws Exception {
        return run(name, store, sourceName, sourceOptions, sinkName, sinkOptions, out, p -> { });
    }

    /** @param onStart told the running pipeline, e.g. to stop it from another thread */
    static Result run(String name, String store, String sourceName, Map<String, ?> sourceOptions, String sinkName,
            Map<String, ?> sinkOptions, PrintWriter out, java.util.function.Consumer<LocalPipeline> onStart)
            throws Exception {
        return run(name, store, sourceName, sourceOptions, sinkName, sinkOptions, out, LiveProgress.lines(out),
                onStart);
    }

    /**
     * @param out      the command's stdout (signal notices); pass it through {@link LiveProgress#above} if bars may be
     *                 up
     * @param progress bars (per-table snapshot progress, then the streaming lag) or a plain line every 2 s
     * @param onStart  told the running pipeline, e.g. to stop it from another thread
     */
    static Result run(String name, String store, String sourceName, Map<String, ?> sourceOptions, String sinkName,
            Map<String, ?> sinkOptions, PrintWriter out, LiveProgress progress,
            java.util.function.Consumer<LocalPipeline> onStart) throws Exception {
        Connectors connectors = Connectors.discover();
        SourceConnector source = connectors.source(sourceName);
        SinkConnector sink = connectors.sink(sinkName);
        Clock clock = Clock.systemUTC();
        try (StreamStore streams = Stores.open(store)) {
            LocalPipeline pipeline = new LocalPipeline(name, streams, Stores.codecFor(streams), clock,
                    source, sourceOptions, sink, sinkOptions);
            Thread hook = new Thread(pipeline::stop, "hstream-io-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            StopSignals signals = StopSignals.install(pipeline::stop, out);
            long started = System.nanoTime();
            Display display = new Display(pipeline, progress);
            pipeline.start();
            onStart.accept(pipeline);
            Optional<Throwable> failure;
            try {
                failure = pipeline.awaitCompletion(progress.bars() ? Duration.ofMillis(LoadCommand.BARS_EVERY_MILLIS)
                        : Duration.ofSeconds(2), display::show);
            } finally {
                display.last(); // the final state, once, before a summary or an error
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            signals.restore();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // SIGINT/SIGTERM: the hook already ran and stopped the pipeline; finish the summary.
            }
            if (failure.isPresent()) {
                throw new JobFailedException(Errors.oneLine(failure.get()), failure.get());
            }
            return new Result(pipeline.source().metrics().deliveredRecords(),
                    pipeline.sink().metrics().deliveredRecords(), pipeline.sink().metrics().skippedRecords(),
                    elapsed, pipeline.sink().metrics().snapshot());
        }
    }

    /**
     * What the progress shows while the pipeline runs: with bars, one per table of a CDC source's snapshot (from its
     * {@code snapshot_rows/<table>} metrics), drawn until every table is durable and then left on the screen once;
     * under them, and alone afterwards, the streaming line. Without bars, the plain line of before.
     */
    private static final class Display {
        private final LocalPipeline pipeline;
        private final LiveProgress progress;
        private boolean snapshotShown;

        Display(LocalPipeline pipeline, LiveProgress progress) {
            this.pipeline = pipeline;
            this.progress = progress;
        }

        void show(long produced, long consumed) {
            Map<String, Long> metrics = pipeline.source().metrics().snapshot();
            long behind = Math.max(0, produced - consumed);
            if (!progress.bars()) {
                if (produced + consumed > 0) {
                    progress.line(String.format("... source: %,d events durable in the stream; sink: %,d delivered%s%s",
                            produced, consumed, snapshotProgress(metrics, behind), lag()));
                }
                return;
            }
            List<String> streaming = List.of(streamingLine(produced, consumed));
            List<ProgressBars.Item> tables = tables(metrics);
            if (!tables.isEmpty() && !snapshotShown) {
                if (tables.stream().allMatch(ProgressBars.Item::finished)) {
                    progress.finish(tables, List.of()); // the snapshot's final state stays above the streaming line
                    snapshotShown = true;
                    progress.frame(streaming, false);
                } else {
                    progress.update(tables, streaming);
                }
            } else {
                progress.frame(streaming, false);
            }
        }

        void last() {
            if (progress.bars()) {
                long produced = pipeline.source().metrics().deliveredRecords();
                long consumed = pipeline.sink().metrics().deliveredRecords()
                        + pipeline.sink().metrics().skippedRecords();
                List<ProgressBars.Item> tables = tables(pipeline.source().metrics().snapshot());
                if (!tables.isEmpty() && !snapshotShown) {
                    progress.finish(tables, List.of(streamingLine(produced, consumed)));
                } else {
                    progress.frame(List.of(streamingLine(produced, consumed)), true);
                }
            }
        }

        private String streamingLine(long produced, long consumed) {
            long behind = Math.max(0, produced - consumed);
            return String.format("streaming: %,d events durable in the stream, %,d applied, %,d behind%s", produced,
                    consumed, behind, lag());
        }

        /** {@code ; lag 1.2 s}: the sink's, from the commit times it wrote (see {@link LagTracker}); empty before any. */
        private String lag() {
            return pipeline.sink().lag().lag().map(d -> String.format("; lag %s", duration(d))).orElse("");
        }
    }

    /** Per-table snapshot progress from a CDC source's metrics; empty for sources without a snapshot in this run. */
    static List<ProgressBars.Item> tables(Map<String, Long> metrics) {
        // The metric names of cdc-sources' SnapshotHandOff: <metric>/<table>, plain counters.
        String rowsPrefix = "snapshot_rows/";
        List<ProgressBars.Item> items = new ArrayList<>();
        metrics.keySet().stream().filter(k -> k.startsWith(rowsPrefix)).sorted().forEach(k -> {
            String table = k.substring(rowsPrefix.length());
            items.add(new ProgressBars.Item(table, metrics.get(k),
                    metrics.getOrDefault("snapshot_rows_estimate/" + table, -1L),
                    metrics.getOrDefault("snapshot_table_done/" + table, 0L) > 0));
        });
        return items;
    }

    /** A lag for people: 850 ms, 4.2 s, 3:05. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return ProgressBars.clock(d.toNanos());
    }

    /**
     * A CDC source's snapshot progress ({@code snapshot_rows} of the servers' {@code snapshot_rows_estimate}) and the
     * events still between source and sink; empty for sources without a snapshot.
     */
    static String snapshotProgress(Map<String, Long> source, long behind) {
        Long estimate = source.get("snapshot_rows_estimate");
        String lag = String.format("; %,d behind", Math.max(0, behind));
        if (estimate == null) {
            return lag;
        }
        long rows = source.getOrDefault("snapshot_rows", 0L);
        return String.format("; snapshot: %,d of ~%,d rows (%d%%), %,d table(s) done%s", rows, estimate,
                estimate <= 0 ? 100 : Math.min(100, rows * 100 / estimate),
                source.getOrDefault("snapshot_tables_done", 0L), lag);
    }

    /** The job ran and failed (exit code 1, not a usage error). */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

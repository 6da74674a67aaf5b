package io.hstreamio.runtime.cli;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SourceConnector;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
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
        Connectors connectors = Connectors.discover();
        SourceConnector source = connectors.source(sourceName);
        SinkConnector sink = connectors.sink(sinkName);
        try (StreamStore streams = Stores.open(store)) {
            LocalPipeline pipeline = new LocalPipeline(name, streams, Stores.codecFor(streams), Clock.systemUTC(),
                    source, sourceOptions, sink, sinkOptions);
            Thread hook = new Thread(pipeline::stop, "hstream-io-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            StopSignals signals = StopSignals.install(pipeline::stop, out);
            long started = System.nanoTime();
            pipeline.start();
            onStart.accept(pipeline);
            Optional<Throwable> failure = pipeline.awaitCompletion(Duration.ofSeconds(2),
                    (produced, consumed) -> {
                        if (produced + consumed > 0) {
                            out.printf("... source: %,d events durable in the stream; sink: %,d delivered%s%n",
                                    produced, consumed, snapshotProgress(pipeline.source().metrics().snapshot(),
                                            produced - consumed));
                            out.flush();
                        }
                    });
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

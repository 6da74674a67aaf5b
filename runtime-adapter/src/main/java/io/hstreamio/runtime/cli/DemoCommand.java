package io.hstreamio.runtime.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo",
        description = "The main job on embedded defaults, needing nothing else: the built-in generator writes rows "
                + "into a durable stream of the embedded store, the blackhole sink reads and counts them, and the "
                + "counts are checked. (The MySQL→PostgreSQL demo replaces it once those connectors land.)")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--data-dir",
            description = "Keep the demo's store here; by default a temporary directory, removed afterwards.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("hstream-io-demo-");
        out.printf("demo: generator (%,d rows) -> stream 'demo' in %s -> blackhole%n", rows, dir);
        out.flush();
        try {
            PipelineJob.Result r = PipelineJob.run("demo", dir.toString(),
                    "generator", Map.of("stream", "demo", "rows", rows, "table", "orders"),
                    "blackhole", Map.of("stream", "demo"), out);
            // The generator emits one schema change, then one insert per row; the blackhole must have seen exactly that.
            long inserts = r.sinkCounters().getOrDefault("events_insert", 0L);
            long schemaChanges = r.sinkCounters().getOrDefault("events_schema_change", 0L);
            out.printf("demo: %,d events durable in the stream, %,d delivered (%,d inserts, %,d schema change) "
                            + "in %.1f s: %,.0f events/s end to end%n",
                    r.produced(), r.delivered(), inserts, schemaChanges, r.elapsed().toMillis() / 1000.0,
                    r.delivered() * 1000.0 / Math.max(1, r.elapsed().toMillis()));
            // A kept --data-dir may hold an earlier demo, which then resumes: only this run's counts must agree.
            boolean complete = r.produced() == r.delivered() && (dataDir != null || inserts == rows);
            out.println(complete ? "demo: OK, every generated row arrived" : "demo: MISMATCH, see counts above");
            out.flush();
            return complete ? 0 : HStreamIoCli.EXIT_FAILED;
        } finally {
            if (dataDir == null) {
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

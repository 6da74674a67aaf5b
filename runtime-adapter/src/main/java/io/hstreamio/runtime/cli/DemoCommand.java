package io.hstreamio.runtime.cli;

import io.hstreamio.snapshot.BadInputException;
import io.hstreamio.snapshot.DatabaseUrl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo",
        description = {"The main job: a sample shop database in MariaDB/MySQL (customers, products, orders, items; "
                + "many types) kept in sync into PostgreSQL (parallel snapshot, then change data capture, through a "
                + "durable stream of the embedded store) while it changes live; then the copy is verified row by row. "
                + "It drops and recreates the demo databases named in --from/--to.",
                "When no MariaDB or PostgreSQL answers, or the MariaDB has no row binary log (run "
                        + "scripts/setup-databases.sh as root to install and configure both), it "
                        + "says what is missing and runs --generator instead, which needs nothing: generated rows "
                        + "through a stream of the embedded store into the blackhole sink.",
                "Exit codes: 0 done and equal, 1 failed, 2 bad usage, 3 the copy differs."})
final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_FROM = "mariadb://root@127.0.0.1:3306/hstreamio_demo_shop";
    static final String DEFAULT_TO = "postgresql://postgres@127.0.0.1:5432/hstreamio_demo_shop";

    @Spec
    CommandSpec spec;

    @Option(names = "--from", description = "Source server and demo database, dropped and recreated (default: "
            + DEFAULT_FROM + ").")
    String from;

    @Option(names = "--to", description = "Target server and demo database, dropped and recreated (default: "
            + DEFAULT_TO + ").")
    String to;

    @Option(names = "--orders", defaultValue = "50000",
            description = "Orders in the shop before the sync starts, 1-3 items each (default: ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--duration", defaultValue = "20",
            description = "Seconds of live changes while the sync runs (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--rate", defaultValue = "200",
            description = "Live changes per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--generator", description = "Run the demo that needs no database: generated rows through a "
            + "stream into the blackhole sink.")
    boolean generator;

    @Option(names = "--rows", defaultValue = "1000000",
            description = "--generator: rows to generate (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--data-dir",
            description = "Keep the demo's store here; by default a temporary directory, removed afterwards.")
    Path dataDir;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "Progress: " + ProgressMode.DESCRIPTION + " (bars on stderr, lines on stdout; default: "
                    + "${DEFAULT-VALUE}).")
    String progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProgressMode progressMode;
        try {
            progressMode = ProgressMode.parse(progress);
        } catch (BadInputException e) {
            spec.commandLine().getErr().println("error: " + Errors.oneLine(e));
            return HStreamIoCli.EXIT_USAGE;
        }
        if (orders < 1 || durationSeconds < 0 || rate < 1) {
            throw new IllegalArgumentException("--orders and --rate must be at least 1 and --duration at least 0");
        }
        if (!generator) {
            DatabaseUrl source;
            DatabaseUrl target;
            try {
                source = DatabaseUrl.parse("--from", from != null ? from : DEFAULT_FROM);
                target = DatabaseUrl.parse("--to", to != null ? to : DEFAULT_TO);
            } catch (BadInputException e) {
                spec.commandLine().getErr().println("error: " + Errors.oneLine(e));
                return HStreamIoCli.EXIT_USAGE;
            }
            String missing = ShopDemo.missing(source, target);
            if (missing == null) {
                Path dir = dataDir != null ? dataDir : Files.createTempDirectory("hstream-io-demo-");
                try {
                    try (LiveProgress live = LiveProgress.open(progressMode, spec.commandLine().getErr(), out,
                            java.time.Clock.systemUTC())) {
                        return new ShopDemo(source, target, dir, orders, Duration.ofSeconds(durationSeconds), rate,
                                out, live).run();
                    }
                } finally {
                    if (dataDir == null) {
                        deleteTree(dir);
                    }
                }
            }
            if (from != null || to != null) {
                spec.commandLine().getErr().println("error: " + missing);
                return HStreamIoCli.EXIT_USAGE;
            }
            out.println("demo: " + missing + "; run scripts/setup-databases.sh as root to install and configure "
                    + "MariaDB and PostgreSQL, or name servers with --from/--to. Running the demo that needs no "
                    + "database (--generator) instead.");
            out.flush();
        }
        return generatorDemo(out, progressMode);
    }

    private int generatorDemo(PrintWriter out, ProgressMode progressMode) throws Exception {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
        }
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("hstream-io-demo-");
        out.printf("demo: generator (%,d rows) -> stream 'demo' in %s -> blackhole%n", rows, dir);
        out.flush();
        try {
            PipelineJob.Result r;
            try (LiveProgress live = LiveProgress.open(progressMode, spec.commandLine().getErr(), out,
                    java.time.Clock.systemUTC())) {
                r = PipelineJob.run("demo", dir.toString(),
                        "generator", Map.of("stream", "demo", "rows", rows, "table", "orders"),
                        "blackhole", Map.of("stream", "demo"), live.above(out), live, p -> { });
            }
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

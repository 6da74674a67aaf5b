package io.hstreamio.runtime.cli;

import io.hstreamio.snapshot.BadInputException;
import io.hstreamio.snapshot.DatabaseUrl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sync}: keeps a target database in sync with a source. It is the {@code pipeline} of a CDC source in
 * {@code snapshot.mode=parallel} and a JDBC sink, named and configured from two URLs: the same tasks the runtime runs.
 */
@Command(name = "sync",
        description = {"Keeps a target database in sync with a source: a parallel, lock-free snapshot handed over to "
                + "change data capture (binlog/WAL), through a durable stream in --data-dir. Runs until "
                + "SIGINT/SIGTERM, then stops cleanly (flush, commit) and exits 0. Run it again with the same "
                + "--data-dir and --name after a stop or a crash, and it resumes.",
                "URLs: mysql://user:pass@host:3306/db, mariadb://..., postgresql://user@host:5432/db?schema=s, or "
                        + "JDBC URLs of those. The source needs CDC: a ROW binlog (MySQL/MariaDB) or "
                        + "wal_level=logical (PostgreSQL).",
                "Exit codes: 0 stopped cleanly, 1 failed while running, 2 bad usage or configuration."})
final class SyncCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, description = "Source database URL.")
    String from;

    @Option(names = "--to", required = true, description = "Target database URL.")
    String to;

    @Option(names = "--tables", split = ",",
            description = "Comma-separated table names or globs (* ?), e.g. 'orders,customer_*'. Default: all.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--data-dir", defaultValue = "${env:HSTREAM_IO_DATA_DIR:-.hstream-io/data}",
            description = "Where the stream and the offsets live (default: ${DEFAULT-VALUE}; env HSTREAM_IO_DATA_DIR).")
    Path dataDir;

    @Option(names = "--name", defaultValue = "sync",
            description = "Names the job: its stream, its offsets and, for PostgreSQL sources, its replication slot "
                    + "(default: ${DEFAULT-VALUE}). Two syncs from one server need two names.")
    String name;

    @Option(names = "--parallelism", defaultValue = "4",
            description = "Snapshot chunks read at the same time (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--chunk-rows", defaultValue = "10000",
            description = "Rows per snapshot chunk; chunks wait in memory for the change stream (default: "
                    + "${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--chunk-bytes", defaultValue = "16MB", paramLabel = "SIZE",
            description = "Estimated source bytes per snapshot chunk: tables with wide rows get chunks of fewer than "
                    + "--chunk-rows rows, so the chunks waiting in memory stay bounded (default: ${DEFAULT-VALUE}).")
    String chunkBytes;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "Progress: " + ProgressMode.DESCRIPTION + " (bars on stderr, lines on stdout; default: "
                    + "${DEFAULT-VALUE}). Bars show the snapshot per table, then the streaming lag.")
    String progress;

    /** Stops the job cleanly as SIGINT/SIGTERM do, for callers in this process (tests). */
    final StopHandle stopHandle = new StopHandle();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SyncJob job;
        ProgressMode progressMode;
        try {
            progressMode = ProgressMode.parse(progress);
            job = new SyncJob(DatabaseUrl.parse("--from", from), DatabaseUrl.parse("--to", to), dataDir, name, tables,
                    parallelism, chunkRows, ByteSize.parse("--chunk-bytes", chunkBytes));
            job.check();
        } catch (BadInputException | io.hstreamio.core.options.OptionException e) {
            err.println("error: " + Errors.oneLine(e));
            err.flush();
            return HStreamIoCli.EXIT_USAGE;
        }
        // A DatabaseUrl prints without its password.
        out.printf("sync %s: %s -> %s (stream and offsets in %s); stop with Ctrl-C%n", name, job.source(),
                job.target(), dataDir);
        out.flush();
        PipelineJob.Result r;
        try (LiveProgress live = LiveProgress.open(progressMode, err, out, java.time.Clock.systemUTC())) {
            r = job.run(live.above(out), live, pipeline -> stopHandle.bind(pipeline::stop));
        }
        out.printf("stopped: %,d changes durable in stream %s, %,d applied to the target, in %.1f s%n",
                r.produced(), name, r.delivered(), r.elapsed().toMillis() / 1000.0);
        out.flush();
        return 0;
    }
}

package io.hstreamio.runtime.cli;

import io.hstreamio.core.options.OptionException;
import io.hstreamio.core.options.Options;
import io.hstreamio.snapshot.BadInputException;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotOptions;
import io.hstreamio.snapshot.SnapshotReader;
import io.hstreamio.snapshot.Verifier;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: compares the source's tables with their copies in the target, chunk by chunk over normalized values,
 * and reports differing key ranges, then the rows. Exit codes: 0 equal, 2 bad usage or configuration, 3 differences
 * found, 1 failed while running.
 */
@Command(name = "verify",
        description = {"Compares source tables with their copies in the target chunk by chunk (checksums over "
                + "normalized values) and reports the differing key ranges, then the rows.",
                "Exit codes: 0 equal, 1 failed while running, 2 bad usage or configuration, 3 differences found."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, description = "Source database URL.")
    String from;

    @Option(names = "--to", required = true, description = "Target database URL.")
    String to;

    @Option(names = "--tables", split = ",", description = "Comma-separated table names or globs. Default: all.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--chunk-rows", defaultValue = "50000",
            description = "Rows per compared chunk (default: ${DEFAULT-VALUE}).")
    int chunkRows;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            DatabaseUrl source = DatabaseUrl.parse("--from", from);
            DatabaseUrl target = DatabaseUrl.parse("--to", to);
            Options options = LoadCommand.snapshotOptions(tables, 1, chunkRows, false);
            try (SnapshotReader reader = SnapshotReader.open(source, options)) {
                return verify(reader, target, options, out) ? 0 : LoadCommand.EXIT_DIFFERENCES;
            }
        } catch (BadInputException | OptionException e) {
            err.println("error: " + Errors.oneLine(e));
            err.flush();
            return HStreamIoCli.EXIT_USAGE;
        }
    }

    /** Compares {@code source}'s tables with the same-named tables of {@code target}; true when equal. */
    static boolean verify(SnapshotReader source, DatabaseUrl target, Options options, PrintWriter out)
            throws Exception {
        // Every target table is described; the verifier pairs them with the source's by name.
        Options targetOptions = LoadCommand.snapshotOptions(List.of(), 1,
                options.get(SnapshotOptions.CHUNK_ROWS), false);
        try (SnapshotReader copy = SnapshotReader.open(target, targetOptions, Clock.systemUTC(), false)) {
            return new Verifier(source, copy, out, 20).run().equal();
        }
    }
}

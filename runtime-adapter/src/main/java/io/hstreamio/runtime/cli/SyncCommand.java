package io.hstreamio.runtime.cli;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.task.CheckResult;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.snapshot.BadInputException;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotOptions;
import io.hstreamio.snapshot.SnapshotReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    /** Stops the job cleanly as SIGINT/SIGTERM do, for callers in this process (tests). */
    final StopHandle stopHandle = new StopHandle();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> so;
        Map<String, Object> ko;
        Connectors connectors = Connectors.discover();
        String sourceKind;
        String sinkKind;
        try {
            DatabaseUrl source = DatabaseUrl.parse("--from", from);
            DatabaseUrl target = DatabaseUrl.parse("--to", to);
            sourceKind = kind(source);
            sinkKind = kind(target);
            probeTables(source);
            so = sourceOptions(source);
            ko = sinkOptions(target);
            check("--from", connectors.source(sourceKind), so);
            check("--to", connectors.sink(sinkKind), ko);
        } catch (BadInputException | io.hstreamio.core.options.OptionException e) {
            err.println("error: " + Errors.oneLine(e));
            err.flush();
            return HStreamIoCli.EXIT_USAGE;
        }
        out.printf("sync %s: %s -> %s (stream and offsets in %s); stop with Ctrl-C%n", name, redacted(from),
                redacted(to), dataDir);
        out.flush();
        PipelineJob.Result r = PipelineJob.run(name, dataDir.toString(), sourceKind, so, sinkKind, ko, out,
                stopHandle);
        out.printf("stopped: %,d changes durable in stream %s, %,d applied to the target, in %.1f s%n",
                r.produced(), name, r.delivered(), r.elapsed().toMillis() / 1000.0);
        out.flush();
        return 0;
    }

    private static String kind(DatabaseUrl url) {
        return switch (url.kind()) {
            case MYSQL -> "mysql";
            case MARIADB -> "mariadb";
            case POSTGRESQL -> "postgresql";
        };
    }

    /** Reachability, login and the table patterns, each a one-line error, before anything starts. */
    private void probeTables(DatabaseUrl source) throws Exception {
        Map<String, Object> raw = new LinkedHashMap<>();
        if (!tables.isEmpty()) {
            raw.put(SnapshotOptions.TABLES.name(), String.join(",", tables));
        }
        raw.put(SnapshotOptions.PARALLELISM.name(), 1);
        try (SnapshotReader reader = SnapshotReader.open(source, SnapshotOptions.parse(raw), Clock.systemUTC())) {
            if (reader.tables().isEmpty()) {
                throw new BadInputException(source + " has no tables to sync");
            }
        }
    }

    private Map<String, Object> sourceOptions(DatabaseUrl u) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("host", u.host());
        o.put("port", u.port());
        if (u.user() != null) {
            o.put("user", u.user());
        } else {
            o.put("user", System.getProperty("user.name"));
        }
        if (u.password() != null) {
            o.put("password", u.password());
        }
        o.put("database", u.database());
        if (!tables.isEmpty()) {
            String prefix = Pattern.quote(u.kind() == DatabaseUrl.Kind.POSTGRESQL ? u.schema() : u.database()) + "\\.";
            o.put("table.include.list", tables.stream().map(t -> prefix + glob(t.strip()))
                    .collect(Collectors.joining(",")));
        } else if (u.kind() == DatabaseUrl.Kind.POSTGRESQL) {
            o.put("table.include.list", Pattern.quote(u.schema()) + "\\..*");
        }
        o.put("snapshot.mode", "parallel");
        o.put("snapshot.parallelism", parallelism);
        o.put("snapshot.chunk.rows", chunkRows);
        o.put("stream", name);
        return o;
    }

    private Map<String, Object> sinkOptions(DatabaseUrl u) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("host", u.host());
        o.put("port", u.port());
        o.put("user", u.user() != null ? u.user() : System.getProperty("user.name"));
        if (u.password() != null) {
            o.put("password", u.password());
        }
        o.put("database", u.database());
        if (u.kind() == DatabaseUrl.Kind.POSTGRESQL && u.schema() != null) {
            o.put("schema", u.schema());
        }
        o.put("stream", name);
        return o;
    }

    private static void check(String what, SourceConnector c, Map<String, Object> raw) {
        verdict(what, c.check(c.options().parse(withoutStream(raw))));
    }

    private static void check(String what, SinkConnector c, Map<String, Object> raw) {
        verdict(what, c.check(c.options().parse(withoutStream(raw))));
    }

    /** The connector's own options: {@code stream} belongs to the toolkit around it. */
    private static Map<String, Object> withoutStream(Map<String, Object> raw) {
        Map<String, Object> o = new LinkedHashMap<>(raw);
        o.remove("stream");
        return o;
    }

    private static void verdict(String what, CheckResult r) {
        if (!r.result()) {
            throw new BadInputException(what + ": " + r.message());
        }
    }

    private static String glob(String p) {
        StringBuilder re = new StringBuilder();
        for (char ch : p.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return re.toString();
    }

    /** A URL as printed: without its password. */
    static String redacted(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}

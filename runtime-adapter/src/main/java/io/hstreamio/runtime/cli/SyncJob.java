package io.hstreamio.runtime.cli;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.LocalPipeline;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One sync job from two URLs: a CDC source in {@code snapshot.mode=parallel} and a JDBC sink joined by a stream of
 * the embedded store, run by {@link PipelineJob}. Shared by {@code sync} and {@code demo}.
 */
record SyncJob(DatabaseUrl source, DatabaseUrl target, Path dataDir, String name, List<String> tables, int parallelism,
               int chunkRows, long chunkBytes) {

    SyncJob(DatabaseUrl source, DatabaseUrl target, Path dataDir, String name) {
        this(source, target, dataDir, name, List.of(), 4, 10_000, 16L << 20);
    }

    SyncJob {
        tables = List.copyOf(tables);
    }

    /**
     * Reachability, login, the table patterns and the CDC prerequisites, before anything starts.
     *
     * @throws BadInputException naming what is wrong and the fix
     */
    void check() throws Exception {
        Connectors connectors = Connectors.discover();
        probeTables();
        check("--from", connectors.source(kind(source)), sourceOptions());
        check("--to", connectors.sink(kind(target)), sinkOptions());
    }

    /** Runs until stopped (SIGINT/SIGTERM or {@code onStart}'s pipeline.stop()) or failed. */
    PipelineJob.Result run(PrintWriter out, Consumer<LocalPipeline> onStart) throws Exception {
        return run(out, LiveProgress.lines(out), onStart);
    }

    /** As {@link #run(PrintWriter, Consumer)}, showing progress through {@code progress}. */
    PipelineJob.Result run(PrintWriter out, LiveProgress progress, Consumer<LocalPipeline> onStart) throws Exception {
        return PipelineJob.run(name, dataDir.toString(), kind(source), sourceOptions(), kind(target), sinkOptions(),
                out, progress, onStart);
    }

    private static String kind(DatabaseUrl url) {
        return switch (url.kind()) {
            case MYSQL -> "mysql";
            case MARIADB -> "mariadb";
            case POSTGRESQL -> "postgresql";
        };
    }

    /** Reachability, login and the table patterns, each a one-line error, before anything starts. */
    private void probeTables() throws Exception {
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

    Map<String, Object> sourceOptions() {
        DatabaseUrl u = source;
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
            o.put("table.include.list", tables.stream().map(t -> prefix + SnapshotReader.globRegex(t.strip()))
                    .collect(Collectors.joining(",")));
        } else if (u.kind() == DatabaseUrl.Kind.POSTGRESQL) {
            o.put("table.include.list", Pattern.quote(u.schema()) + "\\..*");
        }
        o.put("snapshot.mode", "parallel");
        o.put("snapshot.parallelism", parallelism);
        o.put("snapshot.chunk.rows", chunkRows);
        o.put("snapshot.chunk.bytes", chunkBytes);
        o.put("stream", name);
        return o;
    }

    Map<String, Object> sinkOptions() {
        DatabaseUrl u = target;
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
}

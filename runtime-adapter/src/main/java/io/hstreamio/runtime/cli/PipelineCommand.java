package io.hstreamio.runtime.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "pipeline",
        description = {"Runs one source into a stream and one sink from it, on the embedded store or HStreamDB, until the source "
                + "completes and the sink caught up, or until SIGINT/SIGTERM. Run again with the same --name and "
                + "--data-dir to resume.",
                "Example: hstream-io pipeline --source generator -s rows=100000 --sink blackhole"})
final class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, description = "Source connector (see `hstream-io connectors`).")
    String source;

    @Option(names = "--sink", required = true, description = "Sink connector (see `hstream-io connectors`).")
    String sink;

    @Option(names = {"-s", "--source-option"}, description = "A source option, key=value; repeatable.")
    Map<String, String> sourceOptions = new LinkedHashMap<>();

    @Option(names = {"-k", "--sink-option"}, description = "A sink option, key=value; repeatable.")
    Map<String, String> sinkOptions = new LinkedHashMap<>();

    @Option(names = "--stream", defaultValue = "pipeline",
            description = "The stream between source and sink (default: ${DEFAULT-VALUE}).")
    String stream;

    @Option(names = "--name", defaultValue = "pipeline",
            description = "Names the tasks, whose offsets survive restarts (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--data-dir", defaultValue = "${env:HSTREAM_IO_DATA_DIR:-.hstream-io/data}",
            description = "Where the embedded store keeps streams and state (default: ${DEFAULT-VALUE}; "
                    + "env HSTREAM_IO_DATA_DIR).")
    Path dataDir;

    @Option(names = "--store",
            description = "Where the stream lives: hstream://host:port[,host:port...][?options] for HStreamDB; "
                    + "default: the embedded store in --data-dir.")
    String store;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> so = new LinkedHashMap<>(sourceOptions);
        so.putIfAbsent("stream", stream);
        Map<String, Object> ko = new LinkedHashMap<>(sinkOptions);
        ko.putIfAbsent("stream", stream);
        PipelineJob.Result r = PipelineJob.run(name, store != null ? store : dataDir.toString(), source, so, sink, ko,
                out);
        out.printf("done: %,d events written to stream %s, %,d delivered by %s, %,d skipped, in %.1f s (%,.0f events/s)%n",
                r.produced(), so.get("stream"), r.delivered(), sink, r.skipped(), r.elapsed().toMillis() / 1000.0,
                r.delivered() * 1000.0 / Math.max(1, r.elapsed().toMillis()));
        out.flush();
        return 0;
    }
}

package io.hstreamio.runtime.cli;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.runtime.protocol.ConnectorConfig;
import io.hstreamio.runtime.protocol.ConnectorImage;
import io.hstreamio.runtime.protocol.ConnectorKind;
import io.hstreamio.runtime.protocol.FileLogging;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "connector", mixinStandardHelpOptions = true,
        description = {"One connector as an HStream IO image, speaking the stock protocol: `spec` prints the JSON "
                + "Schema of its options; `check --config F` prints {\"result\":…,\"type\":…,\"message\":…,"
                + "\"detail\":…}; `run --config F` runs the task, talking newline-delimited JSON on stdin/stdout "
                + "(KvGet, KvSet, Report every 3 s; stop) and logging to /data/app.log or app.log beside F.",
                "config.json: {\"hstream\":{\"serviceUrl\":\"hstream://HOST:6570\"},\"connector\":{…},\"task\":"
                        + "\"<uuid>\"}; env HSTREAM_SERVICE_URL overrides serviceUrl. Streams go to that HStreamDB, or "
                        + "with embedded:DIR (or no serviceUrl: data/ beside the config) to the embedded store.",
                "Example: hstream-io connector source generator spec"})
final class ConnectorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "source|sink", description = "The kind of connector.")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The connector (see `hstream-io connectors`).")
    String name;

    @Parameters(index = "2", paramLabel = "spec|check|run", description = "What to do.")
    String action;

    @Option(names = "--config", paramLabel = "FILE", description = "The task's config.json (check and run).")
    Path config;

    @Override
    public Integer call() throws Exception {
        // Before anything logs: stdout carries only the spec, the check line or protocol messages.
        PrintStream stdout = FileLogging.reserveStdout();
        try {
            return act(new ConnectorImage(Connectors.discover(), ConnectorKind.parse(kind), name), stdout);
        } finally {
            System.setOut(stdout);
        }
    }

    private int act(ConnectorImage image, PrintStream stdout) throws Exception {
        switch (action) {
            case "spec" -> {
                stdout.println(image.spec().toString());
                stdout.flush();
                return 0;
            }
            case "check" -> {
                ConnectorConfig c = ConnectorConfig.read(requireConfig(), System.getenv());
                stdout.println(image.check(c).toString());
                stdout.flush();
                return 0;
            }
            case "run" -> {
                Path file = requireConfig();
                ConnectorConfig c = ConnectorConfig.read(file, System.getenv());
                FileLogging.redirect(FileLogging.logFile(file));
                return image.run(c, file.toAbsolutePath().getParent(), System.in, stdout, Clock.systemUTC());
            }
            default -> throw new IllegalArgumentException("unknown action '" + action
                    + "'; use spec, check --config FILE or run --config FILE");
        }
    }

    private Path requireConfig() {
        if (config == null) {
            throw new IllegalArgumentException(action + " needs --config FILE (the task's config.json)");
        }
        return config;
    }
}

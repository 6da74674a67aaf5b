package io.hstreamio.runtime.cli;

import io.hstreamio.runtime.server.Images;
import io.hstreamio.runtime.server.RuntimeServer;
import io.hstreamio.runtime.server.SupervisorSettings;
import io.hstreamio.runtime.server.TaskMode;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"The IO runtime: a durable catalog of connectors and streams in the data directory, SQL over "
                + "HTTP (POST /sql; see `hstream-io sql`), REST (GET /connectors, /connectors/{name}, /streams, "
                + "/health), Prometheus metrics (GET /metrics), a web view (GET /), and supervised tasks: a failed task restarts with capped backoff and resumes from its "
                + "offsets; on start, every connector that is not paused is recovered.",
                "Tasks of our connectors run as CHILD PROCESSES by default (--tasks process): each is "
                        + "`hstream-io connector KIND NAME run` on this java and class path, reaching the embedded "
                        + "store through the HStreamDB gRPC API this server serves on 127.0.0.1 (a free port), its "
                        + "offsets kept by this server (KvGet/KvSet); a task that crashes or is killed is restarted "
                        + "and resumes, and cannot take the server down. --tasks in-process runs them in this process "
                        + "instead (less memory, no isolation).",
                "With --image KIND/NAME=COMMAND a connector runs as a CHILD PROCESS speaking the HStream IO "
                        + "protocol, its streams in the HStreamDB given by --task-service-url: our own image "
                        + "(--image 'source/mysql=bin/hstream-io connector source mysql') or a stock one "
                        + "('docker run --rm -i IMAGE'). The server answers KvGet/KvSet from its durable store, keeps "
                        + "reports, sends stop on PAUSE and kills after 10 s, and restarts a task that exits or sends "
                        + "no report for 30 s.",
                "Runs until SIGINT/SIGTERM, which stops the tasks; their connectors resume on the next start."})
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "${env:HSTREAM_IO_DATA_DIR:-.hstream-io/data}",
            description = "Streams, catalog and task state (default: ${DEFAULT-VALUE}; env HSTREAM_IO_DATA_DIR).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "6580", description = "HTTP port; 0 picks a free one "
            + "(default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: "
            + "${DEFAULT-VALUE}); any other than loopback needs --auth-token-file.")
    String bind;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "A file holding the token clients must send as 'Authorization: Bearer <token>'.")
    Path tokenFile;

    @Option(names = "--image", paramLabel = "KIND/NAME=COMMAND",
            description = "Run connector KIND/NAME (e.g. source/mysql) as a child process: COMMAND (split at spaces) "
                    + "followed by `run --config FILE`, or with COMMAND docker:IMAGE the OCI image IMAGE as HStreamDB "
                    + "runs it (docker run --rm -i --network=NET --name IOTASK_<task> -v <taskdir>:/data IMAGE run "
                    + "--config /data/config.json). Repeatable.")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--container-cli", paramLabel = "COMMAND", defaultValue = "docker",
            description = "The container engine's command for docker:IMAGE connectors (default: ${DEFAULT-VALUE}; "
                    + "podman works too).")
    String containerCli;

    @Option(names = "--tasks-network", paramLabel = "NETWORK", defaultValue = "host",
            description = "The network docker:IMAGE containers join (default: ${DEFAULT-VALUE}).")
    String tasksNetwork;

    @Option(names = "--tasks", paramLabel = "process|in-process", defaultValue = "process",
            description = "Where our connectors' tasks run (default: ${DEFAULT-VALUE}).")
    String tasks;

    @Option(names = "--task-jvm-options", paramLabel = "OPTIONS",
            defaultValue = "-Xmx512m -XX:+ExitOnOutOfMemoryError",
            description = "JVM options of each task process with --tasks process (default: ${DEFAULT-VALUE}; an "
                    + "OutOfMemoryError ends the task, which then restarts from its offsets).")
    String taskJvmOptions;

    @Option(names = "--task-service-url", paramLabel = "URL",
            description = "The serviceUrl written into image tasks' config.json (e.g. hstream://host:6570).")
    String taskServiceUrl;

    @Override
    public Integer call() throws Exception {
        String token = null;
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw new IllegalArgumentException("token file " + tokenFile + " is not readable");
            }
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (token.length() < 16) {
                throw new IllegalArgumentException("the token in " + tokenFile + " is shorter than 16 characters; "
                        + "use a long random one (e.g. openssl rand -hex 24)");
            }
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind), port);
        Map<String, List<String>> commands = new LinkedHashMap<>();
        images.forEach((key, command) -> {
            if (!key.matches("(source|sink)/[A-Za-z0-9_.-]+") || command.isBlank()) {
                throw new IllegalArgumentException("--image " + key + "=" + command + ": write KIND/NAME=COMMAND, "
                        + "e.g. --image 'source/mysql=docker:hstreamdb/source-mysql'");
            }
            commands.put(key, List.of(command.strip().split("\\s+")));
        });
        TaskMode mode = switch (tasks) {
            case "process" -> TaskMode.childProcesses(HStreamIoCli.class.getName(),
                    dataDir.resolve("tasks").resolve("task-jvm.args"), List.of(taskJvmOptions.strip().split("\\s+")));
            case "in-process" -> TaskMode.inProcess();
            default -> throw new IllegalArgumentException("--tasks " + tasks + ": write --tasks process or "
                    + "--tasks in-process");
        };
        Images imageSettings = new Images(commands, dataDir.resolve("tasks"), Optional.ofNullable(taskServiceUrl),
                Images.DEFAULT_REPORT_TIMEOUT, List.of(containerCli.strip().split("\\s+")), tasksNetwork);
        if (imageSettings.usesContainers()) {
            checkContainerEngine(imageSettings.containerCli());
        }
        RuntimeServer server = RuntimeServer.start(dataDir, address, token, Clock.systemUTC(),
                SupervisorSettings.DEFAULTS, imageSettings, mode);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "hstream-io-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("hstream-io server listening on http://%s:%d (data in %s)%n",
                server.address().getAddress().getHostAddress(), server.address().getPort(), dataDir);
        out.flush();
        stopped.await();
        return 0;
    }

    /** docker:IMAGE connectors need an engine that answers; without one they would fail at every restart. */
    private static void checkContainerEngine(List<String> cli) throws InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(cli);
        cmd.add("version");
        String why;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
            why = out.lines().reduce((a, b) -> b).orElse("no output");
        } catch (java.io.IOException e) {
            why = e.getMessage();
        }
        throw new IllegalArgumentException("--image ...=docker:IMAGE needs a container engine, but `"
                + String.join(" ", cmd) + "` failed (" + why + "); start Docker, or name another engine with "
                + "--container-cli");
    }
}

package io.hstreamio.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.runtime.protocol.ChannelKeyValueStore;
import io.hstreamio.runtime.protocol.ConnectorImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a connector image as a child process, the runtime's side of the HStream IO protocol: writes the task's
 * config.json, starts {@code COMMAND run --config FILE}, answers KvGet/KvSet from the task's durable key/value
 * namespace, takes Reports (delivery deltas, offsets, and our images' lag), sends {@code stop} on request and kills
 * the process when it has not exited after the grace period, or when it sent no Report within the report timeout.
 *
 * <p>{@link #run} reads the child's stdout on the supervisor's thread; one watchdog thread per run
 * ({@code hstream-io-watch-<name>}) enforces the timeouts. The config file holds secrets: it is made readable by its
 * owner only.
 */
final class ProcessTask implements SupervisedTask {
    private static final Logger log = LoggerFactory.getLogger(ProcessTask.class);

    private final ConnectorRecord connector;
    private final List<String> command;
    private final Images images;
    private final KeyValueStore state;
    private final Clock clock;
    private final Duration stopGrace;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Object stdinLock = new Object();
    private volatile List<Map<String, Object>> offsets = List.of();
    /** As of the last Report; null while it carried none (stock images never do). */
    private volatile Duration lag;
    private volatile Instant lastCommitTime;
    private volatile Process process;
    private volatile TaskState taskState = TaskState.NEW;
    private volatile Throwable failure;
    private volatile String killedBecause;
    private volatile long stopRequestedAt = -1;
    private volatile long lastReportAt;
    private long stderrStart;

    ProcessTask(ConnectorRecord connector, List<String> command, Images images, KeyValueStore state, Clock clock,
            Duration stopGrace) {
        this.connector = connector;
        this.command = List.copyOf(command);
        this.images = images;
        this.state = state;
        this.clock = clock;
        this.stopGrace = stopGrace;
    }

    @Override
    public void run() {
        taskState = TaskState.RUNNING;
        Path taskDir = images.tasksDir().resolve(connector.taskId());
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hstream-io-watch-" + connector.name());
            t.setDaemon(true);
            return t;
        });
        try {
            Path config = writeConfig(taskDir);
            List<String> cmd = commandLine(config, taskDir);
            lastReportAt = clock.millis();
            Path stderr = taskDir.resolve("stderr.log");
            stderrStart = Files.exists(stderr) ? Files.size(stderr) : 0;
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.appendTo(taskDir.resolve("stderr.log").toFile()));
            pb.environment().put(ChannelKeyValueStore.KV_SCAN_ENV, "1"); // handle() answers KvScan
            process = pb.start();
            log.info("{}: started image process {} ({})", connector, process.pid(), cmd.get(0));
            if (stopRequestedAt >= 0) {
                sendStop();
            }
            watchdog.scheduleWithFixedDelay(this::watch, 200, 200, TimeUnit.MILLISECONDS);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    handle(line);
                }
            }
            int exit = process.waitFor();
            finish(exit, taskDir);
        } catch (IOException | RuntimeException e) {
            failure = e;
            taskState = TaskState.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taskState = TaskState.STOPPED;
        } finally {
            watchdog.shutdownNow();
            // Whatever ended this run (an interrupt, or a failure while answering it, e.g. the store refusing a KvSet
            // when interrupted), the task must not live on unsupervised: a container would outlive even that.
            Process p = process;
            if (p != null && p.isAlive()) {
                kill(p);
            }
        }
    }

    private void finish(int exit, Path taskDir) {
        if (killedBecause != null) {
            failure = new IllegalStateException(killedBecause);
            taskState = TaskState.FAILED;
        } else if (stopRequestedAt >= 0) {
            taskState = TaskState.STOPPED;
        } else if (exit == 0) {
            taskState = TaskState.COMPLETED;
        } else {
            failure = new IllegalStateException(failureLine(taskDir.resolve("stderr.log")).orElse(
                    "the task process exited with code " + exit + "; see " + taskDir.resolve("stderr.log")
                            + " and the image's app.log"));
            taskState = TaskState.FAILED;
        }
        log.info("{}: image process ended with code {}: {}", connector, exit, taskState);
    }

    /** The reason our image wrote to stderr in this run ({@link ConnectorImage#FAILURE_PREFIX}), if it wrote one. */
    private Optional<String> failureLine(Path stderr) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(stderr.toFile(), "r")) {
            long from = Math.max(stderrStart, f.length() - (1 << 20));
            byte[] tail = new byte[(int) Math.max(0, f.length() - from)];
            f.seek(from);
            f.readFully(tail);
            String found = null;
            for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(ConnectorImage.FAILURE_PREFIX)) {
                    found = line.substring(ConnectorImage.FAILURE_PREFIX.length()).strip();
                }
            }
            return Optional.ofNullable(found);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void watch() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long now = clock.millis();
        if (stopRequestedAt >= 0 && now - stopRequestedAt > stopGrace.toMillis()) {
            log.warn("{}: still running {} s after stop; killing it", connector, stopGrace.toSeconds());
            kill(p);
        } else if (stopRequestedAt < 0 && now - lastReportAt > images.reportTimeout().toMillis()) {
            killedBecause = "the task sent no report for " + images.reportTimeout().toSeconds() + " s; it was "
                    + "killed";
            log.warn("{}: {}", connector, killedBecause);
            kill(p);
        }
    }

    /**
     * {@code COMMAND run --config FILE}, or for a container image the stock {@code docker run} of HStreamDB's runtime,
     * after removing a container of the same task that a killed runtime may have left (its name would be taken).
     */
    private List<String> commandLine(Path config, Path taskDir) throws InterruptedException {
        Optional<String> image = Images.containerImage(command);
        List<String> cmd = new ArrayList<>();
        if (image.isEmpty()) {
            cmd.addAll(command);
            cmd.addAll(List.of("run", "--config", config.toString()));
            return cmd;
        }
        container("rm", "-f", containerName());
        cmd.addAll(images.containerCli());
        cmd.addAll(List.of("run", "--rm", "-i", "--network=" + images.tasksNetwork(), "--name", containerName(),
                "-v", taskDir.toAbsolutePath() + ":/data", image.get(), "run", "--config", "/data/config.json"));
        return cmd;
    }

    private String containerName() {
        return "IOTASK_" + connector.taskId();
    }

    /** Kills the task; a container is killed through its engine, since killing the attached client leaves it running. */
    private void kill(Process p) {
        if (Images.containerImage(command).isPresent()) {
            // Also when this thread was interrupted (the supervisor stopping it): the container must not outlive it.
            boolean interrupted = Thread.interrupted();
            try {
                container("kill", containerName());
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        p.destroyForcibly();
    }

    /** Runs {@code CLI args…} for at most 30 s; failures are logged, not thrown (the container may be gone). */
    private void container(String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(images.containerCli());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("{}: `{}` did not finish in 30 s", connector, String.join(" ", cmd));
            } else if (p.exitValue() != 0) {
                log.debug("{}: `{}` exited {}: {}", connector, String.join(" ", cmd), p.exitValue(), out);
            }
        } catch (IOException e) {
            log.warn("{}: `{}` failed: {}", connector, String.join(" ", cmd), e.getMessage());
        }
    }

    private Path writeConfig(Path taskDir) throws IOException {
        Files.createDirectories(taskDir);
        ObjectNode root = Catalog.JSON.createObjectNode();
        ObjectNode hstream = root.putObject("hstream");
        images.serviceUrl().ifPresent(u -> hstream.put("serviceUrl", u));
        root.set("connector", Catalog.JSON.valueToTree(connector.config()));
        root.put("task", connector.taskId());
        Path file = taskDir.resolve("config.json");
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, root.toString());
        return file;
    }

    private void handle(String line) {
        JsonNode msg;
        try {
            msg = Catalog.JSON.readTree(line);
        } catch (IOException e) {
            return; // the protocol ignores lines that are not JSON
        }
        if (msg == null || !msg.isObject()) {
            return;
        }
        String id = msg.path("id").asText("");
        JsonNode body = msg.path("body");
        switch (msg.path("name").asText("")) {
            case "KvGet" -> {
                Optional<byte[]> v = state.get(body.path("key").asText());
                answer(id, v.map(b -> (JsonNode) Catalog.JSON.getNodeFactory()
                        .textNode(new String(b, StandardCharsets.UTF_8))).orElse(Catalog.JSON.nullNode()));
            }
            case "KvSet" -> {
                String key = body.path("key").asText();
                JsonNode value = body.path("value");
                if (value.isNull() || value.isMissingNode()) {
                    state.delete(key);
                } else {
                    state.put(key, (value.isTextual() ? value.asText() : value.toString())
                            .getBytes(StandardCharsets.UTF_8));
                }
                answer(id, Catalog.JSON.nullNode());
            }
            case "KvScan" -> {
                // Our extension (ChannelKeyValueStore.scan): the task's keys under a prefix, values as KvGet gives them.
                ObjectNode found = Catalog.JSON.createObjectNode();
                state.scan(body.path("prefix").asText()).forEach((k, v) -> found.put(k,
                        new String(v, StandardCharsets.UTF_8)));
                answer(id, found);
            }
            case "Report" -> {
                records.addAndGet(body.path("deliveredRecords").asLong());
                bytes.addAndGet(body.path("deliveredBytes").asLong());
                if (body.path("offsets").isArray() && !body.path("offsets").isEmpty()) {
                    offsets = Catalog.JSON.convertValue(body.get("offsets"),
                            new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() {});
                }
                // Our images' extension; a Report without it (a stock image) leaves the lag unknown.
                JsonNode lagMillis = body.path(ConnectorImage.LAG_MILLIS);
                lag = lagMillis.isIntegralNumber() ? Duration.ofMillis(Math.max(0, lagMillis.asLong())) : null;
                JsonNode committed = body.path(ConnectorImage.LAST_COMMIT_TIME_MILLIS);
                if (committed.isIntegralNumber()) {
                    lastCommitTime = Instant.ofEpochMilli(committed.asLong());
                }
                lastReportAt = clock.millis();
                answer(id, Catalog.JSON.nullNode());
            }
            default -> log.debug("{}: ignoring message {}", connector, msg.path("name"));
        }
    }

    private void answer(String id, JsonNode body) {
        ObjectNode msg = Catalog.JSON.createObjectNode();
        msg.put("name", "ConnectorResponse");
        msg.put("id", id);
        msg.set("body", body);
        write(msg);
    }

    private void sendStop() {
        write(Catalog.JSON.createObjectNode().put("name", "stop"));
    }

    private void write(JsonNode msg) {
        Process p = process;
        if (p == null) {
            return;
        }
        synchronized (stdinLock) {
            try {
                OutputStream in = p.getOutputStream();
                in.write((msg.toString() + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                log.debug("{}: the task process no longer reads stdin ({})", connector, e.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        if (stopRequestedAt < 0) {
            stopRequestedAt = clock.millis();
            sendStop();
        }
    }

    @Override
    public TaskState state() {
        return taskState;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public long deliveredRecords() {
        return records.get();
    }

    @Override
    public long deliveredBytes() {
        return bytes.get();
    }

    /** The protocol's Report carries deliveries and offsets only: an image's skips are not known here. */
    @Override
    public long skippedRecords() {
        return 0;
    }

    @Override
    public List<Map<String, Object>> offsets() {
        return offsets;
    }

    @Override
    public Optional<Duration> lag() {
        return Optional.ofNullable(lag);
    }

    @Override
    public Optional<Instant> lastCommitTime() {
        return Optional.ofNullable(lastCommitTime);
    }
}

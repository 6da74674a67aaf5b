package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted fake image ({@link FakeImageMain}) under our runtime, as child processes: state through KvGet/KvSet in
 * the durable store, reports kept, restart after a crash or silence, stop on PAUSE, kill after the grace period.
 */
class ImageSupervisionIT {
    private static final SupervisorSettings SETTINGS = new SupervisorSettings(Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(3));

    @TempDir
    Path dir;

    private StreamStore store;
    private RuntimeService runtime;

    @BeforeEach
    void open() {
        store = EmbeddedStreamStore.open(dir.resolve("data"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), FakeImageMain.class.getName());
        Images images = new Images(Map.of("source/scripted", command), dir.resolve("tasks"),
                java.util.Optional.of("hstream://127.0.0.1:6570"), Duration.ofSeconds(3));
        runtime = new RuntimeService(store, Connectors.discover(), Clock.systemUTC(), SETTINGS, images);
    }

    @AfterEach
    void close() {
        runtime.close();
        store.close();
    }

    private Map<String, Object> view(String name) {
        return runtime.connectorView(name).orElseThrow();
    }

    private String count(String name) {
        String taskId = (String) view(name).get("taskId");
        return store.keyValueStore(TaskStates.namespace(taskId)).get("count")
                .map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    private int countNow(String name) {
        String c = count(name);
        return c == null ? 0 : Integer.parseInt(c);
    }

    @Test
    void aCrashedImageIsRestartedAndResumesFromTheStateItKeptInTheRuntime() throws Exception {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x', \"rows\"=20, \"crashAt\"=5)");
        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(view("s").get("status")));
        Map<String, Object> v = view("s");
        assertThat(v.get("restarts")).isEqualTo(1);
        assertThat((String) v.get("lastError")).contains("exited with code 3");
        // 1..5 in the first run, 6..20 in the second: each increment reported once, none repeated.
        assertThat(v.get("deliveredRecords")).isEqualTo(20L);
        assertThat(v.get("deliveredBytes")).isEqualTo(200L);
        assertThat(v.get("offsets")).isEqualTo(List.of(Map.of("count", 20)));
        assertThat(count("s")).isEqualTo("20");
        // Reports carry no skips: the view says it does not know, and /metrics has no skipped series for an image.
        assertThat(v).containsEntry("skippedRecords", null);
        try (RuntimeMetrics metrics = new RuntimeMetrics(runtime, Clock.systemUTC())) {
            PrometheusText m = PrometheusText.parse(metrics.scrape());
            assertThat(m.value("hstreamio_connector_restarts_total", "connector", "s")).contains(1.0);
            assertThat(m.value("hstreamio_connector_records_delivered_total", "connector", "s")).contains(20.0);
            assertThat(m.value("hstreamio_connector_state", "connector", "s", "state", "COMPLETED")).contains(1.0);
            assertThat(m.find("hstreamio_connector_records_skipped_total", "connector", "s")).isEmpty();
            assertThat(m.value("hstreamio_connector_lag_seconds", "connector", "s")).hasValue(Double.NaN);
        }
        Path config = dir.resolve("tasks").resolve((String) v.get("taskId")).resolve("config.json");
        assertThat(Files.readString(config)).contains("\"serviceUrl\":\"hstream://127.0.0.1:6570\"",
                "\"task\":\"" + v.get("taskId") + "\"", "\"crashAt\":5");
        assertThat(Files.getPosixFilePermissions(config))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        runtime.execute("DROP CONNECTOR s");
        assertThat(config.getParent()).as("the task directory, config and secrets with it").doesNotExist();
        assertThat(store.keyValueStore(TaskStates.namespace((String) v.get("taskId"))).scan("")).isEmpty();
    }

    @Test
    void pauseSendsStopResumeStartsAgainFromTheKeptState() {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x')");
        await().atMost(Duration.ofSeconds(60)).until(() -> countNow("s") >= 10);
        // Its Reports are stock ones, without our lag fields: the running task's lag is simply unknown.
        assertThat(view("s")).containsEntry("status", "RUNNING").containsEntry("lagMillis", null)
                .containsEntry("lastCommitTime", null);
        long started = System.nanoTime();
        runtime.execute("PAUSE CONNECTOR s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a clean stop, well before the grace period")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(view("s")).containsEntry("status", "STOPPED").containsEntry("restarts", 0);
        int paused = countNow("s");
        assertThat(view("s").get("deliveredRecords")).isEqualTo((long) paused);

        runtime.execute("RESUME CONNECTOR s");
        await().atMost(Duration.ofSeconds(60)).until(() -> countNow("s") >= paused + 10);
        runtime.execute("PAUSE CONNECTOR s");
        assertThat(view("s").get("deliveredRecords")).isEqualTo(Long.parseLong(count("s")));
    }

    @Test
    void anImageThatIgnoresStopIsKilledAfterTheGracePeriod() {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x', \"ignoreStop\"=true)");
        await().atMost(Duration.ofSeconds(60)).until(() -> count("s") != null);
        long started = System.nanoTime();
        runtime.execute("PAUSE CONNECTOR s");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(10));
        assertThat(view("s")).containsEntry("status", "STOPPED");
        String frozen = count("s");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> count("s").equals(frozen));
    }

    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return p.info().commandLine().orElse("?");
        }
    }

    @Test
    void aSigkilledImageIsRestartedAndLosesNothing() {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x', \"rows\"=40)");
        await().atMost(Duration.ofSeconds(60)).until(() -> countNow("s") >= 10);
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        ProcessHandle child = children.stream().filter(p -> commandLine(p).contains(FakeImageMain.class.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no image process among " + children.stream()
                        .map(p -> p.pid() + ": " + commandLine(p)).toList()));
        assertThat(child.destroyForcibly()).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(view("s").get("status")));
        assertThat(view("s").get("restarts")).isEqualTo(1);
        assertThat((String) view("s").get("lastError")).contains("exited with code 137");
        // The image keeps its counter through KvSet before it reports, so the count resumes where the kill left it.
        assertThat(count("s")).isEqualTo("40");
        assertThat((Long) view("s").get("deliveredRecords")).isBetween(39L, 40L);
    }

    /** Our own connectors as child processes under the runtime, their streams in HStreamDB (the fake cluster). */
    @Test
    void ourOwnImagesRunAsChildProcessesWithStreamsInHStreamDb() throws Exception {
        runtime.close();
        try (io.hstreamio.runtime.hstream.FakeHStreamCluster cluster = io.hstreamio.runtime.hstream.FakeHStreamCluster
                .start(1, io.hstreamio.runtime.hstream.FakeHStreamCluster.Transport.LOOPBACK)) {
            List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    io.hstreamio.runtime.cli.HStreamIoCli.class.getName(), "connector");
            List<String> source = new java.util.ArrayList<>(jvm);
            source.addAll(List.of("source", "generator"));
            List<String> sink = new java.util.ArrayList<>(jvm);
            sink.addAll(List.of("sink", "blackhole"));
            runtime = new RuntimeService(store, Connectors.discover(), Clock.systemUTC(), SETTINGS,
                    new Images(Map.of("source/generator", source, "sink/blackhole", sink), dir.resolve("tasks"),
                            java.util.Optional.of(cluster.serviceUrl()), Duration.ofSeconds(30)));
            runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='hs', \"rows\"=4000); "
                    + "CREATE SINK CONNECTOR hole TO blackhole WITH (\"stream\"='hs')");
            await().atMost(Duration.ofSeconds(90)).until(() -> "COMPLETED".equals(view("gen").get("status"))
                    && (Long) view("hole").get("deliveredRecords") == 4001L);
            assertThat(view("gen").get("deliveredRecords")).isEqualTo(4001L);
            assertThat(cluster.storedRecords(cluster.shardIds("hs").get(0))).isEqualTo(4001);
            // The generator's resume position went through KvSet into the runtime's durable store.
            String taskId = (String) view("gen").get("taskId");
            assertThat(store.keyValueStore(TaskStates.namespace(taskId)).get("source.position")).isPresent();
            assertThat(store.findStream("hs")).as("streams live in HStreamDB, not in the runtime's store").isEmpty();
            runtime.execute("PAUSE CONNECTOR hole");
            assertThat(view("hole")).containsEntry("status", "STOPPED");
        }
    }

    @Test
    void anImageThatStopsReportingIsKilledAndRestarted() {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x', \"silentAt\"=3, \"rows\"=8)");
        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(view("s").get("status")));
        assertThat(view("s").get("restarts")).isEqualTo(1);
        assertThat((String) view("s").get("lastError")).isEqualTo("the task sent no report for 3 s; it was killed");
        assertThat(count("s")).isEqualTo("8");
        assertThat(view("s").get("deliveredRecords")).isEqualTo(8L);
    }
}

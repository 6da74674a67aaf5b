package io.hstreamio.runtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.runner.SourceTaskRunner;
import io.hstreamio.runtime.cli.HStreamIoCli;
import io.hstreamio.runtime.hstream.FakeHStreamCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code hstream-io connector … run} in a child JVM the way HStreamDB's IO runtime runs an image: a
 * config.json, JSON lines on stdin/stdout, KvGet/KvSet answered from the runtime's own state, Reports, {@code stop}.
 * Every message's shape is checked.
 */
class ConnectorProtocolIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path config(String name, String taskId, Map<String, Object> connector) throws IOException {
        return config(name, taskId, connector, "embedded:" + dir.resolve("store"));
    }

    private Path config(String name, String taskId, Map<String, Object> connector, String serviceUrl)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("hstream").put("serviceUrl", serviceUrl);
        root.set("connector", JSON.valueToTree(connector));
        root.put("task", taskId);
        Path taskDir = Files.createDirectories(dir.resolve(name));
        return Files.writeString(taskDir.resolve("config.json"), root.toString());
    }

    private Process start(String kind, String connector, String action, Path config) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), HStreamIoCli.class.getName(),
                "connector", kind, connector, action));
        if (config != null) {
            cmd.addAll(List.of("--config", config.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(dir.resolve(connector + "-" + action + "-" + UUID.randomUUID() + ".err").toFile());
        pb.environment().remove(ConnectorConfig.SERVICE_URL_ENV);
        return pb.start();
    }

    private static int exitOf(Process p) throws InterruptedException {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the task exits").isTrue();
        return p.exitValue();
    }

    @Test
    void aSourceReportsDeltasKeepsItsOffsetThroughKvSetStopsOnRequestAndResumesFromKvGet() throws Exception {
        String taskId = UUID.randomUUID().toString();
        Map<String, String> state = FakeIoRuntime.newState();
        Path cfg = config("source", taskId, Map.of("stream", "s1", "rows", 0, "rate", 1000, "batch", 100));

        Process p = start("source", "generator", "run", cfg);
        FakeIoRuntime rt = new FakeIoRuntime(p, state);
        await().atMost(Duration.ofSeconds(30)).until(() -> rt.deliveredRecords() >= 2000);
        assertThat(rt.messageNames).startsWith("KvGet").contains("KvSet", "Report");
        rt.stop();
        assertThat(exitOf(p)).isZero();
        rt.awaitEndOfOutput();
        assertThat(rt.violations).isEmpty();

        long first = rt.deliveredRecords();
        assertThat(rt.deliveredBytes()).isGreaterThan(first * 10);
        JsonNode last = rt.reports.get(rt.reports.size() - 1);
        assertThat(last.get("offsets")).hasSize(1);
        assertThat(last.get("offsets").get(0).get("event").asLong()).as("the last row made durable")
                .isEqualTo(first - 1);
        // Our extension: the generator's changes carry commit times, so its reports carry its lag.
        assertThat(last.get("lagMillis").asLong()).isNotNegative();
        assertThat(last.get("lastCommitTimeMillis").asLong()).isPositive();
        assertThat(state).containsKey(SourceTaskRunner.POSITION_KEY);
        assertThat(Files.readString(cfg.resolveSibling("app.log"))).contains("Protocol: stop received");

        // A new process for the same task id resumes from the offset the runtime kept: no row is repeated.
        Process again = start("source", "generator", "run",
                config("source", taskId, Map.of("stream", "s1", "rows", first + 999, "batch", 100)));
        FakeIoRuntime rt2 = new FakeIoRuntime(again, state);
        assertThat(exitOf(again)).as("a bounded source completes and exits 0").isZero();
        rt2.awaitEndOfOutput();
        assertThat(rt2.violations).isEmpty();
        assertThat(rt2.deliveredRecords()).isEqualTo(1000);

        // A sink over the same stream sees every row exactly once.
        Map<String, String> sinkState = FakeIoRuntime.newState();
        Process sink = start("sink", "blackhole", "run",
                config("sink", UUID.randomUUID().toString(), Map.of("stream", "s1")));
        FakeIoRuntime rt3 = new FakeIoRuntime(sink, sinkState);
        await().atMost(Duration.ofSeconds(30)).until(() -> rt3.deliveredRecords() == first + 1000);
        rt3.stop();
        assertThat(exitOf(sink)).isZero();
        rt3.awaitEndOfOutput();
        assertThat(rt3.violations).isEmpty();
        assertThat(rt3.deliveredRecords()).isEqualTo(first + 1000);
    }

    @Test
    void imagesWriteAndReadStreamsInHStreamDbWhenServiceUrlNamesIt() throws Exception {
        try (FakeHStreamCluster cluster = FakeHStreamCluster.start(1, FakeHStreamCluster.Transport.LOOPBACK)) {
            Process source = start("source", "generator", "run", config("hs-source", UUID.randomUUID().toString(),
                    Map.of("stream", "hs", "rows", 3000, "batch", 500), cluster.serviceUrl()));
            FakeIoRuntime rt = new FakeIoRuntime(source, FakeIoRuntime.newState());
            assertThat(exitOf(source)).isZero();
            rt.awaitEndOfOutput();
            assertThat(rt.violations).isEmpty();
            assertThat(rt.deliveredRecords()).isEqualTo(3001);
            assertThat(cluster.shardIds("hs")).hasSize(1);
            assertThat(cluster.storedRecords(cluster.shardIds("hs").get(0))).isEqualTo(3001);

            Process sink = start("sink", "blackhole", "run", config("hs-sink", UUID.randomUUID().toString(),
                    Map.of("stream", "hs"), cluster.serviceUrl()));
            FakeIoRuntime rt2 = new FakeIoRuntime(sink, FakeIoRuntime.newState());
            await().atMost(Duration.ofSeconds(60)).until(() -> rt2.deliveredRecords() == 3001);
            rt2.stop();
            assertThat(exitOf(sink)).isZero();
            rt2.awaitEndOfOutput();
            assertThat(rt2.violations).isEmpty();
        }
    }

    @Test
    void specPrintsTheJsonSchemaAndCheckItsFirstLine() throws Exception {
        Process spec = start("source", "generator", "spec", null);
        String specOut = new String(spec.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exitOf(spec)).isZero();
        JsonNode schema = JSON.readTree(specOut.lines().findFirst().orElseThrow());
        assertThat(schema.get("$schema").asText()).contains("2020-12");
        assertThat(schema.get("properties").has("stream")).isTrue();
        assertThat(schema.get("properties").has("rows")).isTrue();
        assertThat(schema.get("required").toString()).contains("stream");

        Process ok = start("sink", "blackhole", "check", config("check-ok", "t", Map.of("stream", "s")));
        JsonNode okLine = JSON.readTree(new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().findFirst().orElseThrow());
        assertThat(exitOf(ok)).isZero();
        assertThat(okLine.get("result").asBoolean()).isTrue();
        assertThat(okLine.has("type") && okLine.has("message") && okLine.has("detail")).isTrue();

        Process bad = start("source", "generator", "check", config("check-bad", "t", Map.of("rowz", 1)));
        JsonNode badLine = JSON.readTree(new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().findFirst().orElseThrow());
        assertThat(exitOf(bad)).isZero();
        assertThat(badLine.get("result").asBoolean()).isFalse();
        assertThat(badLine.get("type").asText()).isEqualTo("CONFIG");
        assertThat(badLine.get("message").asText()).contains("unknown option 'rowz'", "option 'stream' of generator source is required");
    }

    @Test
    void aTaskWhoseReportsGoUnansweredFor30SecondsExitsWithOne() throws Exception {
        Process p = start("source", "generator", "run", config("silent", UUID.randomUUID().toString(),
                Map.of("stream", "s2", "rows", 0, "rate", 100)));
        FakeIoRuntime rt = new FakeIoRuntime(p, FakeIoRuntime.newState());
        rt.answerReports = false;
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        rt.awaitEndOfOutput();
        assertThat(rt.violations).isEmpty();
        assertThat(Files.readString(dir.resolve("silent").resolve("app.log")))
                .contains("Report request", "got no answer from the runtime in 30 s");
    }
}

package io.hstreamio.runtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.runtime.hstream.FakeHStreamCluster;
import io.hstreamio.runtime.pipeline.Replication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connector images that the {@code images} Maven profile builds (Jib, {@code target/images/*.tar}), run the way
 * HStreamDB's IO runtime runs them ({@code IMAGE spec}, {@code IMAGE check --config /data/config.json},
 * {@code IMAGE run --config /data/config.json} with stdin/stdout piped), through {@link ImageRoot} since no Docker
 * engine is here. The images' streams are in an HStreamDB ({@link FakeHStreamCluster}, our in-process fake).
 *
 * <p>Skipped unless the images were built and the test runs as root (chroot, mounts); {@code scripts/test.sh}
 * builds them and sets {@code -Dhstreamio.images.required=true}, which turns the skip into a failure.
 */
class ConnectorImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path IMAGES = Path.of(System.getProperty("hstreamio.images.dir", "target/images"));
    private static final String ROWS = "SELECT id, name, amount, at FROM items ORDER BY id";

    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @TempDir
    static Path dir;

    private static final Map<String, ImageRoot> unpacked = new HashMap<>();

    @BeforeAll
    static void imagesAreBuilt() {
        boolean built = Files.isRegularFile(IMAGES.resolve("sink-postgresql.tar"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (Boolean.getBoolean("hstreamio.images.required")) {
            assertThat(built).as("images in %s (mvn -Pimages package)", IMAGES.toAbsolutePath()).isTrue();
            assertThat(root).as("running as root (chroot and mounts)").isTrue();
        }
        assumeTrue(built && root, "connector images not built (-Pimages) or not root");
    }

    private static synchronized ImageRoot image(String name) throws Exception {
        ImageRoot r = unpacked.get(name);
        if (r == null) {
            r = ImageRoot.unpack(IMAGES.resolve(name + ".tar"), Files.createDirectories(dir.resolve(name)));
            unpacked.put(name, r);
        }
        return r;
    }

    private static Path taskDir(String name, Map<String, Object> connector, String serviceUrl) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("hstream").put("serviceUrl", serviceUrl);
        root.set("connector", JSON.valueToTree(connector));
        root.put("task", UUID.randomUUID().toString());
        Path d = Files.createDirectories(dir.resolve("tasks").resolve(name + "-" + UUID.randomUUID()));
        Files.writeString(d.resolve("config.json"), root.toString());
        return d;
    }

    private static String firstLine(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the image exits").isTrue();
        assertThat(p.exitValue()).as("exit code; stdout: %s", out).isZero();
        return out.lines().findFirst().orElseThrow();
    }

    private static Map<String, Object> db(TestDatabase d, String stream) {
        return new HashMap<>(Map.of("host", d.host(), "port", d.port(), "user", d.user(), "password", d.password(),
                "database", d.name(), "stream", stream));
    }

    @ParameterizedTest
    @ValueSource(strings = {"source-mysql", "source-mariadb", "source-postgresql", "sink-postgresql", "sink-mysql",
            "sink-mariadb"})
    void everyImagePrintsItsSpecFromItsEntrypoint(String name) throws Exception {
        ImageRoot img = image(name);
        String[] kind = name.split("-", 2);
        assertThat(img.entrypoint()).endsWith("connector", kind[0], kind[1]);
        JsonNode spec = JSON.readTree(firstLine(img.start(null, dir.resolve(name + "-spec.err"), "spec")));
        assertThat(spec.get("$schema").asText()).contains("2020-12");
        assertThat(spec.get("properties").has("stream")).isTrue();
        assertThat(spec.get("properties").get("password").get("ui:type").asText()).isEqualTo("secret");
    }

    @Test
    void checkAnswersTrueForAReachableTargetAndFalseWithTheCauseOtherwise() throws Exception {
        ImageRoot sink = image("sink-postgresql");
        Map<String, Object> good = db(DBS.postgres(), "s");
        JsonNode ok = JSON.readTree(firstLine(sink.start(taskDir("check-ok", good, "hstream://127.0.0.1:6570"),
                dir.resolve("check-ok.err"), "check", "--config", "/data/config.json")));
        assertThat(ok.get("result").asBoolean()).as(ok.toString()).isTrue();

        Map<String, Object> bad = db(DBS.postgres(), "s");
        bad.put("port", 1);
        bad.put("password", "hunter2-image-check");
        String line = firstLine(sink.start(taskDir("check-bad", bad, "hstream://127.0.0.1:6570"),
                dir.resolve("check-bad.err"), "check", "--config", "/data/config.json"));
        JsonNode no = JSON.readTree(line);
        assertThat(no.get("result").asBoolean()).isFalse();
        assertThat(no.get("message").asText()).contains("127.0.0.1:1");
        assertThat(line).doesNotContain("hunter2-image-check");
    }

    @Test
    void aMariaDbSourceImageAndAPostgresSinkImageReplicateThroughHStreamDb() throws Exception {
        TestDatabase src = DBS.mariadb();
        src.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(10,2),"
                        + " at DATETIME(6))",
                "INSERT INTO items VALUES (1, 'one', 1.50, '2024-01-02 03:04:05.123456'), (2, 'two 😀', NULL, NULL),"
                        + " (3, 'three', -0.01, '1999-12-31 23:59:59.999999')");
        try (FakeHStreamCluster cluster = FakeHStreamCluster.start(1, FakeHStreamCluster.Transport.LOOPBACK)) {
            Process source = image("source-mariadb").start(taskDir("source", db(src, "items"), cluster.serviceUrl()),
                    dir.resolve("source-run.err"), "run", "--config", "/data/config.json");
            FakeIoRuntime sourceRt = new FakeIoRuntime(source, FakeIoRuntime.newState());
            // As in HStreamDB, a sink subscribes to a stream that exists: the source image creates it as it starts.
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> !cluster.shardIds("items").isEmpty());
            Process sink = image("sink-postgresql").start(
                    taskDir("sink", db(DBS.postgres(), "items"), cluster.serviceUrl()),
                    dir.resolve("sink-run.err"), "run", "--config", "/data/config.json");
            FakeIoRuntime sinkRt = new FakeIoRuntime(sink, FakeIoRuntime.newState());
            try {
                await().atMost(Duration.ofSeconds(180)).untilAsserted(() -> assertThat(rows(DBS.postgres()))
                        .as(() -> "target rows; stderr of the images: " + tail("source-run.err") + tail("sink-run.err"))
                        .isEqualTo(rows(src)));
                src.execute("INSERT INTO items VALUES (4, 'four', 4.00, '2030-01-01 00:00:00')",
                        "UPDATE items SET amount = 99.99, name = 'one!' WHERE id = 1",
                        "DELETE FROM items WHERE id = 2");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(
                        () -> assertThat(rows(DBS.postgres())).isEqualTo(rows(src)));
                // Reports come every few seconds; the rows can be in the target before the first one.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(
                        () -> assertThat(sourceRt.deliveredRecords()).isPositive());
                sourceRt.stop();
                sinkRt.stop();
                assertThat(source.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(sink.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(List.of(source.exitValue(), sink.exitValue())).containsOnly(0);
                sourceRt.awaitEndOfOutput();
                sinkRt.awaitEndOfOutput();
                assertThat(sourceRt.violations).isEmpty();
                assertThat(sinkRt.violations).isEmpty();
            } finally {
                source.destroyForcibly();
                sink.destroyForcibly();
            }
        }
    }

    private static String tail(String file) {
        try {
            String s = Files.readString(dir.resolve(file));
            return "\n" + file + ": " + s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "\n" + file + ": " + e;
        }
    }

    private static List<List<Object>> rows(TestDatabase d) {
        return Replication.rowsOrEmpty(d, ROWS, rs -> Arrays.asList(rs.getInt(1), rs.getString(2),
                rs.getBigDecimal(3), rs.getObject(4, LocalDateTime.class)));
    }
}

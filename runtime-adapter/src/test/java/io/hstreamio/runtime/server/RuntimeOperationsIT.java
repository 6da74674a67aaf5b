package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating the runtime server as its own process: {@code /metrics} follows connectors as they run and are dropped,
 * secrets appear in none of SQL, REST, metrics, the web view or the server's logs, and the web view renders in a real
 * (headless) Chromium, escaped, and refreshes itself.
 */
class RuntimeOperationsIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String RECORDS = "hstreamio_connector_records_delivered_total";
    private static final String STATE = "hstreamio_connector_state";
    private static final String RESTARTS = "hstreamio_connector_restarts_total";

    @TempDir
    Path dir;

    private ServerProcess server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    private PrometheusText metrics() throws Exception {
        return PrometheusText.parse(server.body("/metrics"));
    }

    private double records(PrometheusText m, String connector) {
        return m.value(RECORDS, "connector", connector).orElse(-1.0);
    }

    private JsonNode connector(String name) throws Exception {
        return JSON.readTree(server.body("/connectors/" + name));
    }

    @Test
    void metricsShowEachConnectorsCountersAndStateAndForgetADroppedOne() throws Exception {
        server = ServerProcess.start(dir);
        server.sql("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='g', \"rows\"=0, \"rate\"=5000); "
                + "CREATE SINK CONNECTOR hole TO blackhole WITH (\"stream\"='g')");

        HttpResponse<String> first = server.get("/metrics");
        assertThat(first.headers().firstValue("Content-Type"))
                .contains("text/plain; version=0.0.4; charset=utf-8");
        await().atMost(WAIT).until(() -> records(metrics(), "hole") > 1000);
        PrometheusText m = metrics();
        double before = records(m, "hole");
        assertThat(m.value(RECORDS, "connector", "gen", "type", "source", "target", "generator")).isPresent();
        assertThat(m.value(RECORDS, "connector", "hole", "type", "sink", "target", "blackhole")).isPresent();
        assertThat(m.value(STATE, "connector", "gen", "state", "RUNNING")).contains(1.0);
        assertThat(m.value(STATE, "connector", "hole", "state", "RUNNING")).contains(1.0);
        assertThat(m.value(STATE, "connector", "hole", "state", "FAILED")).contains(0.0);
        assertThat(m.value(RESTARTS, "connector", "gen")).contains(0.0);
        assertThat(m.find("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(m.find("jvm_threads_live_threads")).hasSize(1);
        // The counter grows while the pipeline runs.
        await().atMost(WAIT).until(() -> records(metrics(), "hole") > before + 5000);

        // Paused, the source stops; the sink catches up with it exactly, and /metrics agrees with /connectors.
        server.sql("PAUSE CONNECTOR gen");
        await().atMost(WAIT).until(() -> {
            PrometheusText now = metrics();
            return records(now, "hole") == records(now, "gen");
        });
        PrometheusText settled = metrics();
        assertThat(settled.value(STATE, "connector", "gen", "state", "STOPPED")).contains(1.0);
        assertThat(settled.value("hstreamio_connector_paused", "connector", "gen")).contains(1.0);
        assertThat((long) records(settled, "gen")).isEqualTo(connector("gen").get("deliveredRecords").asLong());
        assertThat((long) records(settled, "hole")).isEqualTo(connector("hole").get("deliveredRecords").asLong());

        server.sql("DROP CONNECTOR hole");
        PrometheusText dropped = metrics();
        assertThat(dropped.ofConnector("hole")).isEmpty();
        assertThat(dropped.ofConnector("gen")).isNotEmpty();
    }

    @Test
    void secretsAppearInNoneOfSqlRestMetricsTheWebViewOrTheServerLogs() throws Exception {
        String sourceSecret = "S3cr3t-source-" + Long.toHexString(System.nanoTime());
        String sinkSecret = "S3cr3t-sink-" + Long.toHexString(System.nanoTime());
        TestDatabase maria = DBS.mariadb();
        TestDatabase pg = DBS.postgres();
        server = ServerProcess.start(dir);
        // The PostgreSQL sink logs in (trust ignores the password) and writes the generator's rows; MariaDB refuses
        // root with a password, so the source fails, is restarted, and its error goes through status and logs.
        server.sql("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='orders_s', \"rows\"=200); "
                + "CREATE SINK CONNECTOR pgdst TO postgresql WITH (\"host\"='" + pg.host() + "', \"port\"=" + pg.port()
                + ", \"user\"='" + pg.user() + "', \"password\"='" + sinkSecret + "', \"database\"='" + pg.name()
                + "', \"stream\"='orders_s'); "
                + "CREATE SOURCE CONNECTOR my FROM mariadb WITH (\"host\"='" + maria.host() + "', \"port\"="
                + maria.port() + ", \"user\"='" + maria.user() + "', \"password\"='" + sourceSecret
                + "', \"database\"='" + maria.name() + "', \"stream\"='my_s')");
        await().atMost(WAIT).until(() -> connector("pgdst").get("deliveredRecords").asLong() == 201
                && connector("my").get("restarts").asInt() >= 2);
        assertThat(pg.query("SELECT id FROM orders ORDER BY id").stream().map(r -> ((Number) r.get("id")).longValue())
                .toList()).isEqualTo(LongStream.rangeClosed(1, 200).boxed().toList());

        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("SHOW CONNECTORS", server.sql("SHOW CONNECTORS"));
        outputs.put("DESCRIBE CONNECTOR", server.sql("DESCRIBE CONNECTOR pgdst; DESCRIBE CONNECTOR my"));
        outputs.put("DESCRIBE CONNECTOR --json", server.sql("DESCRIBE CONNECTOR pgdst; DESCRIBE CONNECTOR my",
                "--json"));
        outputs.put("GET /connectors", server.body("/connectors"));
        outputs.put("GET /connectors/pgdst", server.body("/connectors/pgdst"));
        outputs.put("GET /connectors/my", server.body("/connectors/my"));
        outputs.put("GET /metrics", server.body("/metrics"));
        outputs.put("GET /", server.body("/"));
        server.close(); // SIGTERM: the logs then hold the shutdown too
        server = null;
        outputs.put("server log", Files.readString(dir.resolve("server.log")));
        outputs.put("server stderr", Files.readString(dir.resolve("server.stderr")));

        outputs.forEach((what, text) -> {
            assertThat(text).as(what).doesNotContain(sourceSecret);
            assertThat(text).as(what).doesNotContain(sinkSecret);
        });
        // And the outputs are the real ones: each shows the connectors, masked config and errors where it should.
        assertThat(outputs.get("SHOW CONNECTORS")).contains("| pgdst ", "| my ");
        assertThat(outputs.get("DESCRIBE CONNECTOR")).contains("******", "Access denied");
        assertThat(outputs.get("GET /connectors/pgdst")).contains("\"password\":\"******\"");
        assertThat(outputs.get("GET /metrics")).contains("connector=\"my\"", "connector=\"pgdst\"");
        assertThat(outputs.get("GET /")).contains("<table id=\"connectors\">");
        assertThat(outputs.get("server log")).contains("Created sink connector pgdst", "Created source connector my",
                "password=******", "Access denied", "DEBUG");
    }

    @Test
    void theWebViewRendersConnectorsEscapedInChromiumAndRefreshesItself() throws Exception {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "no chromium on PATH (nor HSTREAMIO_CHROMIUM): "
                + "scripts/setup-databases.sh installs it (apt-get install chromium)");
        String secret = "S3cr3t-view-" + Long.toHexString(System.nanoTime());
        TestDatabase maria = DBS.mariadb();
        server = ServerProcess.start(dir);
        // 'broken' fails at once on every run with markup in its message: the view must show it as text.
        server.sql("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='g', \"rows\"=0, \"rate\"=2000); "
                + "CREATE SINK CONNECTOR hole TO blackhole WITH (\"stream\"='g'); "
                + "CREATE SOURCE CONNECTOR broken FROM flaky WITH (\"stream\"='b', \"failRuns\"=1000000, "
                + "\"pollsBeforeFailure\"=0, \"failureMessage\"='<b id=\"injected\">bold</b> & more'); "
                + "CREATE SOURCE CONNECTOR my FROM mariadb WITH (\"host\"='" + maria.host() + "', \"port\"="
                + maria.port() + ", \"user\"='" + maria.user() + "', \"password\"='" + secret + "', \"database\"='"
                + maria.name() + "', \"stream\"='my_s')");
        await().atMost(WAIT).until(() -> connector("hole").get("deliveredRecords").asLong() > 0
                && connector("broken").hasNonNull("lastError") && connector("my").hasNonNull("lastError"));

        String dom = dumpDom(chromium.get(), server.url() + "/");
        Map<String, List<String>> rows = tableRows(dom);
        assertThat(rows.keySet()).as(dom).containsExactlyInAnyOrder("gen", "hole", "broken", "my");
        // Cells: connector, type, target, status, restarts, records delivered, bytes, skipped, lag, last error.
        assertThat(rows.get("gen").subList(0, 4)).containsExactly("gen", "source", "generator", "RUNNING");
        assertThat(rows.get("hole").subList(0, 4)).containsExactly("hole", "sink", "blackhole", "RUNNING");
        assertThat(Long.parseLong(rows.get("hole").get(5).replace(",", ""))).isPositive();
        assertThat(rows.get("hole").get(9)).isEmpty();
        // The generator's changes carry commit times: the sink's lag shows in seconds (0.00 s once caught up).
        assertThat(rows.get("hole").get(8)).matches("[0-9][0-9,]*(\\.[0-9]{2})? s");
        assertThat(Integer.parseInt(rows.get("broken").get(4))).isPositive();
        // Serialised DOM text: the markup came through as characters, and no element was made from it.
        assertThat(rows.get("broken").get(9)).startsWith("&lt;b id=\"injected\"&gt;bold&lt;/b&gt; &amp; more of run");
        assertThat(dom).doesNotContain("<b id=\"injected\">");
        assertThat(rows.get("my").get(9)).contains("Access denied");
        assertThat(rows.get("my").get(8)).as("a task that never ran has no lag").isEmpty();
        assertThat(dom).doesNotContain(secret);
        // The page fetched /connectors again and again within the 10 s of virtual time it was given.
        Matcher refreshes = Pattern.compile("data-refreshes=\"(\\d+)\"").matcher(dom);
        assertThat(refreshes.find()).as(dom).isTrue();
        assertThat(Integer.parseInt(refreshes.group(1))).isGreaterThanOrEqualTo(3);
        assertThat(dom).contains("4 connector(s); updated");
    }

    /** The rows of the connectors table as connector name → cell texts, from Chromium's serialised DOM. */
    private static Map<String, List<String>> tableRows(String dom) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher row = Pattern.compile("<tr data-connector=\"([^\"]*)\">(.*?)</tr>", Pattern.DOTALL).matcher(dom);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(row.group(2));
            while (cell.find()) {
                cells.add(cell.group(1));
            }
            out.put(row.group(1), cells);
        }
        return out;
    }

    /** Chromium's DOM of the page after its scripts ran for 10 s of virtual time (3 s refreshes: at least 3). */
    private String dumpDom(Path chromium, String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--virtual-time-budget=10000", "--user-data-dir=" + dir.resolve("chromium-profile"), "--dump-dom",
                url)
                .redirectError(dir.resolve("chromium.stderr").toFile())
                .start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within 90 s; see " + dir.resolve("chromium.stderr"));
        }
        assertThat(p.exitValue()).as("chromium's exit code; see " + dir.resolve("chromium.stderr")).isZero();
        return new String(out.join(), StandardCharsets.UTF_8);
    }

    /** HSTREAMIO_CHROMIUM when set (it must then be there), else chromium, chromium-browser or google-chrome. */
    private static Optional<Path> chromium() {
        String explicit = System.getenv("HSTREAMIO_CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            if (!Files.isExecutable(Path.of(explicit))) {
                throw new AssertionError("HSTREAMIO_CHROMIUM=" + explicit + " is not an executable file; point it "
                        + "at a Chromium binary or unset it");
            }
            return Optional.of(Path.of(explicit));
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}

package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lag under the runtime server as its own process, tasks in child processes (whose Reports carry it): a MariaDB source
 * and a PostgreSQL sink while a writer changes the source steadily. The lag shows in {@code /metrics}, REST and
 * DESCRIBE; it is positive and plausible while changes flow (never above the time since the first write, plus the
 * whole second that MariaDB's binlog timestamps may lose), and 0 once the tasks caught up, however long the source
 * then stays idle, while the last event's age keeps growing.
 */
class RuntimeLagIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String LAG = "hstreamio_connector_lag_seconds";
    private static final String AGE = "hstreamio_connector_last_event_age_seconds";
    /** MariaDB's binlog keeps whole seconds: a commit time may read up to 1 s early, so a lag up to 1 s high. */
    private static final double SLACK_SECONDS = 2.0;

    @TempDir
    Path dir;

    private ServerProcess server;
    private ScheduledExecutorService writer;

    @AfterEach
    void stop() throws InterruptedException {
        if (writer != null) {
            writer.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    private record Sample(Instant at, double source, double sink) {}

    private double metric(String name, String connector) throws Exception {
        return PrometheusText.parse(server.body("/metrics")).value(name, "connector", connector).orElseThrow();
    }

    private Sample sample() throws Exception {
        PrometheusText m = PrometheusText.parse(server.body("/metrics"));
        return new Sample(Instant.now(), m.value(LAG, "connector", "src").orElseThrow(),
                m.value(LAG, "connector", "dst").orElseThrow());
    }

    private JsonNode connector(String name) throws Exception {
        return JSON.readTree(server.body("/connectors/" + name));
    }

    private static List<List<Object>> rows(TestDatabase db) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        for (Map<String, Object> row : db.query("SELECT id, v FROM items ORDER BY id")) {
            out.add(List.of(((Number) row.get("id")).longValue(), row.get("v")));
        }
        return out;
    }

    @Test
    void lagIsPositiveAndPlausibleWhileChangesFlowAndZeroOnceCaughtUp() throws Exception {
        TestDatabase maria = DBS.mariadb();
        TestDatabase pg = DBS.postgres();
        maria.execute("CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(20))");
        server = ServerProcess.start(dir);
        server.sql("CREATE SOURCE CONNECTOR src FROM mariadb WITH (\"host\"='" + maria.host() + "', \"port\"="
                + maria.port() + ", \"user\"='" + maria.user() + "', \"password\"='" + maria.password()
                + "', \"database\"='" + maria.name() + "', \"table\"='items', \"stream\"='items'); "
                + "CREATE SINK CONNECTOR dst TO postgresql WITH (\"host\"='" + pg.host() + "', \"port\"=" + pg.port()
                + ", \"user\"='" + pg.user() + "', \"password\"='" + pg.password() + "', \"database\"='" + pg.name()
                + "', \"table\"='items', \"stream\"='items')");

        // Started on an empty table: both tasks caught up at once, lag 0. (Not asserted: that nothing with a commit
        // time was delivered yet; CI once saw the sink's last-event age at 4 s here, before any write.)
        await().atMost(WAIT).ignoreExceptions().until(() -> metric(LAG, "src") == 0.0 && metric(LAG, "dst") == 0.0);

        // A steady writer: 5 rows every 25 ms, 2,000 rows, one autocommitted INSERT each time.
        Instant firstWrite = Instant.now();
        AtomicInteger ticks = new AtomicInteger();
        CompletableFuture<Void> written = new CompletableFuture<>();
        writer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "lag-it-writer"));
        writer.scheduleAtFixedRate(() -> {
            int t = ticks.incrementAndGet();
            if (t > 400) {
                written.complete(null);
                return;
            }
            StringBuilder sql = new StringBuilder("INSERT INTO items VALUES ");
            for (int i = 0; i < 5; i++) {
                int id = (t - 1) * 5 + i + 1;
                sql.append(i > 0 ? "," : "").append("(").append(id).append(",'v").append(id).append("')");
            }
            try {
                maria.execute(sql.toString());
            } catch (Exception e) {
                written.completeExceptionally(e);
            }
        }, 0, 25, TimeUnit.MILLISECONDS);

        // Samples while the writer runs (the tasks report every 3 s).
        List<Sample> samples = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            samples.add(sample());
            return written.isDone();
        });
        Instant lastWrite = Instant.now();
        written.join();

        System.out.printf("RuntimeLagIT: %d samples over %d ms; source lag max %.3f s, sink lag max %.3f s%n",
                samples.size(), Duration.between(firstWrite, lastWrite).toMillis(),
                samples.stream().mapToDouble(Sample::source).max().orElse(-1),
                samples.stream().mapToDouble(Sample::sink).max().orElse(-1));
        assertThat(samples).hasSizeGreaterThan(10);
        for (Sample s : samples) {
            double bound = Duration.between(firstWrite, s.at()).toMillis() / 1000.0 + SLACK_SECONDS;
            assertThat(s.source()).as("source lag at %s", s.at()).isBetween(0.0, bound);
            assertThat(s.sink()).as("sink lag at %s", s.at()).isBetween(0.0, bound);
        }
        assertThat(samples).as("the source's lag shows while changes flow").anyMatch(s -> s.source() > 0);
        assertThat(samples).as("the sink's lag shows while changes flow").anyMatch(s -> s.sink() > 0);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(pg)).isEqualTo(rows(maria)));
        assertThat(rows(pg)).hasSize(2000);

        // Caught up and idle: 0, and it stays 0 while the source is quiet; the last event's age grows instead.
        await().atMost(WAIT).until(() -> metric(LAG, "src") == 0.0 && metric(LAG, "dst") == 0.0);
        double age = metric(AGE, "dst");
        assertThat(age).isBetween(0.0, Duration.between(firstWrite, Instant.now()).toMillis() / 1000.0
                + SLACK_SECONDS);
        await().atMost(WAIT).during(Duration.ofSeconds(4)).until(() -> metric(LAG, "dst") == 0.0
                && metric(LAG, "src") == 0.0);
        assertThat(metric(AGE, "dst")).isGreaterThan(age + 3);

        // REST and DESCRIBE show the same facts.
        JsonNode dst = connector("dst");
        assertThat(dst.get("lagMillis").asLong()).isZero();
        Instant committed = Instant.parse(dst.get("lastCommitTime").asText());
        assertThat(committed).isBetween(firstWrite.minusSeconds(1), lastWrite.plusSeconds(1));
        assertThat(Instant.parse(connector("src").get("lastCommitTime").asText())).isEqualTo(committed);
        assertThat(server.sql("DESCRIBE CONNECTOR dst")).containsPattern("\\| lagMillis +\\| 0 +\\|")
                .contains("| lastCommitTime ", committed.toString());
    }
}

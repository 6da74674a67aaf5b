package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.runtime.cli.HStreamIoCli;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime server as its own process, driven with {@code hstream-io sql}: a MariaDB source and a PostgreSQL sink
 * created in SQL carry rows across, a SIGKILL of the server loses nothing once it is started again, and a generator
 * and a blackhole report their counts. Row-by-row comparisons, not counts.
 */
class RuntimeServerIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private Process server;
    private String url;

    @AfterEach
    void kill() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void startServer() throws Exception {
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), HStreamIoCli.class.getName(), "server", "--port", "0",
                "--data-dir", dir.resolve("data").toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("the server's first line on stdout").isNotNull();
        Matcher m = Pattern.compile("^hstream-io server listening on (http://\\S+)").matcher(first);
        assertThat(m.find()).as(first).isTrue();
        url = m.group(1);
    }

    private String sql(String statements) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = HStreamIoCli.execute("sql", "--server", url, "-e", statements);
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private JsonNode rest(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static List<List<Object>> rows(TestDatabase db, String sql) throws Exception {
        return db.rows(sql);
    }

    private static void awaitSame(TestDatabase source, TestDatabase target) {
        String q = "SELECT id, name, amount FROM orders ORDER BY id";
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(target, q)).isEqualTo(rows(source, q)));
    }

    @Test
    void aMariaDbSourceAndAPostgresSinkMadeInSqlSurviveASigkillOfTheRuntime() throws Exception {
        TestDatabase maria = DBS.mariadb();
        TestDatabase pg = DBS.postgres();
        maria.execute("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(10,2))");
        StringBuilder insert = new StringBuilder("INSERT INTO orders VALUES ");
        for (int i = 1; i <= 500; i++) {
            insert.append(i > 1 ? "," : "").append("(").append(i).append(",'n").append(i).append("',")
                    .append(i).append(".25)");
        }
        maria.execute(insert.toString());

        startServer();
        sql("CREATE SOURCE CONNECTOR src FROM mariadb WITH (\"host\"='" + maria.host() + "', \"port\"="
                + maria.port() + ", \"user\"='" + maria.user() + "', \"password\"='" + maria.password()
                + "', \"database\"='" + maria.name() + "', \"table\"='orders', \"stream\"='orders_s');"
                + "CREATE SINK CONNECTOR dst TO postgresql WITH (\"host\"='" + pg.host() + "', \"port\"=" + pg.port()
                + ", \"user\"='" + pg.user() + "', \"password\"='" + pg.password() + "', \"database\"='" + pg.name()
                + "', \"table\"='orders', \"stream\"='orders_s')");
        awaitSame(maria, pg);

        // Changes while the runtime runs, then SIGKILL it mid-stream and start it again on the same data.
        maria.execute("UPDATE orders SET name = 'renamed' WHERE id <= 50", "DELETE FROM orders WHERE id > 450",
                "INSERT INTO orders VALUES (1001, 'late', 1.50)");
        await().atMost(WAIT).until(() -> rest("/connectors/src").get("deliveredRecords").asLong() >= 500 + 101);
        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(server.exitValue()).as("killed with SIGKILL").isEqualTo(137);
        maria.execute("INSERT INTO orders VALUES (1002, 'while down', 2.50)", "UPDATE orders SET amount = 0 "
                + "WHERE id = 100");
        startServer();
        awaitSame(maria, pg);
        assertThat(rows(pg, "SELECT count(*) FROM orders").get(0).get(0)).isEqualTo(452L);

        // Counters are persisted every 3 s, so a SIGKILL may lose up to that much of them (the data it does not);
        // the restarted task counts at least the two changes made while the runtime was down, once it reports.
        await().atMost(WAIT).until(() -> rest("/connectors/src").get("deliveredRecords").asLong() >= 2);
        JsonNode src = rest("/connectors/src");
        assertThat(src.get("status").asText()).isEqualTo("RUNNING");
        assertThat(src.get("offsets")).isNotEmpty();
        assertThat(src.get("config").get("password").asText()).isEqualTo("******");
        assertThat(rest("/connectors/dst").get("status").asText()).isEqualTo("RUNNING");

        String describe = sql("DESCRIBE CONNECTOR src");
        assertThat(describe).contains("| status ", "RUNNING", "| deliveredRecords ");

        assertThat(sql("DROP CONNECTOR src; DROP CONNECTOR dst")).contains("dropped connector src",
                "dropped connector dst");
        assertThat(rest("/connectors")).isEmpty();
        assertThat(sql("DROP STREAM orders_s")).contains("dropped stream orders_s");
    }

    @Test
    void droppingAPostgresSourceReleasesItsReplicationSlotAndPublication() throws Exception {
        TestDatabase pg = DBS.postgres();
        pg.execute("CREATE TABLE items (id INT PRIMARY KEY, name TEXT)", "INSERT INTO items VALUES (1, 'a')");
        startServer();
        sql("CREATE SOURCE CONNECTOR pgsrc FROM postgresql WITH (\"host\"='" + pg.host() + "', \"port\"=" + pg.port()
                + ", \"user\"='" + pg.user() + "', \"password\"='" + pg.password() + "', \"database\"='"
                + pg.name() + "', \"table\"='items', \"stream\"='items_s')");
        String slots = "SELECT slot_name FROM pg_replication_slots WHERE database = current_database()";
        await().atMost(WAIT).until(() -> rows(pg, slots).size() == 1
                && rest("/connectors/pgsrc").get("deliveredRecords").asLong() >= 1);
        assertThat(rows(pg, "SELECT pubname FROM pg_publication")).isNotEmpty();

        assertThat(sql("DROP CONNECTOR pgsrc")).contains("dropped connector pgsrc");
        assertThat(rows(pg, slots)).isEmpty();
        assertThat(rows(pg, "SELECT pubname FROM pg_publication WHERE pubname LIKE 'hstream_pub_%'")).isEmpty();
    }

    @Test
    void aGeneratorAndABlackholeReportCountsAndAreRecoveredAfterASigkill() throws Exception {
        startServer();
        sql("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='g', \"rows\"=0, \"rate\"=5000); "
                + "CREATE SINK CONNECTOR hole TO blackhole WITH (\"stream\"='g')");
        await().atMost(WAIT).until(() -> rest("/connectors/hole").get("deliveredRecords").asLong() > 5000);
        String show = sql("SHOW CONNECTORS");
        assertThat(show).contains("| gen  | source | generator | RUNNING", "| hole | sink   | blackhole | RUNNING");

        // Pause the source: the sink catches up with exactly what the source made durable.
        sql("PAUSE CONNECTOR gen");
        long produced = rest("/connectors/gen").get("deliveredRecords").asLong();
        await().atMost(WAIT).until(() -> rest("/connectors/hole").get("deliveredRecords").asLong() == produced);
        assertThat(sql("DESCRIBE CONNECTOR gen")).contains("STOPPED", "| paused ", "true");

        // SIGKILL: on restart the paused source stays paused, the sink runs again, and RESUME carries on.
        sql("RESUME CONNECTOR gen");
        await().atMost(WAIT).until(() -> rest("/connectors/gen").get("deliveredRecords").asLong() > produced + 5000);
        sql("PAUSE CONNECTOR hole");
        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        startServer();
        assertThat(rest("/connectors/gen").get("status").asText()).isEqualTo("RUNNING");
        assertThat(rest("/connectors/hole").get("status").asText()).isEqualTo("STOPPED");
        long sourceAfterRestart = rest("/connectors/gen").get("deliveredRecords").asLong();
        await().atMost(WAIT).until(() -> rest("/connectors/gen").get("deliveredRecords").asLong()
                > sourceAfterRestart + 5000);
        long sinkPaused = rest("/connectors/hole").get("deliveredRecords").asLong();
        sql("RESUME CONNECTOR hole");
        await().atMost(WAIT).until(() -> rest("/connectors/hole").get("deliveredRecords").asLong()
                > sinkPaused + 5000);
    }
}

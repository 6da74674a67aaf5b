package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.runtime.cli.HStreamIoCli;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One data directory served by a runtime whose {@code --tasks} mode changes between restarts: rows a source wrote in
 * one mode, under a table shape registered in that mode, are read by the sink in the other mode. Both modes must
 * resolve the schema fingerprints of the binary stream records through the same registry; the target ends equal to
 * the source row by row.
 */
class TaskModeSwitchIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final SupervisorSettings SETTINGS = new SupervisorSettings(Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private RuntimeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RuntimeServer start(TaskMode mode) throws Exception {
        Path data = dir.resolve("data");
        return RuntimeServer.start(data, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                Clock.systemUTC(), SETTINGS, Images.none(data.resolve("tasks")), mode);
    }

    private static TaskMode childProcesses(Path dir) {
        return TaskMode.childProcesses(HStreamIoCli.class.getName(), dir.resolve("task-jvm.args"));
    }

    private static List<List<Object>> rows(TestDatabase db, String sql) throws Exception {
        return db.rows(sql);
    }

    private static void awaitSame(TestDatabase source, TestDatabase target, String columns) {
        String q = "SELECT " + columns + " FROM orders ORDER BY id";
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(target, q)).isEqualTo(rows(source, q)));
    }

    private long delivered(String connector) {
        return ((Number) server.runtime().connectorView(connector).orElseThrow().get("deliveredRecords")).longValue();
    }

    private static void insert(TestDatabase maria, int from, int to, String extra) throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO orders VALUES ");
        for (int i = from; i <= to; i++) {
            sql.append(i > from ? "," : "").append("(").append(i).append(",'n").append(i).append("',")
                    .append(i).append(".25").append(extra).append(")");
        }
        maria.execute(sql.toString());
    }

    /**
     * Changes the table's shape and lets the sink see the change (the schema change event carries the whole new
     * shape, which teaches any reader); then, with the sink paused, writes rows of that shape, which carry only its
     * fingerprint. Once the source made them durable it is paused too, so that the next mode's source registers
     * nothing before the sink reads: the sink's new process can resolve the fingerprint only where this mode's
     * source registered it.
     */
    private void newShapeThenRowsWhileTheSinkIsPaused(TestDatabase maria, TestDatabase pg, String column,
            String columns, int from, int to, String extra) throws Exception {
        maria.execute("ALTER TABLE orders ADD COLUMN " + column + " VARCHAR(20)",
                "UPDATE orders SET " + column + " = 'u' WHERE id <= 10");
        awaitSame(maria, pg, columns);
        server.runtime().execute("PAUSE CONNECTOR dst");
        long before = delivered("src");
        insert(maria, from, to, extra);
        await().atMost(WAIT).until(() -> delivered("src") >= before + (to - from + 1));
        server.runtime().execute("PAUSE CONNECTOR src");
    }

    @Test
    void aSinkContinuesAfterTheServerRestartsInTheOtherTaskMode() throws Exception {
        TestDatabase maria = DBS.mariadb();
        TestDatabase pg = DBS.postgres();
        maria.execute("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(10,2))");
        insert(maria, 1, 200, "");

        // 1. In-process: both tasks run in the server; the source registers the table's shapes.
        server = start(TaskMode.inProcess());
        server.runtime().execute("CREATE SOURCE CONNECTOR src FROM mariadb WITH (\"host\"='" + maria.host()
                + "', \"port\"=" + maria.port() + ", \"user\"='" + maria.user() + "', \"password\"='"
                + maria.password() + "', \"database\"='" + maria.name() + "', \"table\"='orders', \"stream\"='o');"
                + "CREATE SINK CONNECTOR dst TO postgresql WITH (\"host\"='" + pg.host() + "', \"port\"=" + pg.port()
                + ", \"user\"='" + pg.user() + "', \"password\"='" + pg.password() + "', \"database\"='" + pg.name()
                + "', \"table\"='orders', \"stream\"='o')");
        awaitSame(maria, pg, "id, name, amount");
        newShapeThenRowsWhileTheSinkIsPaused(maria, pg, "note", "id, name, amount, note", 201, 400,
                ", 'in-process'");
        server.close();
        server = null;

        // 2. Child processes: the sink reads the rows the in-process source wrote under the new shape.
        server = start(childProcesses(dir));
        server.runtime().execute("RESUME CONNECTOR dst");
        awaitSame(maria, pg, "id, name, amount, note");
        server.runtime().execute("RESUME CONNECTOR src");
        insert(maria, 401, 450, ", 'process'");
        awaitSame(maria, pg, "id, name, amount, note");
        newShapeThenRowsWhileTheSinkIsPaused(maria, pg, "note2", "id, name, amount, note, note2", 451, 600,
                ", 'process', 'process'");
        server.close();
        server = null;

        // 3. In-process again: the sink reads the rows the child source wrote under the newest shape.
        server = start(TaskMode.inProcess());
        server.runtime().execute("RESUME CONNECTOR dst");
        awaitSame(maria, pg, "id, name, amount, note, note2");
        server.runtime().execute("RESUME CONNECTOR src");
        maria.execute("DELETE FROM orders WHERE id BETWEEN 100 AND 120",
                "UPDATE orders SET note2 = 'last' WHERE id > 590");
        awaitSame(maria, pg, "id, name, amount, note, note2");
        assertThat(rows(pg, "SELECT count(*) FROM orders").get(0).get(0)).isEqualTo(600L - 21);
        // The registry's internal stream is no stream of the user's, whatever the mode.
        assertThat(server.runtime().streamViews()).extracting(m -> m.get("name")).containsExactly("o");
    }
}

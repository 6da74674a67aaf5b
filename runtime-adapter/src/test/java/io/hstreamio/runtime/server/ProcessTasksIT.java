package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.runtime.cli.HStreamIoCli;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime with tasks as child processes ({@link TaskMode#childProcesses}) over its embedded store, served to them
 * over the HStreamDB API: a MariaDB source and a PostgreSQL sink carry rows across while each task's process is
 * SIGKILLed in turn; the runtime restarts them, they resume from their offsets and checkpoints, and the target ends
 * equal to the source, row by row.
 */
class ProcessTasksIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final SupervisorSettings SETTINGS = new SupervisorSettings(Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private RuntimeServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        // The tasks log into their own files, which go with the temporary directory: keep their problems.
        Path tasks = dir.resolve("data").resolve("tasks");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> logs = Files.walk(tasks)) {
                for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                    Files.readAllLines(log).stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                            || l.startsWith("Caused by")).limit(40).forEach(l -> System.out.println(
                                    log.getParent().getFileName() + "/" + log.getFileName() + ": " + l));
                }
            }
        }
    }

    private static List<List<Object>> rows(TestDatabase db, String sql) throws Exception {
        return db.rows(sql);
    }

    private static void awaitSame(TestDatabase source, TestDatabase target) {
        String q = "SELECT id, name, amount FROM orders ORDER BY id";
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(target, q)).isEqualTo(rows(source, q)));
    }

    /** The live child process running {@code connector KIND NAME run}, a descendant of this JVM. */
    private static Optional<ProcessHandle> task(String kind, String name) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).filter(p -> {
            List<String> args = List.of(p.info().arguments().orElse(new String[0]));
            int i = args.indexOf("connector");
            return i >= 0 && i + 3 < args.size() && args.get(i + 1).equals(kind) && args.get(i + 2).equals(name)
                    && args.get(i + 3).equals("run");
        }).findFirst();
    }

    private long restarts(String connector) {
        return ((Number) server.runtime().connectorView(connector).orElseThrow().get("restarts")).longValue();
    }

    private String status(String connector) {
        return String.valueOf(server.runtime().connectorView(connector).orElseThrow().get("status"));
    }

    private static void insert(TestDatabase maria, int from, int to) throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO orders VALUES ");
        for (int i = from; i <= to; i++) {
            sql.append(i > from ? "," : "").append("(").append(i).append(",'n").append(i).append("',")
                    .append(i).append(".25)");
        }
        maria.execute(sql.toString());
    }

    @Test
    void sigkilledTaskProcessesAreRestartedAndLoseNothing() throws Exception {
        TestDatabase maria = DBS.mariadb();
        TestDatabase pg = DBS.postgres();
        maria.execute("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(10,2))");
        insert(maria, 1, 2000);

        server = RuntimeServer.start(dir.resolve("data"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null, Clock.systemUTC(), SETTINGS, Images.none(dir.resolve("data").resolve("tasks")),
                TaskMode.childProcesses(HStreamIoCli.class.getName(), dir.resolve("task-jvm.args")));
        assertThat(server.taskServiceUrl()).get().asString().startsWith("hstream://127.0.0.1:");
        server.runtime().execute("CREATE SOURCE CONNECTOR src FROM mariadb WITH (\"host\"='" + maria.host()
                + "', \"port\"=" + maria.port() + ", \"user\"='" + maria.user() + "', \"password\"='"
                + maria.password() + "', \"database\"='" + maria.name() + "', \"table\"='orders', \"stream\"='o');"
                + "CREATE SINK CONNECTOR dst TO postgresql WITH (\"host\"='" + pg.host() + "', \"port\"=" + pg.port()
                + ", \"user\"='" + pg.user() + "', \"password\"='" + pg.password() + "', \"database\"='" + pg.name()
                + "', \"table\"='orders', \"stream\"='o')");

        // Both tasks are child processes of the runtime, not threads in it.
        await().atMost(WAIT).until(() -> task("source", "mariadb").isPresent() && task("sink", "postgresql")
                .isPresent());
        awaitSame(maria, pg);

        // SIGKILL the sink while changes flow: its unacknowledged records come again from the checkpoint.
        ProcessHandle sink = task("sink", "postgresql").orElseThrow();
        maria.execute("UPDATE orders SET name = 'renamed' WHERE id <= 300", "DELETE FROM orders WHERE id > 1900");
        insert(maria, 3001, 3500);
        assertThat(sink.destroyForcibly()).isTrue();
        await().atMost(WAIT).until(() -> !sink.isAlive());
        await().atMost(WAIT).until(() -> restarts("dst") >= 1 && task("sink", "postgresql")
                .filter(p -> p.pid() != sink.pid()).isPresent());

        // SIGKILL the source mid-stream too: it resumes from the offsets the runtime keeps for it (KvGet/KvSet).
        ProcessHandle source = task("source", "mariadb").orElseThrow();
        insert(maria, 4001, 4500);
        maria.execute("UPDATE orders SET amount = 0 WHERE id BETWEEN 1000 AND 1100");
        assertThat(source.destroyForcibly()).isTrue();
        await().atMost(WAIT).until(() -> !source.isAlive());
        maria.execute("INSERT INTO orders VALUES (5001, 'while the source was down', 2.50)");
        await().atMost(WAIT).until(() -> restarts("src") >= 1 && task("source", "mariadb")
                .filter(p -> p.pid() != source.pid()).isPresent());

        awaitSame(maria, pg);
        assertThat(rows(pg, "SELECT count(*) FROM orders").get(0).get(0)).isEqualTo(1900L + 500 + 500 + 1);
        await().atMost(WAIT).until(() -> status("src").equals("RUNNING") && status("dst").equals("RUNNING"));

        // The stream and the offsets live in the runtime's store: PAUSE and RESUME carry on where the tasks were.
        server.runtime().execute("PAUSE CONNECTOR src; PAUSE CONNECTOR dst");
        await().atMost(WAIT).until(() -> task("source", "mariadb").isEmpty() && task("sink", "postgresql").isEmpty());
        maria.execute("DELETE FROM orders WHERE id = 5001", "UPDATE orders SET name = 'after pause' WHERE id = 1");
        server.runtime().execute("RESUME CONNECTOR src; RESUME CONNECTOR dst");
        awaitSame(maria, pg);
        assertThat(server.runtime().streamViews()).extracting(m -> m.get("name")).containsExactly("o");
    }
}

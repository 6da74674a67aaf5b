package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.internal.EngineProperties;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting at a chosen position: rows written between that position and the start arrive, and nothing before it. */
class StartPositionIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static List<Object> insertedIds(TaskHarness h) {
        return h.events().stream().filter(e -> e.type() == ChangeType.INSERT || e.type() == ChangeType.READ)
                .map(ChangeEvent::after).map(r -> (Object) ((Number) r.get(0)).longValue()).toList();
    }

    private static Map<String, Object> options(TestDatabase db, String table) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", table);
        return raw;
    }

    @Test
    void aBinlogSourceStartsAtTheGivenFileAndPosition() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, note VARCHAR(20))", "INSERT INTO t VALUES (1, 'before')");
        Map<String, Object> status = db.query("SHOW MASTER STATUS").get(0);
        String position = status.get("File") + ":" + status.get("Position");
        db.execute("INSERT INTO t VALUES (2, 'after')", "INSERT INTO t VALUES (3, 'after')",
                "UPDATE t SET note = 'changed' WHERE id = 1");

        Map<String, Object> raw = options(db, "t");
        raw.put("start.position", position);
        InMemoryKeyValueStore state = new InMemoryKeyValueStore();
        String taskId = "start-" + db.name();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"),
                new CdcSourceConnector.MariaDb().options().parse(raw), taskId, state)) {
            await().atMost(WAIT).until(() -> h.failure() != null || insertedIds(h).size() >= 2
                    && h.events().stream().anyMatch(e -> e.type() == ChangeType.UPDATE));
            assertThat(h.failure()).isNull();
            assertThat(insertedIds(h)).as("no snapshot; the inserts after the position, in order")
                    .containsExactly(2L, 3L);
            db.execute("INSERT INTO t VALUES (4, 'live')");
            await().atMost(WAIT).until(() -> insertedIds(h).contains(4L));
        }
        // A restart resumes from the stored offsets, not from start.position again.
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"),
                new CdcSourceConnector.MariaDb().options().parse(raw), taskId, state)) {
            db.execute("INSERT INTO t VALUES (5, 'resumed')");
            await().atMost(WAIT).until(() -> h.failure() != null || insertedIds(h).contains(5L));
            assertThat(h.failure()).isNull();
            assertThat(insertedIds(h)).doesNotContain(2L, 3L);
        }
    }

    @Test
    void aBadStartPositionIsOneLineNamingTheOption() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE u (id INT PRIMARY KEY)");
        for (String bad : List.of("nonsense", "mysql-bin.999999:4")) {
            Map<String, Object> raw = options(db, "u");
            raw.put("start.position", bad);
            try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"),
                    new CdcSourceConnector.MariaDb().options().parse(raw), "bad-" + db.name(),
                    new InMemoryKeyValueStore())) {
                await().atMost(WAIT).until(() -> h.failure() != null);
                assertThat(h.failure().getMessage()).as(bad).doesNotContain("\n")
                        .containsAnyOf("start.position", "mysql-bin.999999");
            }
        }
    }

    @Test
    void aPostgresSourceStartsWhereItsSlotWasCreated() throws Exception {
        TestDatabase db = DBS.postgres();
        String taskId = "slot-" + db.name();
        db.execute("CREATE TABLE p (id BIGINT PRIMARY KEY, note TEXT)", "INSERT INTO p VALUES (1, 'before')",
                "CREATE PUBLICATION " + EngineProperties.publicationName(taskId) + " FOR TABLE p",
                "SELECT pg_create_logical_replication_slot('" + EngineProperties.slotName(taskId) + "', 'pgoutput')");
        db.execute("INSERT INTO p VALUES (2, 'after')", "INSERT INTO p VALUES (3, 'after')");

        Map<String, Object> raw = options(db, "p");
        raw.put("snapshot.mode", "no_data");
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"),
                new CdcSourceConnector.Postgres().options().parse(raw), taskId, new InMemoryKeyValueStore())) {
            await().atMost(WAIT).until(() -> h.failure() != null || insertedIds(h).size() >= 2);
            assertThat(h.failure()).isNull();
            assertThat(insertedIds(h)).containsExactly(2L, 3L);
        } finally {
            db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + EngineProperties.slotName(taskId) + "'");
        }
    }
}

package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.cdc.internal.EngineProperties;
import io.hstreamio.cdc.internal.KvOffsetBackingStore;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A source whose stored position is gone from the server fails with one line naming the option to choose, or with
 * {@code snapshot.on.position.lost=resnapshot} snapshots the tables again; it never streams on from "now" silently.
 */
class PositionLostIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static Options options(OptionsDefinition def, TestDatabase db, String onLost) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", "counter");
        if (onLost != null) {
            raw.put("snapshot.on.position.lost", onLost);
        }
        return def.parse(raw);
    }

    private static List<Integer> readIds(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.type() == ChangeType.READ).map(e -> (Integer) e.after().get(0)).toList();
    }

    @Test
    void aDroppedPostgresSlotFailsByDefaultAndResnapshotsWhenAsked() throws Exception {
        TestDatabase db = DBS.postgres();
        db.execute("CREATE TABLE counter (id int4 PRIMARY KEY)", "INSERT INTO counter VALUES (0)");
        var def = new CdcSourceConnector.Postgres().options();
        var state = new InMemoryKeyValueStore();
        String taskId = "lost-" + db.name();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"), options(def, db, null), taskId, state)) {
            await().atMost(WAIT).until(() -> readIds(h.events()).contains(0));
        }
        db.execute("SELECT pg_drop_replication_slot('" + EngineProperties.slotName(taskId) + "')",
                "INSERT INTO counter VALUES (1), (2)");

        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"), options(def, db, null), taskId, state)) {
            await().atMost(WAIT).until(() -> h.failure() != null);
            assertThat(h.failure().getMessage()).doesNotContain("\n")
                    .contains("replication slot " + EngineProperties.slotName(taskId) + " no longer exists",
                            "snapshot.on.position.lost=resnapshot");
        }

        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"), options(def, db, "resnapshot"), taskId,
                state)) {
            await().atMost(WAIT).until(() -> readIds(h.events()).containsAll(List.of(0, 1, 2)));
            assertThat(h.failure()).isNull();
        }
    }

    @Test
    void aPurgedBinlogFileIsNamedWithTheOptionToChoose() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE counter (id INT PRIMARY KEY)", "INSERT INTO counter VALUES (0)");
        var def = new CdcSourceConnector.MariaDb().options();
        var state = new InMemoryKeyValueStore();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options(def, db, null), "lost-binlog",
                state)) {
            await().atMost(WAIT).until(() -> readIds(h.events()).contains(0));
        }
        // Purging the shared server's binlog would disturb other tests: point the stored offsets at a file that
        // is not there instead, which is what a purge looks like from the source's side.
        ObjectMapper json = new ObjectMapper();
        var offsets = new KvOffsetBackingStore(state).readAll();
        assertThat(offsets).isNotEmpty();
        ObjectNode stored = json.createObjectNode();
        for (var e : offsets.entrySet()) {
            ObjectNode value = (ObjectNode) json.readTree(e.getValue());
            value.put("file", "mysql-bin.999999");
            stored.put(e.getKey(), value.toString());
        }
        state.put(KvOffsetBackingStore.KEY, stored.toString().getBytes(StandardCharsets.UTF_8));

        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options(def, db, null), "lost-binlog",
                state)) {
            await().atMost(WAIT).until(() -> h.failure() != null);
            assertThat(h.failure().getMessage()).doesNotContain("\n")
                    .contains("binlog file mysql-bin.999999", "purged", "snapshot.on.position.lost=resnapshot");
        }
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options(def, db, "RESNAPSHOT"),
                "lost-binlog", state)) {
            await().atMost(WAIT).until(() -> readIds(h.events()).contains(0));
            assertThat(h.failure()).isNull();
        }
    }
}

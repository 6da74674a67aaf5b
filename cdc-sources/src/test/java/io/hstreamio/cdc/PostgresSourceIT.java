package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.internal.EngineProperties;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The postgresql source against the real PostgreSQL server: exact values, order, relation changes, restart. */
class PostgresSourceIT {
    @RegisterExtension
    static final TestDatabases DBS = TestDatabases.postgresOnly();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private record Col(String name, String ddl, String literal, Object expected) {}

    private static List<Col> everyType() {
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("id", "int4 PRIMARY KEY", "1", 1));
        cols.add(new Col("c_smallint", "int2", "-32768", -32768));
        cols.add(new Col("c_int", "int4", "-2147483648", Integer.MIN_VALUE));
        cols.add(new Col("c_bigint", "int8", "-9223372036854775808", Long.MIN_VALUE));
        cols.add(new Col("c_numeric", "numeric(38,10)", "1234567890123456789012345678.0123456789",
                new BigDecimal("1234567890123456789012345678.0123456789")));
        cols.add(new Col("c_numeric_free", "numeric", "-0.000000000000000000000000000000012345",
                new BigDecimal("-0.000000000000000000000000000000012345")));
        cols.add(new Col("c_real", "float4", "1.5", 1.5f));
        cols.add(new Col("c_double", "float8", "3.141592653589793", 3.141592653589793));
        cols.add(new Col("c_bool", "bool", "true", true));
        cols.add(new Col("c_text", "text", "'héllo 😀 世界'", "héllo 😀 世界"));
        cols.add(new Col("c_varchar", "varchar(20)", "'abc'", "abc"));
        cols.add(new Col("c_bytea", "bytea", "'\\x00ff10'", new byte[] {0, (byte) 0xff, 0x10}));
        cols.add(new Col("c_date", "date", "'2024-02-29'", LocalDate.of(2024, 2, 29)));
        cols.add(new Col("c_ts", "timestamp(6)", "'2024-02-29 23:59:59.123456'",
                LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000)));
        cols.add(new Col("c_tstz", "timestamptz(6)", "'2024-02-29 23:59:59.123456+02'",
                Instant.parse("2024-02-29T21:59:59.123456Z")));
        cols.add(new Col("c_time", "time(6)", "'23:59:59.999999'",
                Duration.ofHours(23).plusMinutes(59).plusSeconds(59).plusNanos(999_999_000)));
        // Debezium normalizes timetz to UTC: the instant of day is kept, the original offset is not.
        cols.add(new Col("c_timetz", "timetz(6)", "'12:34:56.000001+02'",
                OffsetTime.of(10, 34, 56, 1000, ZoneOffset.UTC)));
        cols.add(new Col("c_uuid", "uuid", "'6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b'",
                UUID.fromString("6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b")));
        cols.add(new Col("c_json", "json", "'{\"k\": [1, 2.50, \"v\"]}'", new JsonText("{\"k\": [1, 2.50, \"v\"]}")));
        cols.add(new Col("c_bit", "bit(10)", "B'1000000001'", BitString.parse("1000000001")));
        cols.add(new Col("c_null", "text DEFAULT 'dflt'", "NULL", null));
        return cols;
    }

    private static Options options(TestDatabase db, String table, String snapshotMode) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", table);
        raw.put("snapshot.mode", snapshotMode);
        return new CdcSourceConnector.Postgres().options().parse(raw);
    }

    @Test
    void everyTypeArrivesExactlyInOrderWithUpdatesDeletesAndRelationChanges() throws Exception {
        TestDatabase db = DBS.postgres();
        List<Col> cols = everyType();
        StringBuilder ddl = new StringBuilder("CREATE TABLE every_type (");
        for (int i = 0; i < cols.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append(cols.get(i).name()).append(' ').append(cols.get(i).ddl());
        }
        db.execute(ddl.append(")").toString(), "ALTER TABLE every_type REPLICA IDENTITY FULL",
                "INSERT INTO every_type (id) VALUES (0)");
        String names = String.join(", ", cols.stream().map(Col::name).toList());
        String literals = String.join(", ", cols.stream().map(Col::literal).toList());
        var state = new InMemoryKeyValueStore();
        String taskId = "pg-every-type-" + db.name();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"), options(db, "every_type", "initial"),
                taskId, state)) {
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.READ));
            db.execute("INSERT INTO every_type (" + names + ") VALUES (" + literals + ")",
                    "UPDATE every_type SET c_text = 'changed' WHERE id = 1",
                    "UPDATE every_type SET id = 2 WHERE id = 1",
                    "ALTER TABLE every_type ADD COLUMN c_added int4 DEFAULT 7",
                    "INSERT INTO every_type (id) VALUES (3)",
                    "ALTER TABLE every_type DROP COLUMN c_varchar",
                    "DELETE FROM every_type WHERE id = 2");
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.DELETE));
            List<ChangeEvent> all = h.events();
            List<ChangeEvent> events = all.subList(indexOfFirst(all, ChangeType.INSERT) - 0, all.size());

            assertThat(events).extracting(ChangeEvent::type).containsExactly(
                    ChangeType.INSERT, ChangeType.UPDATE, ChangeType.UPDATE,
                    ChangeType.SCHEMA_CHANGE, ChangeType.INSERT, ChangeType.SCHEMA_CHANGE, ChangeType.DELETE);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).position().isAfter(events.get(i - 1).position()))
                        .as("position of event %d after event %d", i, i - 1).isTrue();
            }
            ChangeEvent insert = events.get(0);
            TableSchema schema = insert.schema();
            assertThat(schema.id()).isEqualTo(new TableId(db.name(), "public", "every_type"));
            assertThat(schema.primaryKey()).containsExactly("id");
            for (Col c : cols) {
                Object actual = insert.after().get(schema, c.name());
                assertThat(schema.column(c.name()).type().accepts(actual)).as("carrier of %s", c.name()).isTrue();
                if (c.expected() instanceof byte[] b) {
                    assertThat((byte[]) actual).as(c.name()).containsExactly(b);
                } else {
                    assertThat(actual).as(c.name()).isEqualTo(c.expected());
                }
            }
            assertThat(schema.column("c_numeric").type()).isEqualTo(LogicalType.DECIMAL);
            assertThat(schema.column("c_numeric").precision()).isEqualTo(38);
            assertThat(schema.column("c_numeric").scale()).isEqualTo(10);
            assertThat(schema.column("c_tstz").type()).isEqualTo(LogicalType.TIMESTAMP_TZ);
            assertThat(schema.column("id").nullable()).isFalse();

            ChangeEvent update = events.get(1);
            assertThat(update.before()).isEqualTo(insert.after());
            assertThat(update.after().get(schema, "c_text")).isEqualTo("changed");
            ChangeEvent keyChange = events.get(2);
            assertThat(keyChange.before().get(schema, "id")).isEqualTo(1);
            assertThat(keyChange.after().get(schema, "id")).isEqualTo(2);
            assertThat(keyChange.after().get(schema, "c_text")).isEqualTo("changed");

            // PostgreSQL sends no DDL: the new relation shape is announced before the first row that uses it.
            ChangeEvent added = events.get(3);
            assertThat(added.schema().column("c_added").type()).isEqualTo(LogicalType.INT32);
            assertThat(events.get(4).schema()).isEqualTo(added.schema());
            assertThat(events.get(4).after().get(added.schema(), "c_added")).isEqualTo(7);
            ChangeEvent dropped = events.get(5);
            assertThat(dropped.schema().indexOf("c_varchar")).isEqualTo(-1);
            ChangeEvent delete = events.get(6);
            assertThat(delete.before().get(delete.schema(), "id")).isEqualTo(2);
            assertThat(delete.before().get(delete.schema(), "c_added")).isEqualTo(7);
        }
        assertThat(db.queryValue("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?",
                EngineProperties.slotName(taskId))).as("the slot outlives the task").isEqualTo(1L);
    }

    @Test
    void resumesFromStoredOffsetsOnTheSameSlotWithoutLoss() throws Exception {
        TestDatabase db = DBS.postgres();
        db.execute("CREATE TABLE counter (id int4 PRIMARY KEY, n int4 NOT NULL)", "INSERT INTO counter VALUES (0, 0)");
        var state = new InMemoryKeyValueStore();
        String taskId = "pg-resume-" + db.name();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"), options(db, "counter", "initial"),
                taskId, state)) {
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(0));
            for (int i = 1; i <= 50; i++) {
                db.execute("INSERT INTO counter VALUES (" + i + ", " + i + ")");
            }
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(50));
            assertThat(rowIds(h.events())).isEqualTo(IntStream.rangeClosed(0, 50).boxed().toList());
        }
        for (int i = 51; i <= 100; i++) {
            db.execute("INSERT INTO counter VALUES (" + i + ", " + i + ")");
        }
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"), options(db, "counter", "initial"),
                taskId, state)) {
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(100));
            assertThat(rowIds(h.events())).as("no re-snapshot, nothing lost, nothing repeated")
                    .isEqualTo(IntStream.rangeClosed(51, 100).boxed().toList());
        }
        assertThat(db.queryValue("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?",
                EngineProperties.slotName(taskId))).isEqualTo(1L);
    }

    private static int indexOfFirst(List<ChangeEvent> events, ChangeType type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type() == type) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " in " + events);
    }

    private static List<Integer> rowIds(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.after() != null).map(e -> (Integer) e.after().get(0)).toList();
    }
}

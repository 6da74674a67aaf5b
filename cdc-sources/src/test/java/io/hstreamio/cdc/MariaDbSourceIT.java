package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.internal.Dialect;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The mysql/mariadb sources against the real MariaDB server: exact values, order, DDL, restart. */
class MariaDbSourceIT {
    @RegisterExtension
    static final TestDatabases DBS = TestDatabases.mariadbOnly();

    private static final Duration WAIT = Duration.ofSeconds(90);

    /** One column of the every-type table: its DDL type, the SQL literal written, the value expected back. */
    private record Col(String name, String ddl, String literal, Object expected) {}

    private static List<Col> everyType() {
        byte[] point = ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 1).putInt(1).putDouble(1.0).putDouble(2.0).array();
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("id", "INT NOT NULL PRIMARY KEY", "1", 1));
        cols.add(new Col("c_tinyint", "TINYINT", "-128", -128));
        cols.add(new Col("c_tinyint_u", "TINYINT UNSIGNED", "255", 255));
        cols.add(new Col("c_smallint", "SMALLINT", "-32768", -32768));
        cols.add(new Col("c_mediumint_u", "MEDIUMINT UNSIGNED", "16777215", 16777215));
        cols.add(new Col("c_int", "INT", "-2147483648", -2147483648));
        cols.add(new Col("c_int_u", "INT UNSIGNED", "4294967295", 4294967295L));
        cols.add(new Col("c_bigint", "BIGINT", "-9223372036854775808", Long.MIN_VALUE));
        cols.add(new Col("c_bigint_u", "BIGINT UNSIGNED", "18446744073709551615",
                new BigInteger("18446744073709551615")));
        cols.add(new Col("c_decimal", "DECIMAL(65,30)",
                "12345678901234567890123456789012345.123456789012345678901234567890",
                new BigDecimal("12345678901234567890123456789012345.123456789012345678901234567890")));
        cols.add(new Col("c_decimal_u", "DECIMAL(10,2) UNSIGNED", "99999999.99", new BigDecimal("99999999.99")));
        cols.add(new Col("c_float", "FLOAT", "1.5", 1.5f));
        cols.add(new Col("c_double", "DOUBLE", "3.141592653589793", 3.141592653589793));
        cols.add(new Col("c_bit1", "BIT(1)", "b'1'", true));
        cols.add(new Col("c_bit10", "BIT(10)", "b'1000000001'", BitString.parse("1000000001")));
        cols.add(new Col("c_bit64", "BIT(64)", "b'1" + "0".repeat(62) + "1'",
                BitString.parse("1" + "0".repeat(62) + "1")));
        cols.add(new Col("c_date", "DATE", "'2024-02-29'", LocalDate.of(2024, 2, 29)));
        cols.add(new Col("c_date_min", "DATE", "'1000-01-01'", LocalDate.of(1000, 1, 1)));
        cols.add(new Col("c_datetime", "DATETIME(6)", "'9999-12-31 23:59:59.999999'",
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)));
        cols.add(new Col("c_datetime3", "DATETIME(3)", "'2024-02-29 12:34:56.789'",
                LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_000_000)));
        cols.add(new Col("c_timestamp", "TIMESTAMP(6) NULL", "'2038-01-19 03:14:07.999999'",
                Instant.parse("2038-01-19T03:14:07.999999Z")));
        cols.add(new Col("c_time_neg", "TIME(6)", "'-838:59:59.000000'",
                Duration.ofHours(-838).minusMinutes(59).minusSeconds(59)));
        cols.add(new Col("c_time", "TIME(6)", "'12:34:56.000001'",
                Duration.ofHours(12).plusMinutes(34).plusSeconds(56).plusNanos(1000)));
        cols.add(new Col("c_year", "YEAR", "2155", Year.of(2155)));
        cols.add(new Col("c_char", "CHAR(4)", "'ab'", "ab"));
        cols.add(new Col("c_varchar", "VARCHAR(50) CHARACTER SET utf8mb4", "'héllo 😀 世界'", "héllo 😀 世界"));
        cols.add(new Col("c_text", "TEXT", "'" + "t".repeat(3000) + "'", "t".repeat(3000)));
        cols.add(new Col("c_binary", "BINARY(4)", "x'0102'", new byte[] {1, 2, 0, 0}));
        cols.add(new Col("c_varbinary", "VARBINARY(8)", "x'00ff10'", new byte[] {0, (byte) 0xff, 0x10}));
        cols.add(new Col("c_blob", "BLOB", "x'deadbeef'",
                new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}));
        cols.add(new Col("c_enum", "ENUM('a','b c','d''e')", "'d''e'", "d'e"));
        cols.add(new Col("c_set", "SET('x','y','z')", "'z,x'", List.of("x", "z")));
        cols.add(new Col("c_json", "JSON", "'{\"k\": [1, 2.50, \"v\"]}'", new JsonText("{\"k\": [1, 2.50, \"v\"]}")));
        cols.add(new Col("c_geom", "GEOMETRY", "ST_GeomFromText('POINT(1 2)', 4326)", new Geometry(4326, point)));
        cols.add(new Col("c_null", "VARCHAR(10) NULL DEFAULT 'dflt'", "NULL", null));
        return cols;
    }

    private static Options options(String kind, TestDatabase db, String table, String snapshotMode) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", table);
        raw.put("snapshot.mode", snapshotMode);
        return new CdcSourceConnector.MariaDb().options().parse(raw);
    }

    private static List<ChangeEvent> after(List<ChangeEvent> events, int markerId) {
        int i = 0;
        while (i < events.size() && !(events.get(i).after() != null && Integer.valueOf(markerId)
                .equals(events.get(i).after().get(0)))) {
            i++;
        }
        return events.subList(Math.min(i + 1, events.size()), events.size());
    }

    private static void assertExactRow(ChangeEvent event, List<Col> cols, String path) {
        TableSchema schema = event.schema();
        for (Col c : cols) {
            Object actual = event.after().get(schema, c.name());
            assertThat(schema.column(c.name()).type().accepts(actual)).as("carrier of %s (%s)", c.name(), path)
                    .isTrue();
            if (c.expected() instanceof byte[] b) {
                assertThat((byte[]) actual).as("%s (%s)", c.name(), path).containsExactly(b);
            } else {
                assertThat(actual).as("%s (%s)", c.name(), path).isEqualTo(c.expected());
            }
        }
    }

    @Test
    void everyTypeArrivesExactlyInOrderWithUpdatesDeletesAndDdl() throws Exception {
        TestDatabase db = DBS.mariadb();
        List<Col> cols = everyType();
        StringBuilder ddl = new StringBuilder("CREATE TABLE every_type (");
        for (int i = 0; i < cols.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append(cols.get(i).name()).append(' ').append(cols.get(i).ddl());
        }
        String names = String.join(", ", cols.stream().map(Col::name).toList());
        String literals = String.join(", ", cols.stream().map(Col::literal).toList());
        // Row 1000 goes through the snapshot (JDBC) path; once it arrives, later changes stream from the binlog.
        db.execute(ddl.append(") DEFAULT CHARSET=utf8mb4").toString(), "SET time_zone = '+00:00'",
                "INSERT INTO every_type (" + names + ") VALUES (1000" + literals.substring(1) + ")");

        var state = new InMemoryKeyValueStore();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"),
                options("mariadb", db, "every_type", "initial"), "every-type-" + db.name(), state)) {
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.READ));
            db.execute("SET time_zone = '+00:00'",
                    "INSERT INTO every_type (" + names + ") VALUES (" + literals + ")",
                    "UPDATE every_type SET c_varchar = 'changed', c_bigint_u = 0 WHERE id = 1",
                    "UPDATE every_type SET id = 2 WHERE id = 1",
                    "ALTER TABLE every_type ADD COLUMN c_added INT DEFAULT 7",
                    "INSERT INTO every_type (id) VALUES (3)",
                    "ALTER TABLE every_type DROP COLUMN c_text",
                    "DELETE FROM every_type WHERE id = 2");
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.DELETE));
            List<ChangeEvent> events = after(h.events(), 1000);

            assertThat(events).extracting(ChangeEvent::type).containsExactly(
                    ChangeType.INSERT, ChangeType.UPDATE, ChangeType.UPDATE, ChangeType.SCHEMA_CHANGE,
                    ChangeType.INSERT, ChangeType.SCHEMA_CHANGE, ChangeType.DELETE);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).position().isAfter(events.get(i - 1).position()))
                        .as("position of event %d after event %d", i, i - 1).isTrue();
            }

            // Insert: every value exactly as written, with its column's logical type.
            ChangeEvent insert = events.get(0);
            TableSchema schema = insert.schema();
            assertThat(schema.primaryKey()).containsExactly("id");
            assertExactRow(insert, cols, "streamed");
            ChangeEvent read = h.events().stream().filter(e -> e.type() == ChangeType.READ).findFirst().orElseThrow();
            assertThat(read.after().get(read.schema(), "id")).isEqualTo(1000);
            assertThat(read.schema()).as("snapshot and stream agree on the shape").isEqualTo(schema);
            assertExactRow(read, cols.subList(1, cols.size()), "snapshot");
            assertThat(schema.column("c_bigint_u").type()).isEqualTo(LogicalType.UINT64);
            assertThat(schema.column("c_bigint_u").unsigned()).isTrue();
            assertThat(schema.column("c_decimal").precision()).isEqualTo(65);
            assertThat(schema.column("c_decimal").scale()).isEqualTo(30);
            assertThat(schema.column("c_datetime").precision()).isEqualTo(6);
            assertThat(schema.column("c_varchar").length()).isEqualTo(50);
            assertThat(schema.column("c_varchar").charset()).isEqualTo("utf8mb4");
            assertThat(schema.column("c_enum").enumValues()).containsExactly("a", "b c", "d'e");
            assertThat(schema.column("c_set").enumValues()).containsExactly("x", "y", "z");
            assertThat(schema.column("c_json").type()).isEqualTo(LogicalType.JSON);
            assertThat(schema.column("c_bit1").type()).isEqualTo(LogicalType.BOOLEAN);
            assertThat(schema.column("id").nullable()).isFalse();
            assertThat(insert.commitTime()).isNotNull();

            // Update: full before-image, only the changed columns differ.
            ChangeEvent update = events.get(1);
            assertThat(update.before()).isEqualTo(insert.after());
            assertThat(update.after().get(schema, "c_varchar")).isEqualTo("changed");
            assertThat(update.after().get(schema, "c_bigint_u")).isEqualTo(BigInteger.ZERO);
            assertThat(withoutColumns(update.after(), schema, "c_varchar", "c_bigint_u"))
                    .isEqualTo(withoutColumns(insert.after(), schema, "c_varchar", "c_bigint_u"));

            // Primary-key change: one UPDATE whose before has the old key.
            ChangeEvent keyChange = events.get(2);
            assertThat(keyChange.before().get(schema, "id")).isEqualTo(1);
            assertThat(keyChange.after().get(schema, "id")).isEqualTo(2);
            assertThat(withoutColumns(keyChange.after(), schema, "id"))
                    .isEqualTo(withoutColumns(update.after(), schema, "id"));

            // DDL: the new shape arrives before the first row that uses it.
            ChangeEvent added = events.get(3);
            assertThat(added.ddl()).containsIgnoringCase("ADD COLUMN c_added");
            assertThat(added.schema().column("c_added").defaultValue()).isEqualTo("7");
            ChangeEvent third = events.get(4);
            assertThat(third.schema()).isEqualTo(added.schema());
            assertThat(third.after().get(third.schema(), "c_added")).isEqualTo(7);
            ChangeEvent dropped = events.get(5);
            assertThat(dropped.schema().indexOf("c_text")).isEqualTo(-1);
            ChangeEvent delete = events.get(6);
            assertThat(delete.schema()).isEqualTo(dropped.schema());
            assertThat(delete.before().get(delete.schema(), "id")).isEqualTo(2);
            assertThat(delete.before().get(delete.schema(), "c_varchar")).isEqualTo("changed");
        }
        assertThat(state.get("debezium_offsets")).isPresent();
        assertThat(state.get("history_count")).isPresent();
    }

    private static List<Object> withoutColumns(Row row, TableSchema schema, String... columns) {
        List<Object> out = new ArrayList<>();
        List<String> skip = List.of(columns);
        for (int i = 0; i < schema.columns().size(); i++) {
            if (!skip.contains(schema.columns().get(i).name())) {
                Object v = row.get(i);
                out.add(v instanceof byte[] b ? ByteBuffer.wrap(b) : v);
            }
        }
        return out;
    }

    @Test
    void mysqlSourceDetectsMariaDbAndResumesFromStoredOffsetsWithoutLoss() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)");
        var state = new InMemoryKeyValueStore();
        String taskId = "resume-" + db.name();
        CdcSourceTask first = new CdcSourceTask("mysql");
        try (TaskHarness h = new TaskHarness(first, options("mysql", db, "counter", "no_data"), taskId, state)) {
            // no_data streams from "now": keep writing until the first row shows that streaming has begun
            int id = 0;
            do {
                id++;
                db.execute("INSERT INTO counter VALUES (" + id + ", " + id + ")");
            } while (!waitFor(h, id));
            for (int i = id + 1; i <= 50; i++) {
                db.execute("INSERT INTO counter VALUES (" + i + ", " + i + ")");
            }
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(50));
            assertThat(first.dialect()).isEqualTo(Dialect.MARIADB);
        }
        for (int i = 51; i <= 100; i++) {
            db.execute("INSERT INTO counter VALUES (" + i + ", " + i + ")"); // written while no task runs
        }
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mysql"),
                options("mysql", db, "counter", "no_data"), taskId, state)) {
            db.execute("INSERT INTO counter VALUES (101, 101)");
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(101));
            List<Integer> ids = rowIds(h.events());
            assertThat(ids).as("the second run continues exactly after the committed position")
                    .isEqualTo(IntStream.rangeClosed(51, 101).boxed().toList());
            assertThat(h.events()).as("the shape is known from the stored schema history: not announced again")
                    .noneMatch(e -> e.type() == ChangeType.SCHEMA_CHANGE);
        }
    }

    @Test
    void offsetsAdvanceOnlyWithCommitsSoAnUnacknowledgedBatchIsDeliveredAgain() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE acked (id INT PRIMARY KEY)", "INSERT INTO acked VALUES (0)");
        var state = new InMemoryKeyValueStore();
        String taskId = "acked-" + db.name();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options("mariadb", db, "acked", "initial"),
                taskId, state)) {
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(0));
            for (int i = 1; i <= 10; i++) {
                db.execute("INSERT INTO acked VALUES (" + i + ")");
            }
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(10));
            h.stopCommitting(); // from here on the stream never confirms: these rows are not durable
            for (int i = 11; i <= 20; i++) {
                db.execute("INSERT INTO acked VALUES (" + i + ")");
            }
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(20));
        }
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options("mariadb", db, "acked", "initial"),
                taskId, state)) {
            db.execute("INSERT INTO acked VALUES (21)");
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(21));
            assertThat(rowIds(h.events())).as("exactly the unacknowledged rows again, then the new one")
                    .isEqualTo(IntStream.rangeClosed(11, 21).boxed().toList());
        }
    }

    @Test
    void zeroDatesInNotNullColumnsArriveAsNullAndAreCounted() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("SET SESSION sql_mode = ''",
                "CREATE TABLE zero (id INT PRIMARY KEY, d DATE NOT NULL DEFAULT '2000-01-01', "
                        + "dt DATETIME(6) NOT NULL DEFAULT '2000-01-01 00:00:00', "
                        + "ts TIMESTAMP(3) NOT NULL DEFAULT '2000-01-01 00:00:00', dn DATETIME NULL, tn TIMESTAMP(3) NULL)");
        String zeros = "'0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', NULL";
        String real = "'2024-02-29', '2024-02-29 01:02:03.000004', '2024-02-29 01:02:03.004', '2024-02-29 01:02:03',"
                + " '2024-02-29 01:02:03.004'";
        try (var c = db.open(); var s = c.createStatement()) {
            s.execute("SET SESSION sql_mode = ''");
            s.execute("SET time_zone = '+00:00'");
            s.execute("INSERT INTO zero VALUES (1, " + zeros + "), (2, " + real + ")"); // read by the snapshot
        }
        var state = new InMemoryKeyValueStore();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options("mariadb", db, "zero", "initial"),
                "zero-" + db.name(), state)) {
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(2));
            try (var c = db.open(); var s = c.createStatement()) {
                s.execute("SET SESSION sql_mode = ''");
                s.execute("SET time_zone = '+00:00'");
                s.execute("INSERT INTO zero VALUES (3, " + zeros + "), (4, " + real + ")"); // streamed
            }
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(4));
            List<ChangeEvent> rows = h.events().stream().filter(e -> e.after() != null).toList();
            List<Object> realValues = java.util.Arrays.asList(LocalDate.of(2024, 2, 29),
                    LocalDateTime.of(2024, 2, 29, 1, 2, 3, 4000), Instant.parse("2024-02-29T01:02:03.004Z"),
                    LocalDateTime.of(2024, 2, 29, 1, 2, 3), Instant.parse("2024-02-29T01:02:03.004Z"));
            for (ChangeEvent e : rows) {
                List<Object> values = java.util.Arrays.asList(e.after().toArray()).subList(1, 6);
                int id = (Integer) e.after().get(0);
                if (id % 2 == 1) {
                    assertThat(values).as("zero dates of row %d (%s)", id, e.type()).containsOnlyNulls();
                } else {
                    assertThat(values).as("row %d (%s)", id, e.type()).isEqualTo(realValues);
                }
            }
            assertThat(rows).extracting(ChangeEvent::type).containsExactly(ChangeType.READ, ChangeType.READ,
                    ChangeType.INSERT, ChangeType.INSERT);
            assertThat(rows.get(0).schema().column("dt").nullable()).isFalse();
            // three NOT NULL zero dates per zero row; the nullable column's zero is not distinguishable from NULL
            await().atMost(WAIT).until(() -> h.metrics().snapshot().getOrDefault("zero_dates", 0L) == 6L);
        }
    }

    @Test
    void otherDdlArrivesInStreamOrder() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE ddl_a (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO ddl_a VALUES (0, 'm')");
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table.include.list", java.util.regex.Pattern.quote(db.name()) + "\\.ddl_.*");
        Options options = new CdcSourceConnector.MariaDb().options().parse(raw);
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options, "ddl-" + db.name(),
                new InMemoryKeyValueStore())) {
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.READ));
            db.execute("ALTER TABLE ddl_a MODIFY COLUMN v VARCHAR(30) NOT NULL DEFAULT 'x'",
                    "ALTER TABLE ddl_a RENAME COLUMN v TO w",
                    "INSERT INTO ddl_a VALUES (1, 'after')",
                    "TRUNCATE TABLE ddl_a",
                    "CREATE TABLE ddl_b (id BIGINT PRIMARY KEY)",
                    "INSERT INTO ddl_b VALUES (7)",
                    "RENAME TABLE ddl_b TO ddl_c",
                    "INSERT INTO ddl_c VALUES (8)",
                    "DROP TABLE ddl_c");
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(
                    e -> e.type() == ChangeType.SCHEMA_CHANGE && e.schema() == null && e.table().table().equals("ddl_c")));
            assertThat(h.events()).as("the snapshot drops no table").noneMatch(
                    e -> e.type() == ChangeType.SCHEMA_CHANGE && e.schema() == null && e.table().table().equals("ddl_a"));
            List<ChangeEvent> events = h.events().stream().filter(e -> e.type() != ChangeType.READ)
                    .dropWhile(e -> e.ddl() == null || !e.ddl().contains("MODIFY")).toList();
            assertThat(events).as("all: %s", h.events().stream().map(e -> e.type() + " " + e.table() + " "
                    + e.ddl()).toList()).extracting(e -> e.type() + " " + e.table().table()).containsExactly(
                    "SCHEMA_CHANGE ddl_a", "SCHEMA_CHANGE ddl_a", "INSERT ddl_a", "TRUNCATE ddl_a",
                    "SCHEMA_CHANGE ddl_b", "INSERT ddl_b", "SCHEMA_CHANGE ddl_c", "INSERT ddl_c",
                    "SCHEMA_CHANGE ddl_c");
            var modified = events.get(0).schema().column("v");
            assertThat(modified.length()).isEqualTo(30);
            assertThat(modified.nullable()).isFalse();
            assertThat(events.get(1).schema().columns()).extracting(c -> c.name()).containsExactly("id", "w");
            assertThat(events.get(2).after().get(events.get(2).schema(), "w")).isEqualTo("after");
            assertThat(events.get(6).ddl()).containsIgnoringCase("RENAME TABLE");
            assertThat(events.get(7).after().get(0)).isEqualTo(8L);
            assertThat(events.get(8).schema()).as("dropped").isNull();
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).position().isAfter(events.get(i - 1).position())).isTrue();
            }
        }
    }

    @Test
    void tinyintKeepsItsDisplayWidthSoTinyint1IsTellableFromOtherTinyints() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE flags (id INT PRIMARY KEY, b TINYINT(1), t4 TINYINT(4), t TINYINT, "
                        + "bu TINYINT(1) UNSIGNED NOT NULL DEFAULT 0)",
                "INSERT INTO flags VALUES (1, 1, -128, 127, 255)");
        var state = new InMemoryKeyValueStore();
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options("mariadb", db, "flags", "initial"),
                "tinyint-" + db.name(), state)) {
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(1));
            db.execute("INSERT INTO flags VALUES (2, 0, 127, -128, 0), (3, NULL, 0, NULL, 1)",
                    "ALTER TABLE flags ADD COLUMN b2 TINYINT(1) NOT NULL DEFAULT 1",
                    "INSERT INTO flags VALUES (4, -1, -1, 5, 7, 0)");
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(4));
            List<ChangeEvent> rows = h.events().stream().filter(e -> e.after() != null).toList();
            assertThat(rows).extracting(ChangeEvent::type).containsExactly(ChangeType.READ, ChangeType.INSERT,
                    ChangeType.INSERT, ChangeType.INSERT);
            for (ChangeEvent e : rows) {
                TableSchema s = e.schema();
                assertThat(s.column("b").length()).as("TINYINT(1) width (%s)", e.type()).isEqualTo(1);
                assertThat(s.column("t4").length()).as("TINYINT(4) width (%s)", e.type()).isEqualTo(4);
                assertThat(s.column("t").length()).as("MariaDB shows a bare TINYINT as tinyint(4)").isEqualTo(4);
                assertThat(s.column("bu").length()).isEqualTo(1);
                assertThat(s.column("bu").unsigned()).isTrue();
                for (String c : List.of("b", "t4", "t", "bu")) {
                    assertThat(s.column(c).type()).as("the value stays an exact integer").isEqualTo(LogicalType.INT32);
                    assertThat(s.column(c).sourceType()).startsWith("TINYINT");
                }
            }
            assertThat(rows.get(3).schema().column("b2").length()).as("width of a column added by DDL").isEqualTo(1);
            List<List<Object>> values = rows.stream().map(e -> java.util.Arrays.asList(e.after().toArray())).toList();
            assertThat(values).containsExactly(
                    java.util.Arrays.asList(1, 1, -128, 127, 255),
                    java.util.Arrays.asList(2, 0, 127, -128, 0),
                    java.util.Arrays.asList(3, null, 0, null, 1),
                    java.util.Arrays.asList(4, -1, -1, 5, 7, 0));
        }
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options("mariadb", db, "flags", "initial"),
                "tinyint-" + db.name(), state)) {
            db.execute("INSERT INTO flags VALUES (5, 1, 1, 1, 1, 1)");
            await().atMost(WAIT).until(() -> rowIds(h.events()).contains(5));
            TableSchema s = h.events().stream().filter(e -> e.after() != null).findFirst().orElseThrow().schema();
            assertThat(s.column("b").length()).as("width after a restart (from the stored schema history)")
                    .isEqualTo(1);
            assertThat(s.column("b2").length()).isEqualTo(1);
            assertThat(s.column("t4").length()).isEqualTo(4);
        }
    }

    private static boolean waitFor(TaskHarness h, int id) {
        try {
            await().atMost(Duration.ofSeconds(2)).until(() -> rowIds(h.events()).contains(id));
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static List<Integer> rowIds(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.after() != null).map(e -> (Integer) e.after().get(0)).toList();
    }
}

package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Schema changes from the stream reach the target: add, drop (keep and drop), widen, rename; a narrowing change
 * stops the sink with a message naming table and DDL; a change replayed after a crash changes nothing.
 */
class SchemaChangeIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final TableId SRC = TableId.of("src", "t");

    private static ColumnSchema col(String name, LogicalType type, String sourceType, Integer length) {
        return ColumnSchema.builder(name, type).sourceType(sourceType).length(length).build();
    }

    private static final ColumnSchema K = ColumnSchema.builder("k", LogicalType.INT32).sourceType("int")
            .nullable(false).build();
    private static final ColumnSchema NAME10 = col("name", LogicalType.STRING, "varchar(10)", 10);
    private static final ColumnSchema NAME50 = col("name", LogicalType.STRING, "varchar(50)", 50);
    private static final ColumnSchema N_INT = col("n", LogicalType.INT32, "int", null);
    private static final ColumnSchema N_BIG = col("n", LogicalType.INT64, "bigint", null);
    private static final ColumnSchema GONE = ColumnSchema.builder("gone", LogicalType.STRING).sourceType("varchar(5)")
            .length(5).nullable(false).build();
    private static final ColumnSchema EXTRA = col("extra", LogicalType.STRING, "varchar(20)", 20);
    private static final ColumnSchema LABEL = col("label", LogicalType.STRING, "varchar(20)", 20);
    private static final ColumnSchema SCORE = ColumnSchema.builder("score", LogicalType.INT32).sourceType("int")
            .nullable(false).defaultValue("7").build();

    private static TableSchema schema(ColumnSchema... cols) {
        return new TableSchema(SRC, List.of(cols), List.of("k"));
    }

    static final TableSchema V1 = schema(K, NAME10, N_INT, GONE);
    static final TableSchema V2 = schema(K, NAME10, N_INT, GONE, EXTRA);           // add extra
    static final TableSchema V2S = schema(K, NAME10, N_INT, GONE, EXTRA, SCORE);   // add score NOT NULL DEFAULT 7
    static final TableSchema V3 = schema(K, NAME10, N_INT, EXTRA, SCORE);          // drop gone
    static final TableSchema V4 = schema(K, NAME50, N_BIG, EXTRA, SCORE);          // widen name, n
    static final TableSchema V5 = schema(K, NAME50, N_BIG, LABEL, SCORE);          // rename extra -> label
    static final TableSchema V6 = schema(K, col("name", LogicalType.STRING, "varchar(5)", 5), N_BIG, LABEL, SCORE);

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void addDropKeepWidenRenameReplayAndNarrowing(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "ddl");
        String t = d.quote(schema) + "." + d.quote("t");
        boolean pg = engine == DatabaseEngine.POSTGRES;
        SinkSettings settings = new SinkSettings(d, "ddl-sink", TableMapping.all(schema), MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io"), true, false, 100_000, 1000, 1_000_000);
        String fiftyChars = "x".repeat(50);
        String rename = pg ? "ALTER TABLE src.t RENAME COLUMN extra TO label"
                : "ALTER TABLE `t` CHANGE `extra` `label` varchar(20)";
        List<ChangeEvent> events = List.of(
                ChangeEvent.insert(V1, Row.of(V1, 1, "a", 1, "g1"), null, null),
                ChangeEvent.insert(V1, Row.of(V1, 2, "b", 2, "g2"), null, null),
                ChangeEvent.schemaChange(SRC, V2, "ALTER TABLE t ADD COLUMN extra varchar(20)", null, null),
                ChangeEvent.schemaChange(SRC, V2S, "ALTER TABLE t ADD COLUMN score int NOT NULL DEFAULT 7", null,
                        null),
                ChangeEvent.insert(V2S, Row.of(V2S, 3, "c", 3, "g3", "x3", 30), null, null),
                ChangeEvent.schemaChange(SRC, V3, "ALTER TABLE t DROP COLUMN gone", null, null),
                ChangeEvent.insert(V3, Row.of(V3, 4, "d", 4, "x4", 40), null, null),
                ChangeEvent.schemaChange(SRC, V4, "ALTER TABLE t MODIFY name varchar(50), MODIFY n bigint", null,
                        null),
                ChangeEvent.insert(V4, Row.of(V4, 5, fiftyChars, 5_000_000_000L, "x5", 50), null, null),
                ChangeEvent.update(V4, Row.of(V4, 1, "a", 1L, null, 7), Row.of(V4, 1, "a2", 6_000_000_000L, "x1", 7), null,
                        null),
                ChangeEvent.schemaChange(SRC, V5, rename, null, null),        // record id 11
                ChangeEvent.insert(V5, Row.of(V5, 6, "f", 6L, "x6", 60), null, null));
        List<SinkRecord> records = Targets.records("s", 0, 1, events);

        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(records);
            w.flush();

            // Row by row; "gone" kept (nullable, old values there), "extra" renamed with its values.
            List<List<Object>> expected = List.of(
                    Arrays.asList(1, "a2", 6_000_000_000L, "x1", "g1", 7),
                    Arrays.asList(2, "b", 2L, null, "g2", 7),
                    Arrays.asList(3, "c", 3L, "x3", "g3", 30),
                    Arrays.asList(4, "d", 4L, "x4", null, 40),
                    Arrays.asList(5, fiftyChars, 5_000_000_000L, "x5", null, 50),
                    Arrays.asList(6, "f", 6L, "x6", null, 60));
            String select = "SELECT " + d.quote("k") + ", " + d.quote("name") + ", " + d.quote("n") + ", "
                    + d.quote("label") + ", " + d.quote("gone") + ", " + d.quote("score") + " FROM " + t + " ORDER BY 1";
            assertThat(rows(db, select)).isEqualTo(expected);
            Map<String, String> columns = columns(db, schema, "t");
            assertThat(columns.keySet()).containsExactlyInAnyOrder("k", "name", "n", "label", "gone", "score");
            assertThat(columns.get("score")).startsWith("NO");
            assertThat(columns.get("gone")).startsWith("YES");
            assertThat(columns.get("name")).contains("50");
            assertThat(columns.get("n")).containsIgnoringCase("bigint");

            // Crash after the rename's DDL (MySQL committed it) but before its checkpoint: the stream delivers it
            // and what follows again. The DDL must find nothing to do, and the rows must stay as they are.
            db.execute("UPDATE " + d.quote(Targets.schema(db, "_hstream_io")) + "." + d.quote("checkpoints")
                    + " SET record_id = '0-10-0' WHERE sink = 'ddl-sink'");
            JdbcSinkWriter again = new JdbcSinkWriter(pool, settings);
            again.open();
            again.write(records);
            again.flush();
            assertThat(again.skipped()).isEqualTo(10);
            assertThat(rows(db, select)).isEqualTo(expected);
            assertThat(columns(db, schema, "t")).isEqualTo(columns);

            // Narrowing stops the sink, naming table and DDL; nothing changes.
            String narrow = "ALTER TABLE t MODIFY name varchar(5)";
            List<SinkRecord> bad = Targets.records("s", 0, 20, List.of(
                    ChangeEvent.schemaChange(SRC, V6, narrow, null, null)));
            assertThatThrownBy(() -> again.write(bad)).isInstanceOf(SinkException.class)
                    .hasMessageContaining(schema + ".t").hasMessageContaining(narrow)
                    .hasMessageContaining("narrowing")
                    .satisfies(e -> assertThat(((SinkException) e).retriable()).isFalse());
            assertThat(columns(db, schema, "t")).isEqualTo(columns);

            // So does a type-class change.
            TableSchema v7 = schema(K, NAME50, col("n", LogicalType.STRING, "varchar(30)", 30), LABEL, SCORE);
            String retype = "ALTER TABLE t MODIFY n varchar(30)";
            JdbcSinkWriter third = new JdbcSinkWriter(pool, settings);
            third.open();
            assertThatThrownBy(() -> third.write(Targets.records("s", 0, 30, List.of(
                    ChangeEvent.insert(V5, Row.of(V5, 7, "g", 7L, "x7", 70), null, null),
                    ChangeEvent.schemaChange(SRC, v7, retype, null, null)))))
                    .isInstanceOf(SinkException.class).hasMessageContaining(schema + ".t")
                    .hasMessageContaining(retype).hasMessageContaining("type-class change");
            assertThat(columns(db, schema, "t")).isEqualTo(columns);
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void dropColumnsAndTablesWhenAsked(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "ddl2");
        SinkSettings settings = new SinkSettings(d, "ddl-drop", TableMapping.all(schema), MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io"), true, false, 100_000, 1000, 1_000_000).withSchemaDrops(true, true);
        // Its own table: the MariaDB test database is shared by both tests.
        TableId src = TableId.of("src", "t2");
        TableSchema v2 = new TableSchema(src, V2.columns(), V2.primaryKey());
        TableSchema v3 = new TableSchema(src, List.of(K, NAME10, N_INT, EXTRA), List.of("k"));
        List<ChangeEvent> events = List.of(
                ChangeEvent.insert(v2, Row.of(v2, 1, "a", 1, "g1", "x1"), null, null),
                ChangeEvent.schemaChange(src, v3, "ALTER TABLE t DROP COLUMN gone", null, null),
                ChangeEvent.insert(v3, Row.of(v3, 2, "b", 2, "x2"), null, null));
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(Targets.records("s", 0, 1, events));
            w.flush();
            assertThat(columns(db, schema, "t2").keySet()).containsExactlyInAnyOrder("k", "name", "n", "extra");
            assertThat(rows(db, "SELECT * FROM " + d.quote(schema) + "." + d.quote("t2") + " ORDER BY 1"))
                    .isEqualTo(List.of(Arrays.asList(1, "a", 1, "x1"), Arrays.asList(2, "b", 2, "x2")));

            // A restarted sink (no previous schema in memory: the DDL text names the column) replaying the column
            // drop: nothing left to drop, rows as they were.
            db.execute("UPDATE " + d.quote(Targets.schema(db, "_hstream_io")) + "." + d.quote("checkpoints")
                    + " SET record_id = '0-1-0' WHERE sink = 'ddl-drop'");
            JdbcSinkWriter again = new JdbcSinkWriter(pool, settings);
            again.open();
            again.write(Targets.records("s", 0, 1, events));
            again.flush();
            assertThat(columns(db, schema, "t2").keySet()).containsExactlyInAnyOrder("k", "name", "n", "extra");
            assertThat(rows(db, "SELECT * FROM " + d.quote(schema) + "." + d.quote("t2") + " ORDER BY 1"))
                    .isEqualTo(List.of(Arrays.asList(1, "a", 1, "x1"), Arrays.asList(2, "b", 2, "x2")));

            again.write(Targets.records("s", 0, 4, List.of(ChangeEvent.schemaChange(src, null, "DROP TABLE t", null,
                    null))));
            again.flush();
            assertThat(columns(db, schema, "t2")).isEmpty();
        }
    }

    /**
     * MySQL's MODIFY COLUMN replaces the whole column definition: widening a column, or making a dropped one nullable,
     * must restate its DEFAULT, AUTO_INCREMENT, comment and collation, or they are silently gone.
     */
    @Test
    void mariaDbWideningKeepsDefaultsAutoIncrementCommentsAndCollation() throws Exception {
        TestDatabase db = DBS.database(DatabaseEngine.MARIADB);
        SqlDialect d = Targets.dialect(db);
        // Its own table in the shared test database, made by hand the way a user might have made it.
        db.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'", // backslash escapes on: 'a\\b' is a\b
                "CREATE TABLE t3 ("
                        + "id INT NOT NULL AUTO_INCREMENT COMMENT 'surrogate key', "
                        + "code VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_general_cs NOT NULL "
                        + "DEFAULT 'it''s a\\\\b\\nc' COMMENT 'code, \"quoted\" and ''single''', "
                        + "qty INT NOT NULL DEFAULT 7 COMMENT 'how many', "
                        + "updated TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), "
                        + "gone INT NOT NULL DEFAULT 5 COMMENT 'the source drops it', "
                        + "PRIMARY KEY (id)) "
                        + "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin AUTO_INCREMENT=1000");
        TableId src = TableId.of("src", "t3");
        ColumnSchema id = ColumnSchema.builder("id", LogicalType.INT32).sourceType("int").nullable(false)
                .autoIncrement(true).build();
        ColumnSchema code = ColumnSchema.builder("code", LogicalType.STRING).sourceType("varchar(10)").length(10)
                .nullable(false).build();
        ColumnSchema qty = ColumnSchema.builder("qty", LogicalType.INT32).sourceType("int").nullable(false)
                .defaultValue("7").build();
        ColumnSchema gone = ColumnSchema.builder("gone", LogicalType.INT32).sourceType("int").nullable(false).build();
        TableSchema v1 = new TableSchema(src, List.of(id, code, qty, gone), List.of("id"));
        TableSchema v2 = new TableSchema(src, List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).autoIncrement(true)
                        .build(),
                ColumnSchema.builder("code", LogicalType.STRING).sourceType("varchar(40)").length(40).nullable(false)
                        .build(), qty), List.of("id"));
        String ddl = "ALTER TABLE t3 MODIFY id bigint NOT NULL AUTO_INCREMENT, MODIFY code varchar(40) NOT NULL, "
                + "DROP COLUMN gone";
        Map<String, Map<String, Object>> before = catalog(db, "t3");
        Object counter = autoIncrement(db, "t3");
        assertThat(counter).isEqualTo(1000L);

        SinkSettings settings = new SinkSettings(d, "ddl-modify", TableMapping.all(db.name()), MappingOptions.DEFAULTS,
                db.name(), true, false, 100_000, 1000, 1_000_000);
        List<SinkRecord> records = Targets.records("s3", 0, 1, List.of(
                ChangeEvent.insert(v1, Row.of(v1, 1, "x", 1, 1), null, null),
                ChangeEvent.schemaChange(src, v2, ddl, null, null)));
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(records);
            w.flush();

            // Exactly the intended changes: two wider types, one column made nullable. Everything else as it was.
            Map<String, Map<String, Object>> expected = new TreeMap<>(before);
            expected.put("id", with(before.get("id"), "COLUMN_TYPE", "bigint(20)"));
            expected.put("code", with(before.get("code"), "COLUMN_TYPE", "varchar(40)"));
            expected.put("gone", with(before.get("gone"), "IS_NULLABLE", "YES"));
            assertThat(catalog(db, "t3")).isEqualTo(expected);
            assertThat(autoIncrement(db, "t3")).as("the table's counter").isEqualTo(counter);

            // And they work: a row that names no column gets the next counter value and every default.
            db.execute("INSERT INTO t3 () VALUES ()");
            assertThat(rows(db, "SELECT id, code, qty, gone FROM t3 ORDER BY id")).isEqualTo(List.of(
                    Arrays.asList(1L, "x", 1, 1), Arrays.asList(1000L, "it's a\\b\nc", 7, 5)));

            // Replayed after a crash (MySQL commits DDL before the checkpoint): nothing left to do.
            db.execute("UPDATE checkpoints SET record_id = '0-1-0' WHERE sink = 'ddl-modify'");
            JdbcSinkWriter again = new JdbcSinkWriter(pool, settings);
            again.open();
            again.write(records);
            again.flush();
            assertThat(catalog(db, "t3")).isEqualTo(expected);
        }
    }

    private static Map<String, Object> with(Map<String, Object> row, String key, Object value) {
        Map<String, Object> out = new TreeMap<>(row);
        out.put(key, value);
        return out;
    }

    /** Per column, everything a column definition holds, as information_schema reports it. */
    private static Map<String, Map<String, Object>> catalog(TestDatabase db, String table) throws Exception {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> r : db.query("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
                + "COLUMN_COMMENT, CHARACTER_SET_NAME, COLLATION_NAME, ORDINAL_POSITION "
                + "FROM information_schema.columns "
                + "WHERE table_schema = DATABASE() AND table_name = ?", table)) {
            Map<String, Object> row = new TreeMap<>();
            r.forEach((k, v) -> row.put(k.toUpperCase(java.util.Locale.ROOT), v == null ? null : v.toString()));
            out.put(String.valueOf(row.remove("COLUMN_NAME")), row);
        }
        return out;
    }

    private static Object autoIncrement(TestDatabase db, String table) throws Exception {
        return ((Number) db.queryValue("SELECT AUTO_INCREMENT FROM information_schema.tables "
                + "WHERE table_schema = DATABASE() AND table_name = ?", table)).longValue();
    }

    private static List<List<Object>> rows(TestDatabase db, String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        for (Map<String, Object> r : db.query(sql)) {
            List<Object> row = new ArrayList<>();
            for (Object v : r.values()) {
                row.add(v instanceof Number n && !(v instanceof Long) && !(v instanceof Integer) ? n.longValue() : v);
            }
            out.add(row);
        }
        return out;
    }

    /** Column name to "nullable type length" of a table, from the catalog. */
    private static Map<String, String> columns(TestDatabase db, String schema, String table) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> r : db.query("SELECT column_name, is_nullable, data_type, character_maximum_length "
                + "FROM information_schema.columns WHERE table_schema = ? AND table_name = ?", schema, table)) {
            List<Object> v = new ArrayList<>(r.values());
            out.put(String.valueOf(v.get(0)), v.get(1) + " " + v.get(2) + " " + v.get(3));
        }
        return out;
    }
}

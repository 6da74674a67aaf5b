package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.schema.SchemaPlan;
import io.hstreamio.sink.schema.SchemaPlanner;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dry run, incompatibility reports, and identity counters after a snapshot, against both targets. */
class SchemaIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static TableSchema source(String table) {
        return new TableSchema(TableId.of("src", table), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false)
                        .autoIncrement(true).build(),
                ColumnSchema.builder("v", LogicalType.STRING).sourceType("varchar(20)").length(20).build(),
                ColumnSchema.builder("flag", LogicalType.INT32).sourceType("tinyint(1)").length(1).build(),
                ColumnSchema.builder("big", LogicalType.UINT64).sourceType("bigint unsigned").unsigned(true)
                        .build()), List.of("id"));
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void dryRunReturnsDdlAndRisksAndWritesNothing(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "dry");
        TableSchema s = source("dry table");
        SinkSettings settings = new SinkSettings(d, "dry", TableMapping.all(schema), MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io_dry"), true, true, 1000, 100, 1000);
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(Targets.records("s", 0, 1, List.of(ChangeEvent.insert(s, Row.of(s, 1L, "x", 1, null), null,
                    null))));
            w.flush();
            assertThat(w.plans()).singleElement().satisfies(p -> {
                assertThat(p.action()).isEqualTo(SchemaPlan.Action.CREATE);
                assertThat(p.statements()).anyMatch(x -> x.startsWith("CREATE TABLE " + d.qualify(
                        new TableRef(schema, "dry table"))));
                if (engine == DatabaseEngine.POSTGRES) {
                    assertThat(p.notes()).anyMatch(n -> n.contains("flag") && n.contains("boolean"));
                }
                assertThat(p.describe()).contains("CREATE TABLE");
            });
        }
        assertThat(((Number) db.queryValue("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?",
                "dry table")).longValue()).isZero();
        String cp = Targets.schema(db, "_hstream_io_dry");
        boolean cpTable = ((Number) db.queryValue("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = ? AND table_name = 'checkpoints'", cp)).longValue() > 0;
        if (engine == DatabaseEngine.POSTGRES) {
            assertThat(cpTable).as("no checkpoint table in a dry run").isFalse();
        } else if (cpTable) { // MariaDB tests share one database: other tests may have made the table
            assertThat(db.query("SELECT 1 FROM checkpoints WHERE sink = 'dry'")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void dryRunReportsTheDdlOfSchemaChangesAndRunsNone(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        boolean pg = engine == DatabaseEngine.POSTGRES;
        String schema = Targets.schema(db, "drys");
        db.execute(pg ? "CREATE SCHEMA drys" : "SELECT 1",
                "CREATE TABLE " + d.quote(schema) + "." + d.quote("dry2") + " (id bigint PRIMARY KEY, v varchar(20))");
        TableId src = TableId.of("src", "dry2");
        ColumnSchema id = ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).build();
        TableSchema v1 = new TableSchema(src, List.of(id,
                ColumnSchema.builder("v", LogicalType.STRING).sourceType("varchar(20)").length(20).build()),
                List.of("id"));
        TableSchema v2 = new TableSchema(src, List.of(id,
                ColumnSchema.builder("v", LogicalType.STRING).sourceType("varchar(50)").length(50).build(),
                ColumnSchema.builder("note", LogicalType.STRING).sourceType("varchar(30)").length(30).build()),
                List.of("id"));
        TableSchema v3 = new TableSchema(src, List.of(id,
                ColumnSchema.builder("v", LogicalType.STRING).sourceType("varchar(5)").length(5).build(),
                ColumnSchema.builder("note", LogicalType.STRING).sourceType("varchar(30)").length(30).build()),
                List.of("id"));
        SinkSettings settings = new SinkSettings(d, "dry-ddl", TableMapping.all(schema), MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io_dry"), true, true, 1000, 100, 1000);
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(Targets.records("s", 0, 1, List.of(
                    ChangeEvent.insert(v1, Row.of(v1, 1L, "x"), null, null),
                    ChangeEvent.schemaChange(src, v2, "ALTER TABLE dry2 MODIFY v varchar(50), ADD note varchar(30)",
                            null, null),
                    ChangeEvent.schemaChange(src, v3, "ALTER TABLE dry2 MODIFY v varchar(5)", null, null))));
            w.flush();
            String t = d.quote(schema) + "." + d.quote("dry2");
            assertThat(w.dryRunSchemaChanges()).hasSize(3);
            assertThat(w.dryRunSchemaChanges().get(0)).isEqualTo(pg
                    ? "ALTER TABLE " + t + " ALTER COLUMN \"v\" TYPE varchar(50)"
                    : "ALTER TABLE " + t + " MODIFY COLUMN `v` VARCHAR(50) CHARACTER SET utf8mb4 COLLATE "
                            + db.queryValue("SELECT collation_name FROM information_schema.columns WHERE "
                                    + "table_schema = DATABASE() AND table_name = 'dry2' AND column_name = 'v'")
                            + " NULL");
            assertThat(w.dryRunSchemaChanges().get(1)).isEqualTo("ALTER TABLE " + t + " ADD COLUMN "
                    + d.quote("note") + (pg ? " varchar(30)" : " VARCHAR(30)"));
            // The narrowing that would stop the task is reported, not thrown.
            assertThat(w.dryRunSchemaChanges().get(2)).startsWith("-- refused: schema change of ")
                    .contains("narrowing", "MODIFY v varchar(5)");
        }
        // Nothing ran: the table is as it was.
        assertThat(db.query("SELECT column_name, character_maximum_length FROM information_schema.columns "
                + "WHERE table_schema = ? AND table_name = 'dry2' ORDER BY ordinal_position", schema))
                .extracting(r -> new ArrayList<>(r.values()).toString())
                .containsExactly("[id, null]", "[v, 20]");
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void incompatibleExistingTableIsReportedPrecisely(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "public");
        db.execute("CREATE TABLE inc (id int NOT NULL PRIMARY KEY, v varchar(5), flag int, extra int NOT NULL)");
        SchemaPlanner planner = new SchemaPlanner(d, MappingOptions.DEFAULTS);
        try (HikariDataSource pool = Targets.pool(db); Connection c = pool.getConnection()) {
            SchemaPlan p = planner.plan(c, source("inc"), new TableRef(schema, "inc"));
            assertThat(p.action()).isEqualTo(SchemaPlan.Action.USE_EXISTING);
            assertThat(p.incompatibilities()).hasSize(engine == DatabaseEngine.POSTGRES ? 5 : 4)
                    .anyMatch(x -> x.startsWith("column id ") && x.contains("integer range"))
                    .anyMatch(x -> x.startsWith("column v ") && x.contains("length 20 does not fit 5"))
                    .anyMatch(x -> x.startsWith("column big is missing"))
                    .anyMatch(x -> x.startsWith("column extra ") && x.contains("NOT NULL without a default"));
            if (engine == DatabaseEngine.POSTGRES) {
                // TINYINT(1) becomes boolean in PostgreSQL: an int column is not what the sink would write.
                assertThat(p.incompatibilities()).anyMatch(x -> x.startsWith("column flag "));
            }
        }
    }

    /** Snapshot rows that repeat copied keys: direct COPY fails, the retried flush merges through staging. */
    @org.junit.jupiter.api.Test
    void repeatedSnapshotKeysFallBackToStagingMerge() throws Exception {
        TestDatabase db = DBS.postgres();
        String schema = "staging";
        TableSchema s = source("snap");
        SinkSettings settings = new SinkSettings(Targets.dialect(db), "staging", TableMapping.all(schema),
                MappingOptions.DEFAULTS, "_hstream_io", true, false, 100_000, 1000, 10);
        List<ChangeEvent> first = new ArrayList<>();
        List<ChangeEvent> second = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            first.add(ChangeEvent.read(s, Row.of(s, id, "first", 0, null)));
            second.add(ChangeEvent.read(s, Row.of(s, id + 15, "second", 1, null))); // 16..20 repeat
        }
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(Targets.records("s", 0, 1, first));
            w.flush();
            w.write(Targets.records("s", 0, 100, second));
            org.assertj.core.api.Assertions.assertThatThrownBy(w::flush).isInstanceOf(SinkException.class)
                    .satisfies(e -> assertThat(((SinkException) e).retriable()).isTrue());
            w.flush(); // the runner's retry: the buffer was kept
        }
        assertThat(((Number) db.queryValue("SELECT COUNT(*) FROM staging.snap")).longValue()).isEqualTo(35);
        assertThat(db.query("SELECT v FROM staging.snap WHERE id BETWEEN 16 AND 35 AND v <> 'second'")).isEmpty();
        assertThat(((Number) db.queryValue("SELECT COUNT(*) FROM staging.snap WHERE v = 'first'")).longValue())
                .isEqualTo(15);
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void truncateAppliesInStreamOrder(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "trunc");
        TableSchema s = source("trunc");
        ChangeEvent truncate = new ChangeEvent(io.hstreamio.core.record.ChangeType.TRUNCATE, s.id(), null, null,
                null, null, null, null, "TRUNCATE trunc");
        SinkSettings settings = new SinkSettings(d, "trunc", TableMapping.all(schema), MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io"), true, false, 100_000, 1000, 1000);
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(Targets.records("t", 0, 1, List.of(truncate))); // nothing there yet: ignored
            w.flush();
            w.write(Targets.records("t", 0, 2, List.of(
                    ChangeEvent.insert(s, Row.of(s, 1L, "a", 0, null), null, null),
                    ChangeEvent.insert(s, Row.of(s, 2L, "b", 0, null), null, null),
                    truncate,
                    ChangeEvent.insert(s, Row.of(s, 3L, "c", 0, null), null, null))));
            w.flush();
        }
        assertThat(db.query("SELECT " + d.quote("id") + " FROM " + d.qualify(new TableRef(schema, "trunc"))))
                .extracting(r -> ((Number) r.values().iterator().next()).longValue()).containsExactly(3L);
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void identityContinuesAfterTheSnapshot(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "ident");
        TableSchema s = source("ident");
        SinkSettings settings = new SinkSettings(d, "ident", TableMapping.all(schema), MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io"), true, false, 100_000, 1000, 5);
        List<ChangeEvent> snapshot = new ArrayList<>();
        for (long id = 1; id <= 42; id++) {
            snapshot.add(ChangeEvent.read(s, Row.of(s, id * 10, "r" + id, 0, null)));
        }
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            w.write(Targets.records("s", 0, 1, snapshot));
            w.flush();
            w.write(Targets.records("s", 0, 100, List.of(
                    ChangeEvent.insert(s, Row.of(s, 425L, "cdc", 1, null), null, null))));
            w.flush();
            String t = d.qualify(new TableRef(schema, "ident"));
            db.execute("INSERT INTO " + t + " (" + d.quote("v") + ") VALUES ('target')");
            assertThat(((Number) db.queryValue("SELECT " + d.quote("id") + " FROM " + t + " WHERE "
                    + d.quote("v") + " = 'target'")).longValue()).isEqualTo(426);
        }
    }
}

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
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A replay after a restart applies nothing twice, proven with a non-idempotent witness: a trigger that appends one
 * history row per applied row change. A failing flush leaves neither rows nor checkpoint behind.
 */
class EffectivelyOnceIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final TableSchema KV = new TableSchema(TableId.of("src", "kv"), List.of(
            ColumnSchema.builder("k", LogicalType.INT32).sourceType("int").nullable(false).build(),
            ColumnSchema.builder("v", LogicalType.STRING).sourceType("varchar(20)").length(20).build()),
            List.of("k"));

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void replayAfterRestartIsSkippedAndFailedFlushLeavesNothing(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "eo");
        String cpSchema = Targets.schema(db, "_hstream_io");
        String t = d.quote(schema) + "." + d.quote("kv");
        String hist = d.quote(schema) + "." + d.quote("hist");
        // An existing, compatible target table with a history trigger: the sink must use it as it is.
        if (engine == DatabaseEngine.POSTGRES) {
            db.execute("CREATE SCHEMA eo",
                    "CREATE TABLE eo.kv (k int PRIMARY KEY, v varchar(20))",
                    "CREATE TABLE eo.hist (n serial, op text, k int)",
                    "CREATE FUNCTION eo.h() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "INSERT INTO eo.hist (op, k) VALUES (TG_OP, COALESCE(NEW.k, OLD.k)); RETURN NULL; END $$",
                    "CREATE TRIGGER h AFTER INSERT OR UPDATE OR DELETE ON eo.kv FOR EACH ROW EXECUTE FUNCTION eo.h()");
        } else {
            db.execute("CREATE TABLE kv (k int PRIMARY KEY, v varchar(20))",
                    "CREATE TABLE hist (n int AUTO_INCREMENT PRIMARY KEY, op varchar(10), k int)",
                    "CREATE TRIGGER hi AFTER INSERT ON kv FOR EACH ROW INSERT INTO hist (op, k) VALUES ('INSERT', NEW.k)",
                    "CREATE TRIGGER hu AFTER UPDATE ON kv FOR EACH ROW INSERT INTO hist (op, k) VALUES ('UPDATE', NEW.k)",
                    "CREATE TRIGGER hd AFTER DELETE ON kv FOR EACH ROW INSERT INTO hist (op, k) VALUES ('DELETE', OLD.k)");
        }
        SinkSettings settings = new SinkSettings(d, "eo-sink", TableMapping.all(schema), MappingOptions.DEFAULTS,
                cpSchema, true, false, 100_000, 1000, 1_000_000);

        List<ChangeEvent> a = new ArrayList<>();
        for (int k = 1; k <= 10; k++) {
            a.add(ChangeEvent.insert(KV, Row.of(KV, k, "a" + k), null, null));
        }
        List<ChangeEvent> b = new ArrayList<>();
        for (int k = 1; k <= 5; k++) {
            b.add(ChangeEvent.update(KV, Row.of(KV, k, "a" + k), Row.of(KV, k, "b" + k), null, null));
        }
        List<SinkRecord> batchA = Targets.records("orders", 3, 1, a);
        List<SinkRecord> batchB = Targets.records("orders", 3, 11, b);

        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter first = new JdbcSinkWriter(pool, settings);
            first.open();
            first.write(batchA);
            first.flush();
            assertThat(count(db, hist)).isEqualTo(10);
            assertThat(db.queryValue("SELECT record_id FROM " + d.quote(cpSchema) + "." + d.quote("checkpoints")
                    + " WHERE sink = 'eo-sink' AND stream = 'orders' AND shard = 3")).isEqualTo("3-10-0");

            // Restart: the stream was not acknowledged, so the runner delivers batch A again, then B.
            JdbcSinkWriter second = new JdbcSinkWriter(pool, settings);
            second.open();
            second.write(batchA);
            second.write(batchB);
            second.flush();
            assertThat(second.skipped()).isEqualTo(10);
            assertThat(count(db, hist)).as("one history row per change, none replayed").isEqualTo(15);
            assertThat(db.queryValue("SELECT v FROM " + t + " WHERE k = 3")).isEqualTo("b3");

            // A flush with a bad record in the middle commits nothing: neither rows, nor history, nor checkpoint.
            List<ChangeEvent> c = List.of(
                    ChangeEvent.insert(KV, Row.of(KV, 20, "ok"), null, null),
                    ChangeEvent.insert(KV, Row.of(KV, 21, "far too long for varchar twenty"), null, null),
                    ChangeEvent.delete(KV, Row.of(KV, 1, "b1"), null, null));
            second.write(Targets.records("orders", 3, 100, c));
            assertThatThrownBy(second::flush).isInstanceOf(SinkException.class)
                    .hasMessageContaining("permanent")
                    .satisfies(e -> assertThat(((SinkException) e).retriable()).isFalse());
            assertThat(count(db, hist)).isEqualTo(15);
            assertThat(count(db, t)).isEqualTo(10);
            assertThat(db.queryValue("SELECT record_id FROM " + d.quote(cpSchema) + "." + d.quote("checkpoints")
                    + " WHERE sink = 'eo-sink'")).isEqualTo("3-15-0");

            // The runner replays one by one: the good records apply, the bad one fails alone.
            second.write(List.of(new SinkRecord("orders", new RecordId(3, 100, 0), c.get(0))));
            second.flush();
            second.write(List.of(new SinkRecord("orders", new RecordId(3, 102, 0), c.get(2))));
            second.flush();
            assertThat(count(db, t)).isEqualTo(10); // +20, -1
            assertThat(count(db, hist)).isEqualTo(17);
        }
    }

    private static long count(TestDatabase db, String table) throws Exception {
        return ((Number) db.queryValue("SELECT COUNT(*) FROM " + table)).longValue();
    }
}

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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
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

    private static final TableSchema LOST = new TableSchema(TableId.of("src", "lost"), KV.columns(), List.of("k"));

    /**
     * The connection drops after the server committed but before the client heard so: the flush fails as retriable,
     * and the retry must find the checkpoint in the target and apply nothing again.
     */
    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void aRetryAfterALostCommitAcknowledgementAppliesNothingTwice(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "eo_lost");
        String cpSchema = Targets.schema(db, "_hstream_io");
        String t = d.quote(schema) + "." + d.quote("lost");
        String hist = d.quote(schema) + "." + d.quote("lost_hist");
        if (engine == DatabaseEngine.POSTGRES) {
            db.execute("CREATE SCHEMA eo_lost",
                    "CREATE TABLE eo_lost.lost (k int PRIMARY KEY, v varchar(20))",
                    "CREATE TABLE eo_lost.lost_hist (n serial, op text, k int)",
                    "CREATE FUNCTION eo_lost.h() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "INSERT INTO eo_lost.lost_hist (op, k) VALUES (TG_OP, NEW.k); RETURN NULL; END $$",
                    "CREATE TRIGGER h AFTER INSERT OR UPDATE ON eo_lost.lost FOR EACH ROW "
                            + "EXECUTE FUNCTION eo_lost.h()");
        } else {
            db.execute("CREATE TABLE lost (k int PRIMARY KEY, v varchar(20))",
                    "CREATE TABLE lost_hist (n int AUTO_INCREMENT PRIMARY KEY, op varchar(10), k int)",
                    "CREATE TRIGGER lost_hi AFTER INSERT ON lost FOR EACH ROW INSERT INTO lost_hist (op, k) "
                            + "VALUES ('INSERT', NEW.k)",
                    "CREATE TRIGGER lost_hu AFTER UPDATE ON lost FOR EACH ROW INSERT INTO lost_hist (op, k) "
                            + "VALUES ('UPDATE', NEW.k)");
        }
        SinkSettings settings = new SinkSettings(d, "lost-sink", TableMapping.all(schema), MappingOptions.DEFAULTS,
                cpSchema, true, false, 100_000, 1000, 1_000_000);
        List<ChangeEvent> a = new ArrayList<>();
        List<ChangeEvent> b = new ArrayList<>();
        for (int k = 1; k <= 10; k++) {
            a.add(ChangeEvent.insert(LOST, Row.of(LOST, k, "a" + k), null, null));
            b.add(ChangeEvent.update(LOST, Row.of(LOST, k, "a" + k), Row.of(LOST, k, "b" + k), null, null));
        }
        List<SinkRecord> batchA = Targets.records("lost", 0, 1, a);
        List<SinkRecord> batchB = Targets.records("lost", 0, 11, b);

        try (HikariDataSource pool = Targets.pool(db)) {
            LosingCommitAcks lossy = new LosingCommitAcks(pool);
            JdbcSinkWriter w = new JdbcSinkWriter(lossy.dataSource(), settings);
            w.open();
            w.write(batchA);
            w.flush();
            assertThat(count(db, hist)).isEqualTo(10);

            lossy.loseNextCommitAck();
            w.write(batchB);
            assertThatThrownBy(w::flush).isInstanceOf(SinkException.class)
                    .satisfies(e -> assertThat(((SinkException) e).unreachable()).isTrue());
            assertThat(count(db, hist)).as("the server did commit").isEqualTo(20);

            // What the runner does next: the same records again, then a flush.
            w.write(batchB);
            w.flush();
            assertThat(count(db, hist)).as("nothing applied twice").isEqualTo(20);
            assertThat(w.appliedRecords()).isEqualTo(20);
            w.write(Targets.records("lost", 0, 21, List.of(ChangeEvent.insert(LOST, Row.of(LOST, 11, "c"), null,
                    null))));
            w.flush();
        }
        assertThat(count(db, hist)).isEqualTo(21);
        assertThat(db.queryValue("SELECT record_id FROM " + d.quote(cpSchema) + "." + d.quote("checkpoints")
                + " WHERE sink = 'lost-sink'")).isEqualTo("0-21-0");
        for (int k = 1; k <= 10; k++) {
            assertThat(db.queryValue("SELECT v FROM " + t + " WHERE k = " + k)).as("key %d", k).isEqualTo("b" + k);
        }
    }

    /** Hands out the pool's connections; once armed, the next commit commits and then fails as a lost connection. */
    private static final class LosingCommitAcks {
        private final DataSource pool;
        private volatile boolean armed;

        LosingCommitAcks(DataSource pool) {
            this.pool = pool;
        }

        void loseNextCommitAck() {
            armed = true;
        }

        DataSource dataSource() {
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object out = invoke(pool, method, args);
                        return method.getName().equals("getConnection") ? connection((Connection) out) : out;
                    });
        }

        private Connection connection(Connection c) {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        Object out = invoke(c, method, args);
                        if (method.getName().equals("commit") && armed) {
                            armed = false;
                            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                        }
                        return out;
                    });
        }

        private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static long count(TestDatabase db, String table) throws Exception {
        return ((Number) db.queryValue("SELECT COUNT(*) FROM " + table)).longValue();
    }
}

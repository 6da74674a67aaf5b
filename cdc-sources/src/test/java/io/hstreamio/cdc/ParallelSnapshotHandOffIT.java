package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.internal.SnapshotHandOff;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.ChurnStatements;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * snapshot.mode=parallel against the real servers: rows are inserted, updated, deleted and re-keyed while the chunks
 * are read, inside chunks being read too. Applying the task's events in order, as an upsert sink would, must end
 * equal to the source row by row, and no key may ever go back to an older version on the way.
 */
class ParallelSnapshotHandOffIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ROWS = 20_000;

    @ParameterizedTest
    @EnumSource(value = DatabaseEngine.class, names = {"MARIADB", "POSTGRES"})
    void changesDuringTheSnapshotNeverGoBackInTime(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        boolean pg = engine == DatabaseEngine.POSTGRES;
        String table = "items_" + engine.name().toLowerCase();
        db.execute("DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, note VARCHAR(40))");
        if (pg) {
            db.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        }
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            // Ids with gaps (every third missing) so that inserts land inside chunks as they are read.
            st.execute("INSERT INTO " + table + " (id, v, note) SELECT n * 3, 1, 'seed' FROM "
                    + (pg ? "generate_series(1, " + ROWS + ") AS g(n)"
                    : "(SELECT seq AS n FROM seq_1_to_" + ROWS + ") s"));
        }

        InMemoryKeyValueStore state = new InMemoryKeyValueStore();
        String kind = pg ? "postgresql" : "mariadb";
        Options options = options(kind, db, table);
        Replica replica = new Replica();
        AtomicInteger ops = new AtomicInteger();
        AtomicInteger opsDuringSnapshot = new AtomicInteger();
        AtomicBoolean stopWriter = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            ChurnStatements churn = new ChurnStatements(table, pg, ROWS, 42);
            try (Connection c = db.open()) {
                while (!stopWriter.get() && ops.get() < 4_000) {
                    String sql = churn.next();
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate(sql);
                    }
                    ops.incrementAndGet();
                    if (state.get(SnapshotHandOff.STATE_KEY).isEmpty()) {
                        opsDuringSnapshot.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        }, "test-writer");

        try (TaskHarness h = new TaskHarness(new CdcSourceTask(kind), options, "handoff-" + db.name(), state)) {
            writer.start();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> h.failure() != null || state.get(SnapshotHandOff.STATE_KEY).isPresent());
            assertThat(h.failure()).as("task failure").isNull();
            stopWriter.set(true);
            writer.join(60_000);
            assertThat(writerFailure.get()).as("writer failure").isNull();
            Map<Long, List<Object>> expected = source(db, table);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                replica.apply(h.events());
                assertThat(differences(expected, replica)).as("rows differing after catch-up").isEmpty();
            });
            assertThat(replica.wentBack).as("keys whose version went back in time").isEmpty();
            assertThat(replica.reads).as("snapshot rows in the stream").isGreaterThan(ROWS / 2);
            assertThat(opsDuringSnapshot.get()).as("changes written while the snapshot ran").isGreaterThan(100);
        }
    }

    /**
     * With no captured change after the snapshot, the hand-off must still be recorded. A chunk that puts no row into
     * the stream (here: an empty table, read last) waits only for the changes before it, which are durable already;
     * when it is released in a later poll than the last rows, no later commit comes to release it. Writes to a table
     * the source does not capture move the binlog on, so that the last chunks have distinct windows and are released
     * one poll after another.
     */
    @Test
    void anIdleSourceStillRecordsTheHandOff() throws Exception {
        TestDatabase db = DBS.database(DatabaseEngine.MARIADB);
        db.execute("CREATE TABLE idle_codes (code VARCHAR(20) NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "CREATE TABLE idle_zz_empty (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "CREATE TABLE idle_noise (id INT NOT NULL PRIMARY KEY, n BIGINT NOT NULL)",
                "INSERT INTO idle_noise VALUES (1, 0)");
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO idle_codes (code, v) VALUES (?, 1)")) {
            for (int i = 0; i < 2_000; i++) {
                ps.setString(1, String.format("c%06d", i * 7));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        InMemoryKeyValueStore state = new InMemoryKeyValueStore();
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", "idle_codes,idle_zz_empty");
        raw.put("snapshot.mode", "parallel");
        raw.put("snapshot.parallelism", 1);
        raw.put("snapshot.chunk.rows", 250);
        Options options = new CdcSourceConnector.MariaDb().options().parse(raw);
        AtomicBoolean stopNoise = new AtomicBoolean();
        Thread noise = new Thread(() -> {
            try (Connection c = db.open(); Statement st = c.createStatement()) {
                while (!stopNoise.get()) {
                    st.executeUpdate("UPDATE idle_noise SET n = n + 1");
                    Thread.sleep(5); // pacing: the binlog only has to move between chunks
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "binlog-noise");
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"), options, "idle-" + db.name(), state)) {
            noise.start();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> h.failure() != null
                    || h.events().stream().filter(e -> e.type() == ChangeType.READ).count() == 2_000);
            assertThat(h.failure()).as("task failure").isNull();
            await("the hand-off recorded with no captured change after the snapshot").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> state.get(SnapshotHandOff.STATE_KEY).isPresent());
            // Progress per table, for sync's bars: rows into the stream, the server's estimate, done once durable.
            String codes = db.name() + ".idle_codes";
            String empty = db.name() + ".idle_zz_empty";
            await().atMost(Duration.ofSeconds(20)).until(() -> h.metrics().snapshot()
                    .getOrDefault("snapshot_table_done/" + empty, 0L) == 1L);
            Map<String, Long> m = h.metrics().snapshot();
            assertThat(m).containsEntry("snapshot_rows/" + codes, 2_000L).containsEntry("snapshot_rows/" + empty, 0L)
                    .containsEntry("snapshot_table_done/" + codes, 1L).containsKey("snapshot_rows_estimate/" + codes);
            assertThat(m.get("snapshot_rows")).isEqualTo(2_000L);
        } finally {
            stopNoise.set(true);
            noise.join(10_000);
        }
    }

    private static Options options(String kind, TestDatabase db, String table) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", table);
        raw.put("snapshot.mode", "parallel");
        raw.put("snapshot.parallelism", 3);
        raw.put("snapshot.chunk.rows", 500);
        return "postgresql".equals(kind) ? new CdcSourceConnector.Postgres().options().parse(raw)
                : new CdcSourceConnector.MariaDb().options().parse(raw);
    }

    private static Map<Long, List<Object>> source(TestDatabase db, String table) throws Exception {
        Map<Long, List<Object>> out = new TreeMap<>();
        try (Connection c = db.open();
             PreparedStatement ps = c.prepareStatement("SELECT id, v, note FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), List.of(rs.getLong(1), (long) rs.getInt(2), String.valueOf(rs.getString(3))));
            }
        }
        return out;
    }

    /** Up to 20 keys whose rows differ, each with both sides; empty when the maps are equal. */
    private static List<String> differences(Map<Long, List<Object>> expected, Replica replica) {
        Map<Long, List<Object>> actual = replica.rows;
        List<String> out = new ArrayList<>();
        java.util.Set<Long> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (Long k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                out.add(k + ": source " + expected.get(k) + ", stream " + actual.get(k) + ", events "
                        + replica.history.get(k));
                if (out.size() == 20) {
                    out.add("... of " + keys.stream().filter(x -> !java.util.Objects.equals(expected.get(x),
                            actual.get(x))).count());
                    break;
                }
            }
        }
        return out;
    }

    /** Applies events in order as an upsert sink does, and notes any key whose version decreases. */
    private static final class Replica {
        final Map<Long, List<Object>> rows = new TreeMap<>();
        final Map<Long, Long> lastVersion = new HashMap<>();
        final List<String> wentBack = new ArrayList<>();
        final Map<Long, List<String>> history = new HashMap<>();
        int applied;
        long reads;

        void apply(List<ChangeEvent> events) {
            for (; applied < events.size(); applied++) {
                ChangeEvent e = events.get(applied);
                for (Row r : new Row[] {e.before(), e.after()}) {
                    if (r != null) {
                        history.computeIfAbsent(id(r), x -> new ArrayList<>()).add(applied + ":" + e.type() + " tx "
                                + e.transactionId() + " at " + (e.position() == null ? null
                                : java.util.Arrays.toString(e.position().order())));
                    }
                }
                if (e.type() == ChangeType.READ) {
                    reads++;
                }
                switch (e.type()) {
                    case READ, INSERT, UPDATE -> {
                        if (e.type() == ChangeType.UPDATE && e.before() != null) {
                            long old = id(e.before());
                            if (old != id(e.after())) {
                                rows.remove(old);
                            }
                        }
                        long id = id(e.after());
                        long v = ((Number) e.after().get(1)).longValue();
                        Long last = lastVersion.get(id);
                        if (last != null && v < last) {
                            wentBack.add(id + ": v" + last + " then v" + v + " by " + e.type());
                        }
                        lastVersion.put(id, v);
                        rows.put(id, List.of(id, v, String.valueOf(e.after().get(2))));
                    }
                    case DELETE -> rows.remove(id(e.before()));
                    default -> { }
                }
            }
        }

        private static long id(Row row) {
            return ((Number) row.get(0)).longValue();
        }
    }
}

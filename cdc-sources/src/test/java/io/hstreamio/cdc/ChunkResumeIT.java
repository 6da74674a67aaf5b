package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.internal.ChunkLedger;
import io.hstreamio.cdc.internal.SnapshotHandOff;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.ChurnStatements;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A parallel snapshot stopped part way resumes by chunk: the restart does not read again the chunks whose rows were
 * durable, reads again every other chunk it had handed out (including chunks whose rows were put into the stream but
 * never acknowledged, which the stream here loses), and splits on after the last one. A writer changes rows (updates, inserts, deletes, key changes)
 * all through both runs; the two runs' events applied in order, as an upsert sink would, end equal to the source row
 * by row.
 */
class ChunkResumeIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int ROWS = 20_000;
    private static final int DONE_BEFORE_STOP = 5;

    @ParameterizedTest
    @EnumSource(value = DatabaseEngine.class, names = {"MARIADB", "POSTGRES"})
    void aRestartReadsOnlyTheChunksWhoseRowsWereNotDurable(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        boolean pg = engine == DatabaseEngine.POSTGRES;
        String table = "chunkresume_items_" + engine.name().toLowerCase();
        db.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, note VARCHAR(40))");
        if (pg) {
            db.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        }
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            // Gaps (every third id) so that inserts land inside chunks; sparse keys: the splitter walks the index.
            st.execute("INSERT INTO " + table + " (id, v, note) SELECT n * 3, 1, 'seed' FROM "
                    + (pg ? "generate_series(1, " + ROWS + ") AS g(n)"
                    : "(SELECT seq AS n FROM seq_1_to_" + ROWS + ") s"));
        }
        String kind = pg ? "postgresql" : "mariadb";
        String taskId = "chunkresume-" + db.name();
        String tableName = (pg ? db.name() + ".public." : db.name() + ".") + table;
        InMemoryKeyValueStore state = new InMemoryKeyValueStore();
        Writer writer = new Writer(db, table, pg);

        List<ChangeEvent> stream = new ArrayList<>();
        List<ChunkLedger.Entry> recorded;
        TaskHarness first = new TaskHarness(new CdcSourceTask(kind), options(kind, db, table), taskId, state);
        try (first) {
            writer.start();
            await("chunks durable in the first run").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> first.failure() != null || done(state, tableName).size() >= DONE_BEFORE_STOP);
            assertThat(first.failure()).as("first run's failure").isNull();
            // From here the stream takes rows without acknowledging them: chunks read now reach the stream but
            // are never marked done, as when a process dies before its appends are confirmed.
            first.stopCommitting();
            long readsAtStop = reads(first.events());
            await("rows in the stream, not acknowledged").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> first.failure() != null || reads(first.events()) > readsAtStop);
            assertThat(first.failure()).as("first run's failure").isNull();
        }
        // The stream keeps what was acknowledged: the rest is lost, as when the appends were never confirmed.
        stream.addAll(durable(first));
        recorded = ChunkLedger.entries(state, tableName);
        List<ChunkLedger.Entry> done = recorded.stream().filter(ChunkLedger.Entry::done).toList();
        List<ChunkLedger.Entry> notDone = recorded.stream().filter(e -> !e.done()).toList();
        assertThat(state.get(SnapshotHandOff.DONE_PREFIX + tableName)).as("table done after the first run").isEmpty();
        assertThat(done.size()).as("chunks done in the first run").isGreaterThanOrEqualTo(DONE_BEFORE_STOP);
        assertThat(notDone).as("chunks handed out, not durable, in the first run").isNotEmpty();
        long doneRows = done.stream().mapToLong(ChunkLedger.Entry::rows).sum();

        List<ChangeEvent> second;
        try (TaskHarness h = new TaskHarness(new CdcSourceTask(kind), options(kind, db, table), taskId, state)) {
            await("the resumed snapshot handed over").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> h.failure() != null || state.get(SnapshotHandOff.STATE_KEY).isPresent());
            assertThat(h.failure()).as("second run's failure").isNull();
            second = h.events(); // every chunk's rows are in: the hand-off is recorded once all are durable

            // (b) Only the unfinished chunks were read again, all of them, and the split went on after them.
            List<Long> secondReads = second.stream().filter(e -> e.type() == ChangeType.READ)
                    .map(e -> id(e.after())).toList();
            List<Long> inDoneChunks = secondReads.stream().filter(id -> done.stream().anyMatch(e -> in(e, id)))
                    .limit(10).toList();
            assertThat(inDoneChunks).as("rows read again from chunks durable before the stop").isEmpty();
            for (ChunkLedger.Entry e : notDone) {
                assertThat(secondReads.stream().anyMatch(id -> in(e, id)))
                        .as("chunk %d, not durable before the stop, read again", e.index()).isTrue();
            }
            Map<String, Long> metrics = h.metrics().snapshot();
            assertThat(metrics.get(SnapshotHandOff.METRIC_CHUNKS_RESUMED)).as("chunks resumed")
                    .isEqualTo((long) done.size());
            assertThat(metrics.get(SnapshotHandOff.METRIC_ROWS)).as("snapshot rows, counting the resumed chunks")
                    .isEqualTo(doneRows + secondReads.size());
            // A restart goes back to its last committed position; after that, no key goes back in time.
            Replica secondAlone = new Replica();
            secondAlone.apply(second);
            assertThat(secondAlone.wentBack).as("keys whose version went back within the second run").isEmpty();

            // (a) The two runs' events end equal to the source, row by row.
            writer.stop();
            assertThat(writer.ops()).as("changes written during both runs").isGreaterThan(200);
            Map<Long, List<Object>> expected = source(db, table);
            assertThat(secondReads.size()).as("rows read by the second run").isLessThan(expected.size());
            Replica replica = new Replica();
            replica.apply(stream);
            await("the stream equals the source").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        replica.apply(h.events().subList(replica.applied - stream.size(), h.events().size()));
                        assertThat(differences(expected, replica.rows)).as("rows differing after catch-up").isEmpty();
                    });
            assertThat(ChunkLedger.entries(state, tableName)).as("chunk records once the table is done").isEmpty();
        } finally {
            writer.stop();
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
        raw.put("snapshot.parallelism", 2);
        raw.put("snapshot.chunk.rows", 400);
        return "postgresql".equals(kind) ? new CdcSourceConnector.Postgres().options().parse(raw)
                : new CdcSourceConnector.MariaDb().options().parse(raw);
    }

    /** The first run's events through the last committed one. */
    private static List<ChangeEvent> durable(TaskHarness run) {
        List<ChangeEvent> events = run.events();
        SourcePosition committed = run.lastCommitted();
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).position() == committed) {
                return events.subList(0, i + 1);
            }
        }
        return List.of();
    }

    private static List<ChunkLedger.Entry> done(InMemoryKeyValueStore state, String table) {
        return ChunkLedger.entries(state, table).stream().filter(ChunkLedger.Entry::done).toList();
    }

    private static long reads(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.type() == ChangeType.READ).count();
    }

    /** Whether {@code id} is in the chunk's range: (lower, upper], an absent bound open. */
    private static boolean in(ChunkLedger.Entry e, long id) {
        return (e.lower() == null || id > ((Number) e.lower()[0]).longValue())
                && (e.upper() == null || id <= ((Number) e.upper()[0]).longValue());
    }

    private static long id(Row row) {
        return ((Number) row.get(0)).longValue();
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

    /** Up to 20 keys whose rows differ, with both sides; empty when equal. */
    private static List<String> differences(Map<Long, List<Object>> expected, Map<Long, List<Object>> actual) {
        TreeSet<Long> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        List<String> out = new ArrayList<>();
        for (Long k : keys) {
            if (!Objects.equals(expected.get(k), actual.get(k)) && out.size() < 20) {
                out.add(k + ": source " + expected.get(k) + ", stream " + actual.get(k));
            }
        }
        return out;
    }

    /** Applies events in order as an upsert sink does, noting keys whose version (v) decreases. */
    private static final class Replica {
        final Map<Long, List<Object>> rows = new TreeMap<>();
        final Map<Long, Long> versions = new java.util.HashMap<>();
        final List<String> wentBack = new ArrayList<>();
        int applied;

        void apply(List<ChangeEvent> events) {
            for (ChangeEvent e : events) {
                applied++;
                switch (e.type()) {
                    case READ, INSERT, UPDATE -> {
                        if (e.before() != null && id(e.before()) != id(e.after())) {
                            rows.remove(id(e.before()));
                        }
                        long v = ((Number) e.after().get(1)).longValue();
                        Long last = versions.put(id(e.after()), v);
                        if (last != null && v < last && wentBack.size() < 20) {
                            wentBack.add(id(e.after()) + ": v" + last + " then v" + v + " by " + e.type());
                        }
                        rows.put(id(e.after()), List.of(id(e.after()), v, String.valueOf(e.after().get(2))));
                    }
                    case DELETE -> rows.remove(id(e.before()));
                    default -> { }
                }
            }
        }
    }

    /** Changes rows all through both runs, inside chunks being read and done too. */
    private static final class Writer {
        private final TestDatabase db;
        private final String table;
        private final boolean pg;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicInteger ops = new AtomicInteger();
        private Thread thread;

        Writer(TestDatabase db, String table, boolean pg) {
            this.db = db;
            this.table = table;
            this.pg = pg;
        }

        void start() {
            thread = new Thread(this::run, "chunkresume-writer");
            thread.start();
        }

        int ops() {
            return ops.get();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (thread != null) {
                thread.join(60_000);
            }
            assertThat(failure.get()).as("writer failure").isNull();
        }

        private void run() {
            ChurnStatements churn = new ChurnStatements(table, pg, ROWS, 7);
            try (Connection c = db.open(); Statement st = c.createStatement()) {
                while (!stop.get() && ops.get() < 20_000) {
                    String sql = churn.next();
                    st.executeUpdate(sql);
                    ops.incrementAndGet();
                    Thread.sleep(1); // pacing, so that the changes span both runs rather than the first seconds
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }
    }
}

package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.hstreamio.cdc.CdcConfig;
import io.hstreamio.cdc.CdcSourceConnector;
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
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same binlog backlog read twice from the same stored offsets: by Debezium's engine with an empty consumer, and
 * by our task (mapping to ChangeEvents, hand-off queue, commit gating). Prints both rates; asserts completeness and
 * order only, since timing on a shared 2-core machine is not a pass/fail matter.
 */
class CaptureThroughputIT {
    @RegisterExtension
    static final TestDatabases DBS = TestDatabases.mariadbOnly();

    private static final int ROWS = Integer.getInteger("cdc.bench.rows", 100_000);

    @Test
    void binlogBacklogThroughputBesideDebeziumsOwnEngine() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE bench (id INT PRIMARY KEY, a BIGINT, b VARCHAR(40), c DECIMAL(12,2), d DATETIME(6))");
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", "bench");
        raw.put("snapshot.mode", "no_data");
        var connector = new CdcSourceConnector.MariaDb();
        var options = connector.options().parse(raw);
        String taskId = "bench-" + db.name();
        var state = new InMemoryKeyValueStore();

        // 1. Establish offsets and schema history just before the backlog.
        try (TaskHarness h = new TaskHarness(connector.createTask(), options, taskId, state)) {
            int marker = 0;
            do {
                marker--;
                db.execute("INSERT INTO bench (id) VALUES (" + marker + ")");
            } while (!seen(h, marker));
        }
        InMemoryKeyValueStore forDebezium = state.copy();

        // 2. The backlog, written while nothing reads.
        for (int start = 1; start <= ROWS; start += 1000) {
            StringBuilder sql = new StringBuilder("INSERT INTO bench VALUES ");
            for (int id = start; id < start + 1000 && id <= ROWS; id++) {
                sql.append(id == start ? "" : ",").append('(').append(id).append(',').append(id * 31L)
                        .append(",'row-").append(id).append("',").append(id).append(".25,'2024-01-01 00:00:00.")
                        .append(String.format("%06d", id % 1_000_000)).append("')");
            }
            db.execute(sql.toString());
        }

        // 3. Debezium alone, empty consumer.
        double debeziumRate = rawEngineRate(db, taskId, forDebezium);

        // 4. Our task, from the same offsets.
        double ourRate;
        try (TaskHarness h = new TaskHarness(connector.createTask(), options, taskId, state)) {
            await().atMost(Duration.ofMinutes(5)).until(() -> h.eventCount() >= ROWS);
            ourRate = ROWS * 1e9 / h.activeNanos();
            List<ChangeEvent> inserts = h.events().stream().filter(e -> e.type() == ChangeType.INSERT).toList();
            assertThat(inserts).hasSize(ROWS);
            for (int i = 0; i < ROWS; i++) {
                assertThat(inserts.get(i).after().get(0)).isEqualTo(i + 1);
            }
        }
        System.out.printf("CDC THROUGHPUT binlog backlog of %d rows: Debezium engine + empty consumer %.0f events/s,"
                + " cdc-sources task %.0f events/s (%.0f%%)%n", ROWS, debeziumRate, ourRate,
                100 * ourRate / debeziumRate);
    }

    private static boolean seen(TaskHarness h, int id) {
        try {
            await().atMost(Duration.ofSeconds(2)).until(() -> h.events().stream()
                    .anyMatch(e -> e.after() != null && Integer.valueOf(id).equals(e.after().get(0))));
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static double rawEngineRate(TestDatabase db, String taskId, InMemoryKeyValueStore kv) throws Exception {
        CdcConfig cfg = new CdcConfig(taskId, "mariadb", db.host(), db.port(), db.user(), db.password(), db.name(),
                List.of("bench"), null, null, null, "no_data", false, Map.of());
        Properties p = EngineProperties.of(cfg, Dialect.MARIADB);
        String id = KvRegistry.register(kv);
        p.setProperty(KvRegistry.ID_PROPERTY, id);
        p.setProperty("schema.history.internal." + KvRegistry.ID_PROPERTY, id);
        AtomicLong rows = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
                .create(ChangeEventFormat.of(Connect.class))
                .using(p)
                .using(OffsetCommitPolicy.always())
                .notifying((records, committer) -> {
                    for (RecordChangeEvent<SourceRecord> r : records) {
                        if (r.record().value() instanceof Struct s && s.schema().field("op") != null) {
                            first.compareAndSet(0, System.nanoTime());
                            rows.incrementAndGet();
                        }
                        committer.markProcessed(r);
                    }
                    last.set(System.nanoTime());
                    committer.markBatchFinished();
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            executor.execute(engine);
            await().atMost(Duration.ofMinutes(5)).until(() -> rows.get() >= ROWS);
        } finally {
            engine.close();
            executor.shutdown();
            KvRegistry.unregister(id);
        }
        return ROWS * 1e9 / (last.get() - first.get());
    }
}

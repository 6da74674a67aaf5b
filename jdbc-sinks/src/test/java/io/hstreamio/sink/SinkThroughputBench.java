package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;

/**
 * Throughput figures, run on demand ({@code -Dit.test=SinkThroughputBench}): snapshot rows into PostgreSQL beside a
 * plain COPY of the same rows, and mixed CDC changes into each target. Prints rows/s; asserts only that the target
 * holds what was sent.
 */
class SinkThroughputBench {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final int SNAPSHOT_ROWS = Integer.getInteger("bench.snapshotRows", 500_000);
    private static final int CDC_EVENTS = Integer.getInteger("bench.cdcEvents", 300_000);

    private static TableSchema narrow(String name) {
        return new TableSchema(TableId.of("bench", name), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).build(),
                ColumnSchema.builder("a", LogicalType.INT32).sourceType("int").build(),
                ColumnSchema.builder("b", LogicalType.STRING).sourceType("varchar(32)").length(32).build(),
                ColumnSchema.builder("c", LogicalType.TIMESTAMP).sourceType("datetime(6)").precision(6).build()),
                List.of("id"));
    }

    private static final LocalDateTime T0 = LocalDateTime.of(2024, 1, 1, 0, 0);

    @ParameterizedTest
    @EnumSource(value = DatabaseEngine.class, names = "POSTGRES")
    void snapshotIntoPostgresBesidePlainCopy(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        TableSchema s = narrow("snap");
        List<SinkRecord> records = new ArrayList<>(SNAPSHOT_ROWS);
        List<ChangeEvent> events = new ArrayList<>(SNAPSHOT_ROWS);
        for (int i = 0; i < SNAPSHOT_ROWS; i++) {
            events.add(ChangeEvent.read(s, Row.of(s, (long) i, i * 7, "name-" + i, T0.plusSeconds(i))));
        }
        records.addAll(Targets.records("bench", 0, 1, events));
        try (HikariDataSource pool = Targets.pool(db)) {
            // Baseline: format the same rows as COPY text and COPY them into an equal, empty table.
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE plain (id bigint PRIMARY KEY, a integer, b varchar(32), c timestamp(6))");
                long t0 = System.nanoTime();
                var in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY plain (id, a, b, c) FROM STDIN");
                StringBuilder sb = new StringBuilder(1 << 20);
                for (ChangeEvent e : events) {
                    Row r = e.after();
                    sb.append(r.get(0)).append('\t').append(r.get(1)).append('\t').append(r.get(2)).append('\t')
                            .append(r.get(3)).append('\n');
                    if (sb.length() > (1 << 20)) {
                        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                        in.writeToCopy(b, 0, b.length);
                        sb.setLength(0);
                    }
                }
                byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                in.writeToCopy(b, 0, b.length);
                in.endCopy();
                double copyRate = SNAPSHOT_ROWS / ((System.nanoTime() - t0) / 1e9);

                SinkSettings settings = new SinkSettings(Targets.dialect(db), "bench-snap",
                        TableMapping.all("public"), MappingOptions.DEFAULTS, "_hstream_io", true, false, 50_000,
                        5_000, 1_000);
                JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
                w.open();
                long t1 = System.nanoTime();
                for (int i = 0; i < records.size(); i += 50_000) {
                    w.write(records.subList(i, Math.min(records.size(), i + 50_000)));
                    w.flush();
                }
                double sinkRate = SNAPSHOT_ROWS / ((System.nanoTime() - t1) / 1e9);
                System.out.printf("BENCH snapshot into PostgreSQL: sink %.0f rows/s, plain COPY %.0f rows/s "
                        + "(%.0f%%), %d rows%n", sinkRate, copyRate, 100 * sinkRate / copyRate, SNAPSHOT_ROWS);
            }
            assertThat(((Number) db.queryValue("SELECT COUNT(*) FROM snap")).longValue()).isEqualTo(SNAPSHOT_ROWS);
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void mixedChanges(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        TableSchema s = narrow("cdc");
        Random rnd = new Random(42);
        Map<Long, Row> state = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        List<ChangeEvent> events = new ArrayList<>(CDC_EVENTS);
        long next = 0;
        // Half inserts, a third updates, the rest deletes, over a growing key space (few repeats per batch).
        for (int i = 0; i < CDC_EVENTS; i++) {
            int op = rnd.nextInt(6);
            if (op < 3 || keys.isEmpty()) {
                long k = next++;
                Row r = Row.of(s, k, i, "v" + i, T0.plusSeconds(i));
                state.put(k, r);
                keys.add(k);
                events.add(ChangeEvent.insert(s, r, null, null));
            } else {
                int at = rnd.nextInt(keys.size());
                long k = keys.get(at);
                Row old = state.get(k);
                if (op < 5) {
                    Row r = Row.of(s, k, i, "u" + i, T0.plusSeconds(i));
                    state.put(k, r);
                    events.add(ChangeEvent.update(s, old, r, null, null));
                } else {
                    state.remove(k);
                    keys.set(at, keys.get(keys.size() - 1));
                    keys.remove(keys.size() - 1);
                    events.add(ChangeEvent.delete(s, old, null, null));
                }
            }
        }
        List<SinkRecord> records = Targets.records("bench", 0, 1, events);
        String schema = Targets.schema(db, "public");
        SinkSettings settings = new SinkSettings(Targets.dialect(db), "bench-cdc", TableMapping.all(schema),
                MappingOptions.DEFAULTS, Targets.schema(db, "_hstream_io"), true, false, 1_000_000, 5_000,
                Integer.getInteger("bench.copyThreshold", 1_000));
        int batch = Integer.getInteger("bench.cdcBatch", 5_000);
        try (HikariDataSource pool = Targets.pool(db)) {
            String raw = engine == DatabaseEngine.POSTGRES ? String.format(" beside plain JDBC %.0f changes/s",
                    plainArrayUpserts(pool, events, batch)) : "";
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            long t0 = System.nanoTime();
            for (int i = 0; i < records.size(); i += batch) {
                w.write(records.subList(i, Math.min(records.size(), i + batch)));
                w.flush();
            }
            double rate = CDC_EVENTS / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("BENCH mixed CDC into %s: %.0f changes/s%s (%d changes, batches of %d)%n",
                    engine.displayName(), rate, raw, CDC_EVENTS, batch);
        }
        assertThat(((Number) db.queryValue("SELECT COUNT(*) FROM cdc")).longValue()).isEqualTo(state.size());
        if (engine == DatabaseEngine.POSTGRES) {
            // The baseline wrote the same final state; the sink's table must hold it row by row.
            assertThat(db.queryValue("SELECT COUNT(*) FROM cdc FULL JOIN cdc_raw r USING (id)"
                    + " WHERE cdc IS DISTINCT FROM ROW(r.id, r.a, r.b, r.c)")).isEqualTo(0L);
        }
    }

    /**
     * The floor for PostgreSQL: what hand-written JDBC does with the same batches, each reduced to the last change per
     * key (a map) and sent as one DELETE ... = ANY and one INSERT ... SELECT FROM unnest(typed arrays) ON CONFLICT,
     * committed per batch; no checkpoint, no type mapping. Returns changes/s.
     */
    private static double plainArrayUpserts(HikariDataSource pool, List<ChangeEvent> events, int batch)
            throws Exception {
        try (Connection c = pool.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE cdc_raw (id bigint PRIMARY KEY, a integer, b varchar(32), c timestamp(6))");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (var del = c.prepareStatement("DELETE FROM cdc_raw WHERE id = ANY(?)");
                 var up = c.prepareStatement("INSERT INTO cdc_raw (id, a, b, c) SELECT * FROM unnest(?, ?, ?, ?)"
                         + " ON CONFLICT (id) DO UPDATE SET a = EXCLUDED.a, b = EXCLUDED.b, c = EXCLUDED.c")) {
                for (int i = 0; i < events.size(); i += batch) {
                    Map<Long, Row> last = new java.util.LinkedHashMap<>();
                    for (ChangeEvent e : events.subList(i, Math.min(events.size(), i + batch))) {
                        Row r = e.after() != null ? e.after() : e.before();
                        last.remove((Long) r.get(0));
                        last.put((Long) r.get(0), e.after());
                    }
                    List<Object> gone = new ArrayList<>();
                    List<Object[]> cols = List.of(new Object[last.size()], new Object[last.size()],
                            new Object[last.size()], new Object[last.size()]);
                    int n = 0;
                    for (Map.Entry<Long, Row> e : last.entrySet()) {
                        if (e.getValue() == null) {
                            gone.add(e.getKey());
                        } else {
                            Row r = e.getValue();
                            cols.get(0)[n] = r.get(0);
                            cols.get(1)[n] = r.get(1);
                            cols.get(2)[n] = r.get(2);
                            cols.get(3)[n] = java.sql.Timestamp.valueOf((LocalDateTime) r.get(3));
                            n++;
                        }
                    }
                    del.setArray(1, c.createArrayOf("bigint", gone.toArray()));
                    del.executeUpdate();
                    String[] types = {"bigint", "integer", "varchar", "timestamp"};
                    for (int k = 0; k < 4; k++) {
                        up.setArray(k + 1, c.createArrayOf(types[k], java.util.Arrays.copyOf(cols.get(k), n)));
                    }
                    up.executeUpdate();
                    c.commit();
                }
            }
            return events.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }
}

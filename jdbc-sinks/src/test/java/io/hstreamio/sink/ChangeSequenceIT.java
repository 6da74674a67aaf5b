package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random but consistent change sequences (inserts, updates, key changes, deletes; unique values moving between rows;
 * duplicate rows without a key) cut into random batches: the target must end equal to the source's final state,
 * which the generator tracks independently of the sink.
 */
class ChangeSequenceIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static TableSchema keyed(String name) {
        return new TableSchema(TableId.of("src", name), List.of(
                ColumnSchema.builder("k", LogicalType.INT32).sourceType("int").nullable(false).build(),
                ColumnSchema.builder("v", LogicalType.STRING).sourceType("varchar(20)").length(20).build(),
                ColumnSchema.builder("u", LogicalType.INT32).sourceType("int").build()),
                name.contains("composite") ? List.of("k", "u") : List.of("k"), name.contains("unique") ? List.of(new IndexSchema("u", List.of("u"), true)) : List.of());
    }

    private static final TableSchema NO_KEY = new TableSchema(TableId.of("src", "no key"), List.of(
            ColumnSchema.builder("a", LogicalType.INT32).sourceType("int").build(),
            ColumnSchema.builder("b", LogicalType.STRING).sourceType("varchar(20)").length(20).build()), List.of());

    @ParameterizedTest(name = "{0} seed {1} snapshot first {2} table {3}")
    @CsvSource({
        "POSTGRES, 1, false, plain", "POSTGRES, 2, true, plain", "POSTGRES, 3, false, with unique",
        "MARIADB, 1, false, plain", "MARIADB, 2, true, plain", "MARIADB, 3, false, with unique",
        // A two-column key whose second column changes with most updates: key changes and multi-column deletes.
        "POSTGRES, 4, false, composite", "MARIADB, 4, false, composite"})
    void keyedTableEndsInTheSourceState(DatabaseEngine engine, long seed, boolean snapshotFirst, String kind)
            throws Exception {
        TestDatabase db = DBS.database(engine);
        TableSchema schema = keyed("kv " + kind + " " + seed + " " + snapshotFirst);
        Random rnd = new Random(seed);
        Map<Integer, Row> state = new TreeMap<>();
        List<ChangeEvent> events = new ArrayList<>();
        int nextU = 0;
        if (snapshotFirst) {
            for (int k = 0; k < 40; k++) {
                Row r = Row.of(schema, k, "snap" + k, nextU++);
                state.put(k, r);
                events.add(ChangeEvent.read(schema, r));
            }
        }
        for (int i = 0; i < 3000; i++) {
            int k = rnd.nextInt(60);
            Row old = state.get(k);
            int op = rnd.nextInt(10);
            if (old == null) {
                Row r = Row.of(schema, k, rnd.nextBoolean() ? null : "i" + i, nextU++);
                state.put(k, r);
                events.add(ChangeEvent.insert(schema, r, null, null));
            } else if (op < 5) {
                // Update; half the time take the unique value of another row, which first moves to a fresh one.
                Object u = old.get(2);
                if (rnd.nextBoolean() && !state.isEmpty()) {
                    Row other = new ArrayList<>(state.values()).get(rnd.nextInt(state.size()));
                    if (!other.get(0).equals(k)) {
                        Row moved = Row.of(schema, other.get(0), other.get(1), nextU++);
                        events.add(ChangeEvent.update(schema, other, moved, null, null));
                        state.put((Integer) other.get(0), moved);
                        u = other.get(2);
                    }
                }
                Row r = Row.of(schema, k, "u" + i, u);
                events.add(ChangeEvent.update(schema, state.get(k), r, null, null));
                state.put(k, r);
            } else if (op < 7) {
                int to = 100 + rnd.nextInt(60);
                if (!state.containsKey(to)) { // primary-key change
                    Row r = Row.of(schema, to, old.get(1), old.get(2));
                    events.add(ChangeEvent.update(schema, old, r, null, null));
                    state.remove(k);
                    state.put(to, r);
                }
            } else {
                events.add(ChangeEvent.delete(schema, old, null, null));
                state.remove(k);
            }
        }
        // Seed 2 starts with a snapshot whose batches may cross the COPY threshold (direct COPY or staging).
        List<Row> got = run(db, schema, events, rnd, seed >= 2 ? 10 : 1_000_000);
        assertThat(got).containsExactlyElementsOf(state.values());
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"POSTGRES, 7", "MARIADB, 7", "POSTGRES, 8", "MARIADB, 8"})
    void tableWithoutKeyEndsInTheSourceMultiset(DatabaseEngine engine, long seed) throws Exception {
        TestDatabase db = DBS.database(engine);
        TableSchema schema = new TableSchema(TableId.of("src", "no key " + seed), NO_KEY.columns(), List.of());
        Random rnd = new Random(seed);
        List<Row> state = new ArrayList<>();
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            int op = rnd.nextInt(10);
            if (state.isEmpty() || op < 5) {
                // Few distinct values, so duplicates and NULLs are common.
                Row r = Row.of(schema, rnd.nextInt(5), rnd.nextInt(4) == 0 ? null : "b" + rnd.nextInt(3));
                state.add(r);
                events.add(ChangeEvent.insert(schema, r, null, null));
            } else if (op < 8) {
                int at = rnd.nextInt(state.size());
                Row r = Row.of(schema, rnd.nextInt(5), rnd.nextInt(4) == 0 ? null : "c" + rnd.nextInt(3));
                events.add(ChangeEvent.update(schema, state.get(at), r, null, null));
                state.set(at, r);
            } else {
                events.add(ChangeEvent.delete(schema, state.remove(rnd.nextInt(state.size())), null, null));
            }
        }
        Comparator<Row> order = Comparator.comparing((Row r) -> (Integer) r.get(0))
                .thenComparing(r -> (String) r.get(1), Comparator.nullsFirst(Comparator.naturalOrder()));
        List<Row> got = new ArrayList<>(run(db, schema, events, rnd, 1_000_000));
        got.sort(order);
        state.sort(order);
        assertThat(got).containsExactlyElementsOf(state);
    }

    /**
     * Wide rows: one flush whose values exceed one statement's character budget is split across statements (array
     * upserts into PostgreSQL) and still lands whole, updates included.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRES", "MARIADB"})
    void wideRowsInOneFlush(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        TableSchema schema = new TableSchema(TableId.of("src", "wide"), List.of(
                ColumnSchema.builder("k", LogicalType.INT32).sourceType("int").nullable(false).build(),
                ColumnSchema.builder("v", LogicalType.STRING).sourceType("longtext").build()), List.of("k"));
        Map<Integer, Row> state = new TreeMap<>();
        List<ChangeEvent> events = new ArrayList<>();
        for (int k = 0; k < 60; k++) {
            Row r = Row.of(schema, k, String.valueOf((char) ('a' + k % 26)).repeat(500_000) + "\"" + k);
            events.add(ChangeEvent.insert(schema, r, null, null));
            state.put(k, r);
        }
        for (int k = 0; k < 60; k += 3) {
            Row r = Row.of(schema, k, "u\\" + k);
            events.add(ChangeEvent.update(schema, state.get(k), r, null, null));
            state.put(k, r);
        }
        List<Row> got = run(db, schema, events, new Random(1) {
            @Override
            public int nextInt(int bound) {
                return bound - 1; // one flush of everything
            }
        }, 1_000_000);
        assertThat(got).containsExactlyElementsOf(state.values());
    }

    /** Writes the events in random batches (one flush each) and reads the target back. */
    private static List<Row> run(TestDatabase db, TableSchema schema, List<ChangeEvent> events, Random rnd,
                                 int copyThreshold) throws Exception {
        SqlDialect dialect = Targets.dialect(db);
        String targetSchema = Targets.schema(db, "seq");
        TableRef target = new TableRef(targetSchema, schema.id().table());
        SinkSettings settings = new SinkSettings(dialect, "seq-" + schema.id().table(),
                TableMapping.all(targetSchema), io.hstreamio.sink.dialect.MappingOptions.DEFAULTS,
                Targets.schema(db, "_hstream_io"), true, false, 1_000_000, 500, copyThreshold);
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter writer = new JdbcSinkWriter(pool, settings);
            writer.open();
            int at = 0;
            long id = 1;
            while (at < events.size()) {
                int n = Math.min(events.size() - at, 1 + rnd.nextInt(400));
                writer.write(Targets.records("s", 0, id, events.subList(at, at + n)));
                writer.flush();
                at += n;
                id += n;
            }
            try (Connection c = pool.getConnection()) {
                return ReadBack.rows(c, dialect, schema, target);
            }
        }
    }
}

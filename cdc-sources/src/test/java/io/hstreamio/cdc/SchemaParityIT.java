package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotOptions;
import io.hstreamio.snapshot.SnapshotReader;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.SourceTask;
import io.hstreamio.core.task.TaskMetrics;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One sink must see one shape per table: the snapshot describes a table and reads its values exactly as the CDC
 * source does. For an every-type table on MariaDB and PostgreSQL, the CDC source's first READ event (its own
 * Debezium snapshot) and our snapshot's row must have equal schemas (indexes aside: CDC carries none) and equal rows.
 */
class SchemaParityIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @Test
    void mariadbEveryTypeTableHasTheCdcShape() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute(EveryType.MARIADB_DDL, "SET time_zone = '+00:00'", EveryType.MARIADB_INSERT,
                "SET time_zone = '+00:00'", EveryType.MARIADB_INSERT_NULLS);
        TableSchema schema = compare(db, new CdcSourceConnector.MariaDb(), "mariadb://" + db.user() + ":"
                + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.name());
        // Both paths keep TINYINT's display width: TINYINT(1) is MySQL's boolean, which a sink may map to one.
        assertThat(schema.column("c_tinyint1").length()).isEqualTo(1);
        assertThat(schema.column("c_tinyint").length()).isEqualTo(4);
        assertThat(schema.column("c_int").length()).as("other integer widths are not kept").isNull();
    }

    @Test
    void postgresEveryTypeTableHasTheCdcShape() throws Exception {
        TestDatabase db = DBS.postgres();
        db.execute(EveryType.POSTGRES_DDL, EveryType.POSTGRES_INSERT, EveryType.POSTGRES_INSERT_NULLS);
        TableSchema schema = compare(db, new CdcSourceConnector.Postgres(), "postgresql://" + db.user() + ":"
                + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.name());
        assertThat(schema.column("c_varbit").length()).isEqualTo(8);
        assertThat(schema.column("c_varbit_free").length()).as("an unbounded varbit has no length").isNull();
        assertThat(schema.column("c_varchar_free").length()).as("an unbounded varchar has no length").isNull();
        assertThat(schema.column("c_varchar").length()).isEqualTo(20);
    }

    /** Returns the (equal) schema both paths gave. */
    private static TableSchema compare(TestDatabase db, SourceConnector cdc, String url) throws Exception {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", "every_type");
        raw.put("snapshot.mode", "initial");
        List<ChangeEvent> cdcReads = cdcReads(cdc, cdc.options().parse(raw), "parity-" + db.name(), 2);

        List<Row> ours = Collections.synchronizedList(new ArrayList<>());
        TableSchema ourSchema;
        try (SnapshotReader reader = SnapshotReader.open(DatabaseUrl.parse("--from", url),
                SnapshotOptions.parse(Map.of("tables", "every_type", "parallelism", 2)))) {
            ourSchema = reader.tables().get(0);
            reader.run(w -> (chunk, rows) -> ours.addAll(rows));
        }
        TableSchema cdcSchema = cdcReads.get(0).schema();
        assertThat(withoutIndexes(ourSchema).columns()).as("columns").containsExactlyElementsOf(cdcSchema.columns());
        assertThat(withoutIndexes(ourSchema)).isEqualTo(cdcSchema);
        assertThat(ours).hasSize(cdcReads.size());
        Map<Object, Row> byId = new TreeMap<>();
        ours.forEach(r -> byId.put(r.get(0), r));
        for (ChangeEvent e : cdcReads) {
            Row mine = byId.get(e.after().get(0));
            assertThat(mine).as("row %s", e.after().get(0)).isNotNull();
            for (int i = 0; i < cdcSchema.columns().size(); i++) {
                ColumnSchema c = cdcSchema.columns().get(i);
                Object expected = e.after().get(i);
                Object actual = mine.get(i);
                if (expected instanceof byte[] b) {
                    assertThat((byte[]) actual).as("%s of row %s", c.name(), e.after().get(0)).containsExactly(b);
                } else {
                    assertThat(actual).as("%s of row %s", c.name(), e.after().get(0)).isEqualTo(expected);
                }
            }
            assertThat(mine).isEqualTo(e.after());
        }
        return cdcSchema;
    }

    static TableSchema withoutIndexes(TableSchema s) {
        return new TableSchema(s.id(), s.columns(), s.primaryKey());
    }

    /** Runs the CDC source until it delivered {@code rows} READ events, then stops it. */
    private static List<ChangeEvent> cdcReads(SourceConnector connector, Options options, String taskId, int rows)
            throws Exception {
        SourceTask task = connector.createTask();
        List<ChangeEvent> reads = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failure = Collections.synchronizedList(new ArrayList<>());
        KeyValueStore state = new MapStore();
        TaskMetrics metrics = new TaskMetrics();
        SourceContext context = new SourceContext() {
            @Override
            public Optional<SourcePosition> committedPosition() {
                return Optional.empty();
            }

            @Override
            public String taskId() {
                return taskId;
            }

            @Override
            public KeyValueStore state() {
                return state;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public TaskMetrics metrics() {
                return metrics;
            }
        };
        Thread t = new Thread(() -> {
            try {
                task.start(options, context);
                while (reads.size() < rows && !Thread.currentThread().isInterrupted()) {
                    List<ChangeEvent> batch = task.poll();
                    if (batch == null) {
                        return;
                    }
                    batch.stream().filter(e -> e.type() == ChangeType.READ).forEach(reads::add);
                }
            } catch (Throwable e) {
                failure.add(e);
            }
        }, "parity-cdc");
        t.start();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> reads.size() >= rows || !failure.isEmpty());
            assertThat(failure).as("CDC source failure").isEmpty();
        } finally {
            task.stop();
            t.join(60_000);
        }
        return List.copyOf(reads);
    }

    static final class MapStore implements KeyValueStore {
        private final ConcurrentSkipListMap<String, byte[]> map = new ConcurrentSkipListMap<>();

        @Override
        public Optional<byte[]> get(String key) {
            return Optional.ofNullable(map.get(key)).map(byte[]::clone);
        }

        @Override
        public void put(String key, byte[] value) {
            map.put(key, value.clone());
        }

        @Override
        public void delete(String key) {
            map.remove(key);
        }

        @Override
        public SortedMap<String, byte[]> scan(String prefix) {
            TreeMap<String, byte[]> out = new TreeMap<>();
            map.tailMap(prefix).forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k, v.clone());
                }
            });
            return out;
        }
    }
}

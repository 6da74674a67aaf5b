package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.core.task.TaskMetrics;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sinks as the runner sees them: found by ServiceLoader, configured with stock option names, run as tasks. */
class SinkTaskIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final TableSchema T = new TableSchema(TableId.of("shop", "orders"), List.of(
            ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).build(),
            ColumnSchema.builder("note", LogicalType.STRING).sourceType("text").build()), List.of("id"));

    @Test
    void allThreeSinksAreDiscovered() {
        assertThat(ServiceLoader.load(SinkConnector.class).stream().map(p -> p.get().name()))
                .contains("postgresql", "mysql", "mariadb");
    }

    @ParameterizedTest
    @CsvSource({"postgresql, POSTGRES", "mariadb, MARIADB", "mysql, MARIADB"})
    void taskWritesWithStockOptions(String name, DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SinkConnector connector = ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        Map<String, Object> raw = new HashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        if (db.password() != null && !db.password().isEmpty()) {
            raw.put("password", db.password());
        }
        raw.put("database", db.name());
        raw.put("stream", "orders");
        raw.put("table", "orders_" + name);
        if (engine == DatabaseEngine.MARIADB) {
            raw.put("checkpoint.schema", db.name()); // stay inside the test database
        }
        Options options = ToolkitOptions.forSink(connector).parse(raw);
        assertThat(connector.check(options).result()).isTrue();

        TaskMetrics metrics = new TaskMetrics();
        SinkTask task = connector.createTask();
        task.start(options, context("task-" + name, metrics));
        try {
            task.write(Targets.records("orders", 0, 1, List.of(
                    ChangeEvent.insert(T, Row.of(T, 1L, "one"), null, null),
                    ChangeEvent.insert(T, Row.of(T, 2L, "two"), null, null),
                    ChangeEvent.delete(T, Row.of(T, 1L, "one"), null, null))));
            task.flush();
        } finally {
            task.stop();
        }
        assertThat(db.query("SELECT id, note FROM orders_" + name)).singleElement()
                .satisfies(r -> assertThat(r.values()).extracting(Object::toString).containsExactly("2", "two"));
        assertThat(metrics.snapshot()).containsEntry("records_applied", 3L);
    }

    /**
     * Cutover: CDC inserts carry their keys, which a PostgreSQL identity sequence does not follow; the task's graceful
     * stop moves it past them, so the next insert at the target without a key gets max + 1. MariaDB's AUTO_INCREMENT
     * follows written keys by itself (the task does nothing there).
     */
    @ParameterizedTest
    @CsvSource({"postgresql, POSTGRES", "mariadb, MARIADB"})
    void gracefulStopMovesIdentitySequences(String name, DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        TableSchema t = new TableSchema(TableId.of("shop", "ident"), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).autoIncrement(true)
                        .build(),
                ColumnSchema.builder("note", LogicalType.STRING).sourceType("text").build()), List.of("id"));
        SinkConnector connector = ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        Map<String, Object> raw = new HashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        if (db.password() != null && !db.password().isEmpty()) {
            raw.put("password", db.password());
        }
        raw.put("database", db.name());
        raw.put("stream", "ident");
        raw.put("table", "ident_" + name);
        if (engine == DatabaseEngine.MARIADB) {
            raw.put("checkpoint.schema", db.name());
        }
        SinkTask task = connector.createTask();
        task.start(ToolkitOptions.forSink(connector).parse(raw), context("ident-" + name, new TaskMetrics()));
        try {
            List<ChangeEvent> events = new java.util.ArrayList<>();
            for (long id = 1; id <= 40; id++) {
                events.add(ChangeEvent.insert(t, Row.of(t, id, "n" + id), null, null));
            }
            // Reduced away with its insert: key 40 never reaches the target, whose highest key is 39.
            events.add(ChangeEvent.delete(t, Row.of(t, 40L, "n40"), null, null));
            task.write(Targets.records("ident", 0, 1, events));
            task.flush();
        } finally {
            task.stop();
        }
        db.execute("INSERT INTO ident_" + name + " (note) VALUES ('after cutover')");
        assertThat(((Number) db.queryValue("SELECT id FROM ident_" + name + " WHERE note = 'after cutover'"))
                .longValue()).isEqualTo(40L);
    }

    private static SinkContext context(String id, TaskMetrics metrics) {
        return new SinkContext() {
            @Override
            public String taskId() {
                return id;
            }

            @Override
            public KeyValueStore state() {
                return new MemoryStore();
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
    }

    private static final class MemoryStore implements KeyValueStore {
        private final TreeMap<String, byte[]> map = new TreeMap<>();

        @Override
        public Optional<byte[]> get(String key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public void put(String key, byte[] value) {
            map.put(key, value);
        }

        @Override
        public void delete(String key) {
            map.remove(key);
        }

        @Override
        public SortedMap<String, byte[]> scan(String prefix) {
            return new TreeMap<>(map.subMap(prefix, prefix + Character.MAX_VALUE));
        }
    }
}

package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.runner.SinkTaskRunner;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.runner.StreamRecordCodec;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.StreamFormat;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * Row values never reach logs or the task's error text: a record that violates a unique key at the target with a
 * recognisable value (and another in a column the statement carries) stops the task (NeverSkip) with an error naming
 * table, key columns and cause, while neither value appears in it, in its causes, or in any log line. Keyed tables go
 * through the array upserts (PostgreSQL) or bulk statements (MariaDB); keyless ones through JDBC batches, whose pgjdbc
 * error repeats each statement with its values unless told not to.
 */
class RowValuesNotLoggedIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final String SECRET_EMAIL = "secret-91c2@example.com";
    private static final String SECRET_NOTE = "note-secret-4be7";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} keyed {1}")
    @CsvSource({"POSTGRES, true", "POSTGRES, false", "MARIADB, true", "MARIADB, false"})
    void uniqueViolationNamesTableKeyAndCauseButNoValue(DatabaseEngine engine, boolean keyed) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        boolean pg = engine == DatabaseEngine.POSTGRES;
        String name = keyed ? "people" : "people_log";
        TableSchema people = new TableSchema(TableId.of("src", name), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).build(),
                ColumnSchema.builder("email", LogicalType.STRING).sourceType("varchar(64)").length(64).build(),
                ColumnSchema.builder("note", LogicalType.STRING).sourceType("text").build()),
                keyed ? List.of("id") : List.of(), List.of(new IndexSchema("uq_email", List.of("email"), true)));
        TableRef target = new TableRef(pg ? null : db.name(), name);
        db.execute(d.createTable(people, target, MappingOptions.DEFAULTS).statements().toArray(String[]::new));
        db.execute("INSERT INTO " + d.qualify(target) + " (id, email, note) VALUES (99, '" + SECRET_EMAIL
                + "', 'there first')");

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        Throwable failure;
        try (StreamStore store = EmbeddedStreamStore.open(dir)) {
            store.createStream("people", 1);
            StreamRecordCodec codec = StreamCodecs.records(store, StreamCodecs.binary(store));
            List<ChangeEvent> events = List.of(
                    ChangeEvent.insert(people, Row.of(people, 1L, "fine@example.com", SECRET_NOTE), null, null),
                    ChangeEvent.insert(people, Row.of(people, 2L, SECRET_EMAIL, SECRET_NOTE), null, null));
            store.append("people", new ArrayList<>(events.stream().map(e -> codec.encode(e, StreamFormat.BINARY))
                    .toList())).get(30, TimeUnit.SECONDS);

            SinkConnector connector = ServiceLoader.load(SinkConnector.class).stream()
                    .map(ServiceLoader.Provider::get).filter(c -> c.name().equals(pg ? "postgresql" : "mariadb"))
                    .findFirst().orElseThrow();
            Map<String, Object> raw = new HashMap<>();
            raw.put("host", db.host());
            raw.put("port", db.port());
            raw.put("user", db.user());
            if (db.password() != null && !db.password().isEmpty()) {
                raw.put("password", db.password());
            }
            raw.put("database", db.name());
            raw.put("stream", "people");
            if (!pg) {
                raw.put("checkpoint.schema", db.name());
            }
            SinkTaskRunner sink = new SinkTaskRunner("values-" + name, connector.createTask(),
                    ToolkitOptions.forSink(connector).parse(raw), store, StreamCodecs.binary(store),
                    Clock.systemUTC());
            Thread thread = new Thread(sink, "hstream-io-values-sink");
            thread.start();
            try {
                await().atMost(Duration.ofMinutes(1)).until(() -> sink.state().isTerminal());
            } finally {
                sink.stop();
                assertThat(sink.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(sink.state()).isEqualTo(TaskState.FAILED);
            failure = sink.failure().orElseThrow();
        } finally {
            root.detachAppender(logs);
        }

        // The error names the table, the key's column and the cause...
        String text = failure.getMessage();
        assertThat(text).contains(name).contains("email")
                .containsAnyOf("duplicate key value violates unique constraint", "Duplicate entry");
        assertThat(db.queryValue("SELECT COUNT(*) FROM " + d.qualify(target) + " WHERE id = 1"))
                .as("the good record before it was applied").isIn(1L, 1);
        // ...and no value, anywhere in it or its causes, or in any log line or logged exception.
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("secret-91c2", SECRET_NOTE);
            if (t instanceof java.sql.SQLException s) {
                for (java.sql.SQLException n = s.getNextException(); n != null; n = n.getNextException()) {
                    assertThat(String.valueOf(n.getMessage())).doesNotContain("secret-91c2", SECRET_NOTE);
                }
            }
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain("secret-91c2", SECRET_NOTE);
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("secret-91c2", SECRET_NOTE);
            }
        }
    }
}

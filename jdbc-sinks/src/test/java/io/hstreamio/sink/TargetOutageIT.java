package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.runner.SinkTaskRunner;
import io.hstreamio.core.runner.SourceTaskRunner;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.Retry;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TcpProxy;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Issue 4, "the target stopped for 30 s during a load: the sink waits, retries, and finishes with nothing lost". The
 * shared servers stay up: the sink reaches its target through a {@link TcpProxy}, which is cut mid-load (every
 * connection reset, new ones refused) for {@code -Dhstreamio.outage.seconds} (default 30) and then restored. The sink
 * runs as in production, a {@link SinkTaskRunner} over a stream of the embedded store. Afterwards the target equals
 * the stream row by row, and a history trigger proves that every key was applied exactly once.
 */
class TargetOutageIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final long ROWS = 200_000;
    private static final long SEED = 11;
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("hstreamio.outage.seconds", 30));
    /** Given to the PostgreSQL sink, whose test server trusts local users: it must appear in no log line. */
    private static final String SECRET = "outage-secret-7f3a";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void sinkWaitsOutAnOutageMidLoadAndFinishesWithEveryRowAppliedOnce(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        boolean pg = engine == DatabaseEngine.POSTGRES;
        TableSchema orders = GeneratorSource.schema("orders");
        TableRef target = new TableRef(pg ? null : db.name(), "orders");
        // The table the sink would create, plus a witness: one history row per applied insert or update.
        List<String> ddl = new ArrayList<>(d.createTable(orders, target, MappingOptions.DEFAULTS).statements());
        if (pg) {
            ddl.addAll(List.of("CREATE TABLE orders_hist (k bigint NOT NULL)",
                    "CREATE FUNCTION orders_h() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "INSERT INTO orders_hist (k) VALUES (NEW.id); RETURN NULL; END $$",
                    "CREATE TRIGGER h AFTER INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_h()"));
        } else {
            ddl.addAll(List.of("CREATE TABLE orders_hist (k bigint NOT NULL)",
                    "CREATE TRIGGER hi AFTER INSERT ON orders FOR EACH ROW INSERT INTO orders_hist (k) VALUES (NEW.id)",
                    "CREATE TRIGGER hu AFTER UPDATE ON orders FOR EACH ROW "
                            + "INSERT INTO orders_hist (k) VALUES (NEW.id)"));
        }
        db.execute(ddl.toArray(String[]::new));

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try (StreamStore store = EmbeddedStreamStore.open(dir);
             TcpProxy proxy = TcpProxy.to(db.host(), db.port())) {
            ChangeEventCodec codec = StreamCodecs.binary(store);
            GeneratorSource generator = new GeneratorSource();
            new SourceTaskRunner("outage-gen", generator.createTask(), ToolkitOptions.forSource(generator)
                    .parse(Map.of("stream", "outage", "rows", ROWS, "batch", 5000, "seed", SEED)), store, codec,
                    Clock.systemUTC()).run();

            SinkConnector connector = ServiceLoader.load(SinkConnector.class).stream()
                    .map(ServiceLoader.Provider::get).filter(c -> c.name().equals(pg ? "postgresql" : "mariadb"))
                    .findFirst().orElseThrow();
            Map<String, Object> raw = new HashMap<>();
            raw.put("host", proxy.host());
            raw.put("port", proxy.port());
            raw.put("user", db.user());
            String password = pg ? SECRET : db.password();
            if (password != null && !password.isEmpty()) {
                raw.put("password", password);
            }
            raw.put("database", db.name());
            raw.put("stream", "outage");
            if (!pg) {
                raw.put("checkpoint.schema", db.name()); // stay inside the test database
            }
            Options options = ToolkitOptions.forSink(connector).parse(raw);
            assertThat(options.get(ToolkitOptions.CONNECTION_RETRY_TIMEOUT)).as("the default budget")
                    .isEqualTo(Duration.ofMinutes(5));
            SinkTaskRunner sink = new SinkTaskRunner("outage-" + engine.name().toLowerCase(), connector.createTask(),
                    options, store, codec, Clock.systemUTC());
            Thread sinkThread = new Thread(sink, "hstream-io-outage-sink");
            sinkThread.start();
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> sink.state().isTerminal()
                        || sink.metrics().deliveredRecords() >= ROWS / 4);
                int cut = proxy.down();
                long deliveredAtCut = sink.metrics().deliveredRecords();
                assertThat(sink.state()).isEqualTo(TaskState.RUNNING);
                assertThat(deliveredAtCut).as("the outage begins mid-load").isLessThan(ROWS / 2);
                assertThat(cut).as("the sink's connections were reset").isPositive();

                // Down for the whole outage: the sink keeps running (waiting, retrying) and fails nothing.
                await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> sink.state() == TaskState.RUNNING
                        && sink.metrics().snapshot().get("failures") == 0);
                assertThat(sink.metrics().snapshot().get("retries")).as("the sink noticed the outage").isPositive();
                assertThat(proxy.reset()).as("and kept trying to reconnect").isGreaterThan(cut);
                proxy.up();

                await().atMost(Duration.ofMinutes(3)).until(() -> sink.state().isTerminal()
                        || sink.metrics().deliveredRecords() >= ROWS + 1); // + the generator's schema record
            } finally {
                sink.stop();
                assertThat(sink.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(sink.failure()).isEmpty();
            assertThat(sink.state()).isEqualTo(TaskState.STOPPED);
            assertThat(sink.metrics().deliveredRecords()).isEqualTo(ROWS + 1);
            assertThat(sink.metrics().snapshot()).containsEntry("failures", 0L).containsEntry("records_skipped", 0L);
        } finally {
            root.detachAppender(logs);
        }

        // Every key, every value, in order.
        List<Row> rows;
        try (Connection c = db.open()) {
            rows = ReadBack.rows(c, d, orders, target);
        }
        assertThat(rows).hasSize((int) ROWS);
        for (int i = 0; i < ROWS; i++) {
            Row expected = GeneratorSource.row(orders, SEED, i + 1, 0);
            if (!rows.get(i).equals(expected)) {
                assertThat(rows.get(i)).as("row %d", i + 1).isEqualTo(expected);
            }
        }
        // Applied once: one history row per key, none twice.
        assertThat(db.query("SELECT k, COUNT(*) AS n FROM orders_hist GROUP BY k HAVING COUNT(*) <> 1 LIMIT 5"))
                .as("keys applied more than once").isEmpty();
        assertThat(((Number) db.queryValue("SELECT COUNT(*) FROM orders_hist")).longValue()).isEqualTo(ROWS);

        // One warning when the outage began, naming the target; one line when it ended; the password nowhere.
        String where = (pg ? "postgresql" : "mariadb") + " target 127.0.0.1:";
        List<ILoggingEvent> retryLines = logs.list.stream()
                .filter(e -> e.getLoggerName().equals(Retry.class.getName())).toList();
        assertThat(retryLines).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains(where, db.name(), "is unreachable",
                        "connection.retry.timeout"));
        assertThat(retryLines).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("succeeded again after"));
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(SECRET);
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
            }
        }
    }
}

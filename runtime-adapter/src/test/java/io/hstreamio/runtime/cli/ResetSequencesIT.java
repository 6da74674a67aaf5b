package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
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
import io.hstreamio.sink.JdbcSinkWriter;
import io.hstreamio.sink.SinkSettings;
import io.hstreamio.sink.TableMapping;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.PostgresDialect;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code reset-sequences} after a sink wrote CDC inserts with keys up to N: an insert at the target without a key
 * gets N + 1 in the tables it was pointed at, and only there.
 */
class ResetSequencesIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final int N = 57;

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = HStreamIoCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String url(TestDatabase db) {
        String scheme = db.engine() == DatabaseEngine.POSTGRES ? "postgresql" : "mariadb";
        return scheme + "://" + db.user() + (db.password() == null || db.password().isEmpty() ? ""
                : ":" + db.password()) + "@" + db.host() + ":" + db.port() + "/" + db.name();
    }

    private static TableSchema table(String name) {
        return new TableSchema(TableId.of("src", name), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("bigint").nullable(false).autoIncrement(true)
                        .build(),
                ColumnSchema.builder("note", LogicalType.STRING).sourceType("text").build()), List.of("id"));
    }

    /** What a sink does with CDC inserts: writes their keys, leaving a PostgreSQL sequence at its start. */
    private static void sinkWrites(TestDatabase db, String... tables) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.jdbcUrl());
        cfg.setUsername(db.user());
        if (db.password() != null && !db.password().isEmpty()) {
            cfg.setPassword(db.password());
        }
        boolean pg = db.engine() == DatabaseEngine.POSTGRES;
        try (HikariDataSource pool = new HikariDataSource(cfg)) {
            SinkSettings settings = SinkSettings.defaults(pg ? PostgresDialect.INSTANCE : MySqlDialect.INSTANCE,
                    "reset-it", TableMapping.all(pg ? "public" : db.name())).withoutCheckpoints();
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings);
            w.open();
            List<SinkRecord> records = new ArrayList<>();
            for (String t : tables) {
                TableSchema s = table(t);
                for (long id = 1; id <= N; id++) {
                    records.add(new SinkRecord("s", new RecordId(0, records.size() + 1, 0),
                            ChangeEvent.insert(s, Row.of(s, id, "n" + id), null, null)));
                }
            }
            w.write(records);
            w.flush();
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void insertsAfterCutoverGetFreshKeys(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        sinkWrites(db, "orders", "items");
        Run r = cli("reset-sequences", "--to", url(db), "--tables", "ord*");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("orders").contains("id").contains(Long.toString(N + 1)).doesNotContain("items");
        db.execute("INSERT INTO orders (note) VALUES ('after cutover')");
        assertThat(((Number) db.queryValue("SELECT id FROM orders WHERE note = 'after cutover'")).longValue())
                .isEqualTo(N + 1);
        if (engine == DatabaseEngine.POSTGRES) {
            // Not named by --tables: left where it was.
            assertThat(((Number) db.queryValue("SELECT nextval(pg_get_serial_sequence('items', 'id'))")).longValue())
                    .isEqualTo(1L);
        }
        // Idempotent, and every table without --tables.
        Run again = cli("reset-sequences", "--to", url(db));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("orders").contains("items").contains(Long.toString(N + 2));

        // Rows deleted at the top: a reset never moves the counter back, so their keys are not handed out again.
        db.execute("DELETE FROM orders WHERE id > " + (N - 5));
        Run afterDelete = cli("reset-sequences", "--to", url(db), "--tables", "orders");
        assertThat(afterDelete.code()).as(afterDelete.err()).isZero();
        db.execute("INSERT INTO orders (note) VALUES ('after the delete')");
        assertThat(((Number) db.queryValue("SELECT id FROM orders WHERE note = 'after the delete'")).longValue())
                .isEqualTo(N + 2);
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        TestDatabase db = DBS.postgres();
        sinkWrites(db, "lonely");
        Run help = cli("reset-sequences", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--to", "--tables", "Exit codes");
        Run scheme = cli("reset-sequences", "--to", "oracle://scott@127.0.0.1/db");
        assertThat(scheme.code()).isEqualTo(2);
        assertThat(scheme.err().lines().filter(l -> l.startsWith("error:")).toList()).singleElement()
                .asString().contains("--to").contains("oracle");
        Run pattern = cli("reset-sequences", "--to", url(db), "--tables", "nothing_like_this*");
        assertThat(pattern.code()).isEqualTo(2);
        assertThat(pattern.err().lines().filter(l -> l.startsWith("error:")).toList()).singleElement()
                .asString().contains("nothing_like_this*").contains("lonely");
        Run database = cli("reset-sequences", "--to", url(db) + "_missing");
        assertThat(database.code()).as(database.err()).isEqualTo(2);
        assertThat(database.err()).contains("does not exist");
    }
}

package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One transaction across two tables, one of them without a primary key, on both servers. */
class TransactionsAndKeylessTablesIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static Options options(CdcSourceConnector connector, TestDatabase db) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", "keyless,keyed");
        return connector.options().parse(raw);
    }

    private static void transaction(TestDatabase db) throws Exception {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO keyless VALUES (1, 'p')");
            s.execute("INSERT INTO keyed VALUES (1)");
            s.execute("UPDATE keyless SET y = 'q' WHERE x = 1");
            s.execute("DELETE FROM keyed WHERE id = 1");
            s.execute("DELETE FROM keyless WHERE x = 1");
            c.commit();
        }
    }

    private static void assertTransaction(List<ChangeEvent> all) {
        List<ChangeEvent> rows = all.stream().filter(e -> e.type() != ChangeType.SCHEMA_CHANGE
                && e.type() != ChangeType.READ).toList();
        assertThat(rows).extracting(e -> e.type() + " " + e.table().table()).containsExactly(
                "INSERT keyless", "INSERT keyed", "UPDATE keyless", "DELETE keyed", "DELETE keyless");
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).position().isAfter(rows.get(i - 1).position())).isTrue();
        }
        assertThat(rows).extracting(ChangeEvent::transactionId).doesNotContainNull().containsOnly(
                rows.get(0).transactionId());
        ChangeEvent update = rows.get(2);
        assertThat(update.schema().primaryKey()).isEmpty();
        assertThat(update.before().toArray()).containsExactly(1, "p"); // full before-image to match the row by
        assertThat(update.after().toArray()).containsExactly(1, "q");
        assertThat(rows.get(4).before().toArray()).containsExactly(1, "q");
    }

    @Test
    void mariadbKeepsCommitOrderAcrossTablesAndFullBeforeImages() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE keyless (x INT, y VARCHAR(10))", "CREATE TABLE keyed (id INT PRIMARY KEY)",
                "INSERT INTO keyed VALUES (0)");
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("mariadb"),
                options(new CdcSourceConnector.MariaDb(), db), "tx-" + db.name(), new InMemoryKeyValueStore())) {
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.READ));
            transaction(db);
            await().atMost(WAIT).until(() -> h.events().stream().filter(e -> e.type() == ChangeType.DELETE).count() == 2);
            assertTransaction(h.events());
        }
    }

    @Test
    void postgresKeepsCommitOrderAcrossTablesAndFullBeforeImages() throws Exception {
        TestDatabase db = DBS.postgres();
        db.execute("CREATE TABLE keyless (x int4, y varchar(10))", "CREATE TABLE keyed (id int4 PRIMARY KEY)",
                "INSERT INTO keyed VALUES (0)");
        var connector = new CdcSourceConnector.Postgres();
        var refused = connector.check(options(connector, db));
        assertThat(refused.result()).isFalse();
        assertThat(refused.message()).contains("'public.keyless'").contains("has no primary key")
                .endsWith("REPLICA IDENTITY FULL");
        db.execute("ALTER TABLE keyless REPLICA IDENTITY FULL");
        try (TaskHarness h = new TaskHarness(connector.createTask(), options(connector, db), "tx-" + db.name(),
                new InMemoryKeyValueStore())) {
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.READ));
            transaction(db);
            await().atMost(WAIT).until(() -> h.events().stream().filter(e -> e.type() == ChangeType.DELETE).count() == 2);
            assertTransaction(h.events());
            db.execute("TRUNCATE keyed");
            await().atMost(WAIT).until(() -> h.events().stream().anyMatch(e -> e.type() == ChangeType.TRUNCATE));
            ChangeEvent truncate = h.events().get(h.events().size() - 1);
            assertThat(truncate.type()).isEqualTo(ChangeType.TRUNCATE);
            assertThat(truncate.table().table()).isEqualTo("keyed");
        }
    }
}

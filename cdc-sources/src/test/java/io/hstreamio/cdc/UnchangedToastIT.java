package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.cdc.testing.TaskHarness;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL leaves an unchanged TOASTed value out of an update unless the table's REPLICA IDENTITY is FULL. The
 * source must stop with the fix rather than pass Debezium's placeholder on as if it were the value.
 */
class UnchangedToastIT {
    @RegisterExtension
    static final TestDatabases DBS = TestDatabases.postgresOnly();

    @Test
    void anUpdateWithoutTheToastedValueStopsTheSourceNamingTheFix() throws Exception {
        StringBuilder big = new StringBuilder();
        Random random = new Random(1);
        while (big.length() < 40_000) {
            big.append(Long.toString(random.nextLong(), 36)); // incompressible enough to be stored out of line
        }
        assertStopsNamingTheFix("docs", "body TEXT", "'" + big + "'", big.substring(0, 50));
    }

    @Test
    void anUpdateWithoutAToastedVarbitStopsTheSourceTheSameWay() throws Exception {
        // varbit goes through VarbitConverter, which must hand the placeholder on rather than reject it as not bits.
        StringBuilder bits = new StringBuilder();
        Random random = new Random(2);
        while (bits.length() < 200_000) {
            bits.append(random.nextBoolean() ? '1' : '0');
        }
        assertStopsNamingTheFix("bitdocs", "body varbit", "B'" + bits + "'", bits.substring(0, 50));
    }

    private static void assertStopsNamingTheFix(String table, String bodyColumn, String bigLiteral, String bigPrefix)
            throws Exception {
        TestDatabase db = DBS.postgres();
        db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, title TEXT, " + bodyColumn + ")");
        String docs = table;
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", docs);
        raw.put("snapshot.mode", "no_data");
        try (TaskHarness h = new TaskHarness(new CdcSourceTask("postgresql"),
                new CdcSourceConnector.Postgres().options().parse(raw), "toast-" + docs + "-" + db.name(),
                new InMemoryKeyValueStore())) {
            // The slot exists only once the task runs: write markers until one comes through.
            java.util.concurrent.atomic.AtomicInteger marker = new java.util.concurrent.atomic.AtomicInteger(-1);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                db.execute("INSERT INTO " + docs + " (id, title) VALUES (" + marker.getAndDecrement() + ", 'marker')");
                return h.failure() != null || h.events().stream().anyMatch(e -> e.type() == ChangeType.INSERT);
            });
            assertThat(h.failure()).isNull();
            db.execute("INSERT INTO " + docs + " VALUES (1, 'first', " + bigLiteral + ")");
            db.execute("UPDATE " + docs + " SET title = 'second' WHERE id = 1");
            await().atMost(Duration.ofSeconds(60)).until(() -> h.failure() != null);
            assertThat(h.failure().getMessage()).contains(docs).contains("body")
                    .contains("REPLICA IDENTITY FULL");
            assertThat(h.failure().getMessage()).doesNotContain(bigPrefix);
        }
    }
}

package io.hstreamio.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB → stream in HStreamDB's stock JSON envelope ({@code stream.format=json}) → PostgreSQL: the stream holds
 * envelopes a plain JSON reader parses, and our sink restores exact types from them, so the target equals the source.
 */
class MariaDbToPostgresJsonStreamIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @TempDir
    Path dataDir;

    private static final String CUSTOMERS = "SELECT id, name, balance, big, created FROM customers ORDER BY id";
    private static final Replication.RowReader CUSTOMER = rs -> Arrays.asList(rs.getLong(1), rs.getString(2),
            rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getObject(5, LocalDateTime.class));

    private static List<List<Object>> rows(TestDatabase db) throws SQLException {
        return Replication.rows(db, CUSTOMERS, CUSTOMER);
    }

    private static List<List<Object>> targetRowsOrEmpty() {
        return Replication.rowsOrEmpty(DBS.postgres(), CUSTOMERS, CUSTOMER);
    }

    @Test
    void aJsonStreamCarriesChangesExactlyToTheTarget() throws Exception {
        DBS.mariadb().execute(
                "CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64) NOT NULL,"
                        + " balance DECIMAL(12,2), big BIGINT UNSIGNED, created DATETIME(6))",
                "INSERT INTO customers (name, balance, big, created) VALUES"
                        + " ('ann', 10.50, 18446744073709551615, '2024-01-02 03:04:05.123456'),"
                        + " ('bob', NULL, 0, '1969-12-31 23:59:59.999999'),"
                        + " ('émoji 😀', -0.01, 42, NULL)");
        try (StreamStore store = EmbeddedStreamStore.open(dataDir)) {
            // Named after the database: the name fixes the binlog client id, which concurrent runs must not share.
            LocalPipeline pipeline = Replication.mariaDbToPostgres("shop-" + DBS.mariadb().name(), "shop", store,
                    DBS.mariadb(), DBS.postgres(), Map.of("stream.format", "json"));
            pipeline.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> targetRowsOrEmpty().size() == 3);
            assertThat(rows(DBS.postgres())).isEqualTo(rows(DBS.mariadb()));

            DBS.mariadb().execute(
                    "INSERT INTO customers (name, balance) VALUES ('cy', 1.00)",
                    "UPDATE customers SET balance = 99.99, created = '2030-06-01 00:00:00.000001' WHERE name = 'ann'",
                    "DELETE FROM customers WHERE name = 'bob'",
                    "UPDATE customers SET id = 100 WHERE name = 'cy'");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(
                    () -> assertThat(targetRowsOrEmpty()).isEqualTo(rows(DBS.mariadb())));
            pipeline.close();
            assertThat(pipeline.source().failure()).isEmpty();
            assertThat(pipeline.sink().failure()).isEmpty();

            // The stream itself is stock: every row event a {"key":..,"value":..} JSON record.
            ObjectMapper plain = new ObjectMapper();
            List<JsonNode> envelopes = new ArrayList<>();
            for (ShardInfo shard : store.findStream("shop").orElseThrow().shards()) {
                try (ShardReader reader = store.openShardReader("shop", shard.shardId(), null)) {
                    for (List<ReceivedRecord> got = reader.read(1000, 0); !got.isEmpty();
                            got = reader.read(1000, 0)) {
                        for (ReceivedRecord r : got) {
                            if (r.record().format() == PayloadFormat.JSON) {
                                envelopes.add(plain.readTree(r.record().payload()));
                            }
                        }
                    }
                }
            }
            // 3 snapshot reads, insert, update, delete, key-changing update
            assertThat(envelopes).hasSizeGreaterThanOrEqualTo(7);
            assertThat(envelopes).allSatisfy(e -> assertThat(e.has("key") && e.has("value")).isTrue());
            assertThat(envelopes).anySatisfy(e -> {
                assertThat(e.get("value").isNull()).isTrue();
                assertThat(e.get("key").get("id").asLong()).isEqualTo(2L);
            });
        }
    }
}

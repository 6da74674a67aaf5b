package io.hstreamio.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's main job end to end, in one process: MariaDB binlog → embedded stream → PostgreSQL, with changes made
 * while it runs and a restart in the middle; the target must equal the source row by row.
 */
class MariaDbToPostgresPipelineIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @TempDir
    Path dataDir;

    private static final String CUSTOMERS = "SELECT id, name, balance, big, created FROM customers ORDER BY id";
    private static final Replication.RowReader CUSTOMER = rs -> java.util.Arrays.asList(rs.getLong(1),
            rs.getString(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getObject(5, LocalDateTime.class));

    private LocalPipeline pipeline(StreamStore store) {
        return Replication.mariaDbToPostgres("shop-" + DBS.mariadb().name(), "shop", store, DBS.mariadb(),
                DBS.postgres(), Map.of());
    }

    private static List<List<Object>> rows(TestDatabase db) throws SQLException {
        return Replication.rows(db, CUSTOMERS, CUSTOMER);
    }

    private static List<List<Object>> targetRowsOrEmpty() {
        return Replication.rowsOrEmpty(DBS.postgres(), CUSTOMERS, CUSTOMER);
    }

    @Test
    void theTargetFollowsTheSourceThroughChangesAndARestart() throws Exception {
        DBS.mariadb().execute(
                "CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64) NOT NULL,"
                        + " balance DECIMAL(12,2), big BIGINT UNSIGNED, created DATETIME(6))",
                "INSERT INTO customers (name, balance, big, created) VALUES"
                        + " ('ann', 10.50, 18446744073709551615, '2024-01-02 03:04:05.123456'),"
                        + " ('bob', NULL, 0, '1969-12-31 23:59:59.999999'),"
                        + " ('émoji 😀', -0.01, 42, NULL)");

        try (StreamStore store = EmbeddedStreamStore.open(dataDir)) {
            LocalPipeline first = pipeline(store);
            first.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> targetRowsOrEmpty().size() == 3);
            assertThat(rows(DBS.postgres())).isEqualTo(rows(DBS.mariadb()));

            DBS.mariadb().execute(
                    "INSERT INTO customers (name, balance) VALUES ('cy', 1.00)",
                    "UPDATE customers SET balance = 99.99, created = '2030-06-01 00:00:00.000001' WHERE name = 'ann'",
                    "DELETE FROM customers WHERE name = 'bob'",
                    "UPDATE customers SET id = 100 WHERE name = 'cy'");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(
                    () -> assertThat(targetRowsOrEmpty()).isEqualTo(rows(DBS.mariadb())));
            first.close();
            assertThat(first.source().failure()).isEmpty();
            assertThat(first.sink().failure()).isEmpty();
        }

        // Changes while nothing runs are picked up after a restart from the stored offsets.
        DBS.mariadb().execute(
                "INSERT INTO customers (name, big) VALUES ('dee', 18446744073709551614)",
                "UPDATE customers SET name = 'ANN' WHERE id = 1");
        try (StreamStore store = EmbeddedStreamStore.open(dataDir)) {
            LocalPipeline second = pipeline(store);
            second.start();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(
                    () -> assertThat(targetRowsOrEmpty()).isEqualTo(rows(DBS.mariadb())));
            second.close();
            assertThat(second.source().state()).isEqualTo(TaskState.STOPPED);
            assertThat(second.sink().state()).isEqualTo(TaskState.STOPPED);
        }
    }
}

package io.hstreamio.runtime.hstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.runtime.pipeline.Replication;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MariaDB binlog → stream on the fake HStreamDB (three nodes, in process) → PostgreSQL, while the fake redirects the
 * stream's shards and kills the node that owns one of them; then a restart of the pipeline (a new client on the same
 * cluster) picks up changes made while nothing ran. The target must equal the source row by row.
 */
class HStreamDbPipelineIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private FakeHStreamCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = FakeHStreamCluster.start(3, FakeHStreamCluster.Transport.IN_PROCESS);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private static final String ORDERS = "SELECT id, item, qty, price FROM orders ORDER BY id";
    private static final Replication.RowReader ORDER = rs -> Arrays.asList(rs.getLong(1), rs.getString(2),
            rs.getInt(3), rs.getBigDecimal(4));

    private LocalPipeline pipeline(StreamStore store) {
        return Replication.mariaDbToPostgres("orders", "orders", store, DBS.mariadb(), DBS.postgres(), Map.of());
    }

    private static List<List<Object>> rows(TestDatabase db) throws SQLException {
        return Replication.rows(db, ORDERS, ORDER);
    }

    private static List<List<Object>> targetRowsOrEmpty() {
        return Replication.rowsOrEmpty(DBS.postgres(), ORDERS, ORDER);
    }

    private static void insertOrders(int from, int to) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO orders (id, item, qty, price) VALUES ");
        for (int i = from; i < to; i++) {
            sql.append(i == from ? "" : ",").append("(").append(i).append(",'item-").append(i).append("',")
                    .append(i % 7).append(",").append(i).append(".25)");
        }
        DBS.mariadb().execute(sql.toString());
    }

    private static void awaitConverged() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(
                () -> assertThat(targetRowsOrEmpty()).isEqualTo(rows(DBS.mariadb())));
    }

    @Test
    void theTargetFollowsTheSourceThroughRedirectsANodeKillAndARestart() throws Exception {
        DBS.mariadb().execute("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(64) NOT NULL, qty INT,"
                + " price DECIMAL(10,2))");
        insertOrders(1, 200);

        try (StreamStore store = cluster.openStore("")) {
            LocalPipeline first = pipeline(store);
            first.start();
            awaitConverged();

            // Redirect every shard of the stream: the next appends meet WrongServer and look up again.
            int refused = cluster.wrongServerReplies.get();
            for (long shard : cluster.shardIds("orders")) {
                cluster.moveShard(shard, cluster.ownerOfShard(shard) % 3 + 1);
            }
            insertOrders(200, 400);
            DBS.mariadb().execute("UPDATE orders SET qty = qty + 100 WHERE id % 3 = 0",
                    "DELETE FROM orders WHERE id % 10 = 0");
            awaitConverged();
            assertThat(cluster.wrongServerReplies.get()).isGreaterThan(refused);

            // Kill the node that owns the first shard now; its shards, readers and consumers move.
            int victim = cluster.ownerOfShard(cluster.shardIds("orders").get(0));
            cluster.killNode(victim);
            insertOrders(400, 600);
            DBS.mariadb().execute("UPDATE orders SET item = CONCAT(item, '-x') WHERE id > 350");
            awaitConverged();
            cluster.restartNode(victim);
            DBS.mariadb().execute("DELETE FROM orders WHERE id BETWEEN 500 AND 520");
            awaitConverged();

            first.close();
            assertThat(first.source().failure()).isEmpty();
            assertThat(first.sink().failure()).isEmpty();
        }

        // Changes while nothing runs are picked up by a new client from the offsets kept in HStreamDB.
        insertOrders(600, 650);
        DBS.mariadb().execute("UPDATE orders SET price = 0 WHERE id < 50");
        try (StreamStore store = cluster.openStore("")) {
            LocalPipeline second = pipeline(store);
            second.start();
            awaitConverged();
            second.close();
            assertThat(second.source().failure()).isEmpty();
            assertThat(second.sink().failure()).isEmpty();
        }
    }
}

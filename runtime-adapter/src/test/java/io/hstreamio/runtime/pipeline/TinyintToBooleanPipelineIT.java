package io.hstreamio.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MySQL's boolean idiom end to end: a MariaDB TINYINT(1) becomes a PostgreSQL boolean (the sink's default
 * {@code tinyint1.as.boolean=true}), while TINYINT(4) stays a smallint with its exact values, for rows from the CDC
 * source's snapshot and from the binlog.
 */
class TinyintToBooleanPipelineIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @TempDir
    Path dataDir;

    private static final String SOURCE = "SELECT id, b, t4 FROM flags ORDER BY id";
    /** The source as the target must hold it: TINYINT(1) as boolean (non-zero is true), TINYINT(4) as is. */
    private static final Replication.RowReader EXPECTED = rs -> {
        int b = rs.getInt(2);
        Boolean flag = rs.wasNull() ? null : b != 0;
        int t = rs.getInt(3);
        Integer small = rs.wasNull() ? null : t;
        return Arrays.asList(rs.getInt(1), flag, small);
    };
    private static final Replication.RowReader TARGET = rs -> Arrays.asList(rs.getInt(1), rs.getObject(2),
            rs.getObject(3));

    @Test
    void tinyint1BecomesBooleanAndTinyint4StaysAnExactSmallint() throws Exception {
        DBS.mariadb().execute("CREATE TABLE flags (id INT PRIMARY KEY, b TINYINT(1), t4 TINYINT(4))",
                "INSERT INTO flags VALUES (1, 1, -128), (2, 0, 127), (3, NULL, NULL)");
        try (StreamStore store = EmbeddedStreamStore.open(dataDir)) {
            // Named after the database: the binlog client id comes from the name, and other runs share the server.
            LocalPipeline p = Replication.mariaDbToPostgres("flags-" + DBS.mariadb().name(), "flags", store,
                    DBS.mariadb(), DBS.postgres(), Map.of());
            p.start();
            await().atMost(Duration.ofSeconds(90)).until(
                    () -> Replication.rowsOrEmpty(DBS.postgres(), SOURCE, TARGET).size() == 3);
            DBS.mariadb().execute("INSERT INTO flags VALUES (4, 0, 0), (5, 1, -1)",
                    "UPDATE flags SET b = 0, t4 = 126 WHERE id = 1",
                    "UPDATE flags SET b = 1 WHERE id = 3");
            List<List<Object>> expected = Replication.rows(DBS.mariadb(), SOURCE, EXPECTED);
            assertThat(expected).hasSize(5);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    Replication.rowsOrEmpty(DBS.postgres(), SOURCE, TARGET)).isEqualTo(expected));
            p.close();
            assertThat(p.source().failure()).isEmpty();
            assertThat(p.sink().failure()).isEmpty();
        }
        assertThat(DBS.postgres().query("SELECT column_name, data_type FROM information_schema.columns "
                + "WHERE table_name = 'flags' ORDER BY ordinal_position"))
                .extracting(r -> r.get("column_name") + " " + r.get("data_type"))
                .containsExactly("id integer", "b boolean", "t4 smallint");
        assertThat(Replication.rows(DBS.postgres(), "SELECT id, b, t4 FROM flags WHERE id IN (2, 5) ORDER BY id",
                TARGET)).containsExactly(Arrays.asList(2, false, 127), Arrays.asList(5, true, -1));
    }
}

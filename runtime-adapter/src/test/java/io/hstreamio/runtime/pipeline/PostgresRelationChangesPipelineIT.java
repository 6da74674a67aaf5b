package io.hstreamio.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.testing.TestDatabase;
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
 * PostgreSQL → stream → PostgreSQL through relation changes that PostgreSQL sends no DDL for: a renamed column keeps
 * its rows' values in the target (the source states the rename), widened types take their new values, varbit
 * values stay exact and an unbounded varchar can be created. The target must equal the source row by row after each step.
 */
class PostgresRelationChangesPipelineIT {
    @RegisterExtension
    static final TestDatabases SOURCE = TestDatabases.postgresOnly();
    @RegisterExtension
    static final TestDatabases TARGET = TestDatabases.postgresOnly();

    @TempDir
    Path dataDir;

    private static final String COLUMNS = "SELECT string_agg(column_name || ' ' || data_type, ', ' "
            + "ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' "
            + "AND table_name = 'items'";

    private static List<List<Object>> rows(TestDatabase db, String sql) {
        return Replication.rowsOrEmpty(db, sql, rs -> {
            Object[] values = new Object[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getString(i + 1); // text: compares bigint, varbit and varchar alike
            }
            return Arrays.asList(values);
        });
    }

    private static void awaitEqual(String sql) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(
                () -> assertThat(rows(TARGET.postgres(), sql)).isNotEmpty().isEqualTo(rows(SOURCE.postgres(), sql)));
    }

    @Test
    void renamedColumnsKeepTheirValuesAndWidenedTypesTheirNewOnes() throws Exception {
        TestDatabase from = SOURCE.postgres();
        from.execute("CREATE TABLE items (id int4 PRIMARY KEY, qty int4, note varchar(10), flags varbit(8), "
                        + "label varchar)",
                "INSERT INTO items VALUES (1, 1, 'one', B'101', 'unbounded'), (2, 2, 'two', B'', NULL), "
                        + "(3, 3, NULL, B'00000101', '" + "z".repeat(20_000) + "')");
        try (StreamStore store = EmbeddedStreamStore.open(dataDir)) {
            // Named after the database: the replication slot's name comes from it, and slots are server-wide.
            LocalPipeline p = Replication.postgresToPostgres("items-" + from.name(), "items", store, from,
                    TARGET.postgres(), Map.of("table", "items"));
            p.start();
            awaitEqual("SELECT id, qty, note, flags, label FROM items ORDER BY id");

            from.execute("ALTER TABLE items RENAME COLUMN note TO remark", "INSERT INTO items VALUES (4, 4, 'four', "
                    + "B'11111111')", "UPDATE items SET flags = B'0' WHERE id = 1");
            awaitEqual("SELECT id, qty, remark, flags FROM items ORDER BY id");

            from.execute("ALTER TABLE items ALTER COLUMN qty TYPE int8",
                    "ALTER TABLE items ALTER COLUMN remark TYPE varchar(50)",
                    "INSERT INTO items VALUES (5, 1099511627776, '" + "y".repeat(50) + "', B'1')");
            awaitEqual("SELECT id, qty, remark, flags FROM items ORDER BY id");
            p.close();
            assertThat(p.source().failure()).isEmpty();
            assertThat(p.sink().failure()).isEmpty();
        }
        // An unbounded varchar arrives without a length (not 2147483647, which PostgreSQL would refuse), and the
        // sink makes it text.
        assertThat(TARGET.postgres().queryValue(COLUMNS)).isEqualTo(
                "id integer, qty bigint, remark character varying, flags bit varying, label text");
        assertThat(rows(TARGET.postgres(), "SELECT remark FROM items WHERE id <= 2 ORDER BY id"))
                .as("values written before the rename").containsExactly(List.of("one"), List.of("two"));
        assertThat(TARGET.postgres().queryValue("SELECT character_maximum_length FROM information_schema.columns "
                + "WHERE table_name = 'items' AND column_name = 'remark'")).isEqualTo(50);
    }
}

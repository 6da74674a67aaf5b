package io.hstreamio.sink.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaEvolverTest {
    private static List<List<String>> renames(String ddl) {
        return SchemaEvolver.renames(ddl).stream().map(List::of).toList();
    }

    @Test
    void readsRenamesOfMySqlAndPostgres() {
        assertThat(renames("ALTER TABLE t RENAME COLUMN a TO b")).containsExactly(List.of("a", "b"));
        assertThat(renames("alter table \"T\" rename column \"Old \"\"x\" to \"new\"")).containsExactly(
                List.of("Old \"x", "new"));
        assertThat(renames("ALTER TABLE `t` CHANGE `a b` `c` varchar(20) NOT NULL")).containsExactly(
                List.of("a b", "c"));
        assertThat(renames("ALTER TABLE t CHANGE COLUMN a b INT, RENAME COLUMN c TO d")).containsExactlyInAnyOrder(
                List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void changeKeepingTheNameIsNoRename() {
        assertThat(renames("ALTER TABLE t CHANGE a a BIGINT")).isEmpty();
        assertThat(renames("ALTER TABLE t ADD COLUMN renamed INT")).isEmpty();
        assertThat(renames(null)).isEmpty();
    }
}

package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.record.TableId;
import io.hstreamio.sink.dialect.TableRef;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TableMappingTest {
    @Test
    void includeExcludeRenameAndSchema() {
        TableMapping m = new TableMapping("tgt", List.of(Pattern.compile("shop\\..*")),
                List.of(Pattern.compile("shop\\.tmp_.*")),
                TableMapping.parseRenames(List.of("shop.orders=archive.orders_2024", "items=things")), null);
        assertThat(m.route(TableId.of("shop", "orders"))).contains(new TableRef("archive", "orders_2024"));
        assertThat(m.route(TableId.of("shop", "items"))).contains(new TableRef("tgt", "things"));
        assertThat(m.route(TableId.of("shop", "users"))).contains(new TableRef("tgt", "users"));
        assertThat(m.route(TableId.of("shop", "tmp_x"))).isEmpty();
        assertThat(m.route(TableId.of("other", "orders"))).isEmpty();
        assertThat(m.route(new TableId("pgdb", "shop", "orders"))).contains(new TableRef("archive", "orders_2024"));
    }

    @Test
    void badRenameIsExplained() {
        assertThatThrownBy(() -> TableMapping.parseRenames(List.of("orders"))).hasMessageContaining("source=target");
    }
}

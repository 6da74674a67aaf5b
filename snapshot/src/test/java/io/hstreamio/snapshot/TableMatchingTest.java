package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.record.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableMatchingTest {
    private static final DatabaseUrl URL = DatabaseUrl.parse("--from", "mysql://u@h/shop");
    private static final List<TableId> ALL = List.of(TableId.of("shop", "customers"), TableId.of("shop", "orders"),
            TableId.of("shop", "order_items"), TableId.of("shop", "audit_2024"));

    @Test
    void namesAndGlobsKeepTheirOrderWithoutRepeats() {
        assertThat(SnapshotReader.match(ALL, List.of("orders", "order*", "shop.audit_????"), URL))
                .extracting(TableId::table).containsExactly("orders", "order_items", "audit_2024");
        assertThat(SnapshotReader.match(ALL, List.of(), URL)).isEqualTo(ALL);
    }

    @Test
    void globCharactersAreTheOnlySpecialOnes() {
        // '_' and '.' are literal, not regular-expression or LIKE wildcards.
        assertThatThrownBy(() -> SnapshotReader.match(ALL, List.of("order.items"), URL))
                .isInstanceOf(BadInputException.class);
    }

    @Test
    void aPatternMatchingNothingNamesItAndWhatExists() {
        assertThatThrownBy(() -> SnapshotReader.match(ALL, List.of("orders", "invoices*"), URL))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--tables pattern 'invoices*' matches no table of mysql://u@h:3306/shop; tables there: "
                        + "customers, orders, order_items, audit_2024");
    }
}

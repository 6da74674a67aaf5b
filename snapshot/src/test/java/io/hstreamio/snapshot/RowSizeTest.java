package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowSizeTest {
    private static final TableSchema T = new TableSchema(TableId.of("d", "t"), List.of(
            ColumnSchema.builder("id", LogicalType.INT64).build(),
            ColumnSchema.builder("name", LogicalType.STRING).build(),
            ColumnSchema.builder("price", LogicalType.DECIMAL).build(),
            ColumnSchema.builder("at", LogicalType.TIMESTAMP).build(),
            ColumnSchema.builder("blob", LogicalType.BYTES).build()), List.of("id"));

    @Test
    void headersAndReferencesPlusTextAndBinaryPayloads() {
        Row full = Row.of(T, 1L, "x".repeat(100), new BigDecimal("1.5"), LocalDateTime.of(2024, 1, 1, 0, 0),
                new byte[1000]);
        // row 32 + 5 references x 8; id and at 24 each; text 48 + 2 x 100; decimal 24; bytes 16 + 1000
        assertThat(RowSize.of(T).applyAsLong(full)).isEqualTo(32 + 40 + 48 + 248 + 24 + 1016);
        // Wide values count by their length; fixed-size columns count as if never null.
        Row wide = Row.of(T, 2L, "x".repeat(10_000), null, null, new byte[100_000]);
        assertThat(RowSize.of(T).applyAsLong(wide)).isEqualTo(32 + 40 + 48 + 20_048 + 100_016);
    }
}

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
    void perTableEstimateEqualsTheRowByRowOneForRowsWithoutNulls() {
        Row full = Row.of(T, 1L, "x".repeat(100), new BigDecimal("1.5"), LocalDateTime.of(2024, 1, 1, 0, 0),
                new byte[1000]);
        assertThat(RowSize.of(T).applyAsLong(full)).isEqualTo(RowSize.estimate(full));
        // Wide values count by their length.
        Row wide = Row.of(T, 2L, "x".repeat(10_000), null, null, new byte[100_000]);
        assertThat(RowSize.of(T).applyAsLong(wide)).isGreaterThan(120_000).isGreaterThanOrEqualTo(RowSize.estimate(wide));
    }
}

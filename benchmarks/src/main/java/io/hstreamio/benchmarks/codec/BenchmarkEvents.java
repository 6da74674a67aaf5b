package io.hstreamio.benchmarks.codec;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A typical OLTP change: an UPDATE of a 12-column order row with before and after images, binlog position. */
public final class BenchmarkEvents {
    private BenchmarkEvents() {}

    public static final TableSchema ORDERS = new TableSchema(TableId.of("shop", "orders"), List.of(
            ColumnSchema.builder("id", LogicalType.INT64).sourceType("BIGINT").nullable(false).autoIncrement(true)
                    .build(),
            ColumnSchema.builder("customer_id", LogicalType.INT64).sourceType("BIGINT").build(),
            ColumnSchema.builder("status", LogicalType.ENUM).sourceType("ENUM")
                    .enumValues(List.of("new", "paid", "shipped", "cancelled")).build(),
            ColumnSchema.builder("amount", LogicalType.DECIMAL).sourceType("DECIMAL").precision(12).scale(2).build(),
            ColumnSchema.builder("currency", LogicalType.STRING).sourceType("CHAR").length(3).build(),
            ColumnSchema.builder("note", LogicalType.STRING).sourceType("VARCHAR").length(255)
                    .charset("utf8mb4").build(),
            ColumnSchema.builder("quantity", LogicalType.INT32).sourceType("INT").build(),
            ColumnSchema.builder("paid", LogicalType.BOOLEAN).sourceType("TINYINT(1)").build(),
            ColumnSchema.builder("discount", LogicalType.DECIMAL).sourceType("DECIMAL").precision(5).scale(2).build(),
            ColumnSchema.builder("ref", LogicalType.UUID).sourceType("BINARY").length(16).build(),
            ColumnSchema.builder("created_at", LogicalType.TIMESTAMP).sourceType("DATETIME").precision(6).build(),
            ColumnSchema.builder("updated_at", LogicalType.TIMESTAMP_TZ).sourceType("TIMESTAMP").precision(6)
                    .build()),
            List.of("id"));

    /** The event, about 200 bytes in the production binary form. */
    public static ChangeEvent orderUpdate() {
        UUID ref = UUID.fromString("0b9c2f5e-8a51-4c3e-9d0f-3f1c2a7b6e41");
        LocalDateTime created = LocalDateTime.of(2024, 5, 17, 9, 41, 12, 123_456_000);
        Row before = Row.of(ORDERS, 1_234_567L, 98_765L, "new", new BigDecimal("1299.90"), "EUR",
                "ring twice", 3, false, null, ref, created,
                Instant.parse("2024-05-17T07:41:12.123456Z"));
        Row after = Row.of(ORDERS, 1_234_567L, 98_765L, "paid", new BigDecimal("1299.90"), "EUR",
                "ring twice", 3, true, new BigDecimal("5.00"), ref, created,
                Instant.parse("2024-05-17T07:52:03.654321Z"));
        SourcePosition position = new SourcePosition("mariadb-shop", new long[] {42, 18_734_211L, 0},
                Map.of("file", "mariadb-bin.000042", "pos", "18734211"));
        return ChangeEvent.update(ORDERS, before, after, position, Instant.parse("2024-05-17T07:52:03Z"));
    }
}

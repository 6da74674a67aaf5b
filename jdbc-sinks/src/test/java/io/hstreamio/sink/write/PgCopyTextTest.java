package io.hstreamio.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.TargetType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgCopyTextTest {
    private static final TargetType NATIVE = new TargetType("x", null, List.of(), List.of(), TargetType.Bind.NATIVE);

    @Test
    void escapesSeparatorsAndMarksNull() {
        TableSchema t = new TableSchema(TableId.of("d", "t"), List.of(
                ColumnSchema.builder("a", LogicalType.STRING).build(),
                ColumnSchema.builder("b", LogicalType.BYTES).build(),
                ColumnSchema.builder("c", LogicalType.SET).build(),
                ColumnSchema.builder("d", LogicalType.STRING).build()), List.of());
        StringBuilder sb = new StringBuilder();
        PgCopyText.appendRow(sb, Row.of(t, "a\tb\nc\\d\re", new byte[] {1, (byte) 0xAB}, List.of("x\"y", "z\\"),
                null), t.columns(), new TargetType[] {NATIVE, NATIVE, NATIVE, NATIVE});
        assertThat(sb).hasToString("a\\tb\\nc\\\\d\\re\t\\\\x01ab\t{\"x\\\\\"y\",\"z\\\\\\\\\"}\t\\N\n");
    }

    @Test
    void datesBeforeYearOneUseBc() {
        ColumnSchema d = ColumnSchema.builder("d", LogicalType.DATE).build();
        ColumnSchema ts = ColumnSchema.builder("ts", LogicalType.TIMESTAMP_TZ).build();
        assertThat(PgCopyText.text(d, NATIVE, LocalDate.of(0, 3, 15))).isEqualTo("0001-03-15 BC");
        assertThat(PgCopyText.text(ts, NATIVE, Instant.parse("2024-01-02T03:04:05.000006Z")))
                .isEqualTo("2024-01-02 03:04:05.000006+00");
    }
}

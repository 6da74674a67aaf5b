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
        CopyBuffer sb = new CopyBuffer(16);
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

    @Test
    void plainAppendsWriteWhatTextWrites() {
        java.util.Random random = new java.util.Random(42);
        ColumnSchema i32 = ColumnSchema.builder("i", LogicalType.INT32).build();
        ColumnSchema i64 = ColumnSchema.builder("l", LogicalType.INT64).build();
        ColumnSchema dec = ColumnSchema.builder("n", LogicalType.DECIMAL).build();
        ColumnSchema date = ColumnSchema.builder("d", LogicalType.DATE).build();
        ColumnSchema ts = ColumnSchema.builder("t", LogicalType.TIMESTAMP).build();
        List<Object[]> cases = new java.util.ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            int nanos = switch (n % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            java.time.LocalDateTime t = java.time.LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12),
                    1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), n % 8 == 0 ? 0 : random.nextInt(60),
                    nanos);
            cases.add(new Object[] {i32, random.nextInt() >> random.nextInt(32)});
            cases.add(new Object[] {i64, random.nextLong() >> random.nextInt(64)});
            cases.add(new Object[] {dec, new java.math.BigDecimal(java.math.BigInteger.valueOf(random.nextLong()),
                    random.nextInt(40) - 10)});
            cases.add(new Object[] {date, t.toLocalDate()});
            cases.add(new Object[] {ts, t});
        }
        cases.add(new Object[] {ts, java.time.LocalDateTime.of(2024, 1, 1, 0, 0)});
        cases.add(new Object[] {i32, Integer.MIN_VALUE});
        cases.add(new Object[] {i64, Long.MIN_VALUE});
        for (String d : List.of("0", "0.00", "-0.005", "0.5", "123.45", "-123.45", "99", "100.0", "-1",
                "999999999999999999", "0.999999999999999999", "-99999999999999999.9", "1E+3", "1E-25")) {
            cases.add(new Object[] {dec, new java.math.BigDecimal(d)});
        }
        for (Object[] c : cases) {
            ColumnSchema col = (ColumnSchema) c[0];
            CopyBuffer sb = new CopyBuffer(16);
            assertThat(PgCopyText.appendPlain(sb, col, NATIVE, c[1])).as("%s", c[1]).isTrue();
            assertThat(sb.toString()).as("%s %s", col.type(), c[1]).isEqualTo(PgCopyText.text(col, NATIVE, c[1]));
        }
        // Years PostgreSQL writes otherwise take text()'s way.
        assertThat(PgCopyText.appendPlain(new CopyBuffer(16), date, NATIVE, LocalDate.of(0, 1, 1))).isFalse();
        assertThat(PgCopyText.appendPlain(new CopyBuffer(16), date, NATIVE, LocalDate.of(10_000, 1, 1))).isFalse();
    }

    @Test
    void escapedTextIsUtf8WithEscapesOnlyForTheFourSeparators() {
        java.util.Random random = new java.util.Random(7);
        String alphabet = "ab\\\t\n\r\"'\u00e9\u6f22\ud83d\ude00\u0000 ";
        CopyBuffer sb = new CopyBuffer(4);
        StringBuilder expected = new StringBuilder();
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                int at = random.nextInt(alphabet.length());
                char c = alphabet.charAt(at);
                s.append(Character.isHighSurrogate(c) ? alphabet.substring(at, at + 2)
                        : Character.isLowSurrogate(c) ? "x" : String.valueOf(c));
            }
            sb.putEscaped(s.toString()).put('|');
            expected.append(s.toString().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\r", "\\r")).append('|');
        }
        sb.put(-42L).put(' ').pad(7, 3);
        assertThat(sb.toString()).isEqualTo(expected + "-42 007");
    }
}

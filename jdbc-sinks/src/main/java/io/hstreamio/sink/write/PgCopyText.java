package io.hstreamio.sink.write;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.Row;
import io.hstreamio.sink.dialect.TargetType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

/**
 * Rows in PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL, backslash, tab, newline and carriage
 * return escaped. Each value is first written as PostgreSQL's input text for its target type.
 */
final class PgCopyText {
    private static final HexFormat HEX = HexFormat.of();

    private PgCopyText() {}

    static void appendRow(StringBuilder sb, Row row, List<ColumnSchema> columns, TargetType[] targets) {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append('\t');
            }
            Object v = row.get(i);
            if (v == null) {
                sb.append("\\N");
            } else {
                escape(sb, text(columns.get(i), targets[i], v));
            }
        }
        sb.append('\n');
    }

    /** PostgreSQL input text of one non-null value. */
    static String text(ColumnSchema c, TargetType t, Object v) {
        return switch (c.type()) {
            case BOOLEAN -> (Boolean) v ? "t" : "f";
            case INT32 -> t.bind() == TargetType.Bind.INT_AS_BOOLEAN ? ((Integer) v != 0 ? "t" : "f") : v.toString();
            case INT64, UINT64, FLOAT32, FLOAT64, YEAR, STRING, ENUM, UUID -> v instanceof Year y
                    ? Integer.toString(y.getValue()) : v.toString();
            case DECIMAL -> ((BigDecimal) v).toPlainString();
            case BYTES -> "\\x" + HEX.formatHex((byte[]) v);
            case GEOMETRY -> "\\x" + HEX.formatHex(((Geometry) v).wkb());
            case JSON -> ((JsonText) v).json();
            case DATE -> date((LocalDate) v);
            case TIME -> io.hstreamio.sink.dialect.PostgresDialect.timeOfDay(c, (Duration) v);
            case TIME_TZ -> ((OffsetTime) v).toString();
            case TIMESTAMP -> timestamp((LocalDateTime) v);
            case TIMESTAMP_TZ -> timestamp(LocalDateTime.ofInstant((Instant) v, ZoneOffset.UTC)) + "+00";
            case BITS -> v.toString();
            case SET -> array((List<?>) v);
        };
    }

    /** ISO date; years before 1 become PostgreSQL's "BC" form (year 0 is 1 BC). */
    private static String date(LocalDate d) {
        int y = d.getYear();
        if (y >= 1 && y <= 9999) {
            return d.toString();
        }
        if (y > 9999) {
            return y + d.toString().substring(d.toString().indexOf('-', 1));
        }
        return String.format("%04d-%02d-%02d BC", 1 - y, d.getMonthValue(), d.getDayOfMonth());
    }

    private static String timestamp(LocalDateTime t) {
        String date = date(t.toLocalDate());
        String time = LocalTime.ofNanoOfDay(t.toLocalTime().toNanoOfDay()).toString();
        return date.endsWith(" BC") ? date.substring(0, date.length() - 3) + " " + time + " BC" : date + " " + time;
    }

    /** A text[] literal: every member double-quoted, with quotes and backslashes escaped. */
    private static String array(List<?> members) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(members.get(i).toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }

    private static void escape(StringBuilder sb, String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char ch = s.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                break;
            }
            i++;
        }
        if (i == n) {
            sb.append(s); // the common case: nothing to escape, one bulk copy
            return;
        }
        sb.append(s, 0, i);
        for (; i < n; i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
    }
}

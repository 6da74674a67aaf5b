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

    static void appendRow(CopyBuffer sb, Row row, List<ColumnSchema> columns, TargetType[] targets) {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.put('\t');
            }
            Object v = row.get(i);
            if (v == null) {
                sb.put('\\').put('N');
            } else if (!appendPlain(sb, columns.get(i), targets[i], v)) {
                sb.putEscaped(text(columns.get(i), targets[i], v));
            }
        }
        sb.put('\n');
    }

    /**
     * The commonest values appended as {@link #text} would write them, without the intermediate String or the escape
     * scan (their text has no character to escape); false for the others. {@code PgCopyTextTest} holds both ways equal.
     */
    static boolean appendPlain(CopyBuffer sb, ColumnSchema c, TargetType t, Object v) {
        switch (c.type()) {
            case INT32 -> {
                if (t.bind() == TargetType.Bind.INT_AS_BOOLEAN) {
                    return false;
                }
                sb.put(((Integer) v).intValue());
                return true;
            }
            case INT64 -> {
                if (!(v instanceof Long l)) {
                    return false;
                }
                sb.put(l.longValue());
                return true;
            }
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                int scale = d.scale();
                if (scale >= 0 && scale < 19 && d.precision() < 19) {
                    sb.putDecimal(d.unscaledValue().longValue(), scale); // no String on the way
                } else {
                    sb.put(d.toPlainString());
                }
                return true;
            }
            case DATE -> {
                return appendDate(sb, (LocalDate) v);
            }
            case TIMESTAMP -> {
                LocalDateTime ts = (LocalDateTime) v;
                if (!appendDate(sb, ts.toLocalDate())) {
                    return false;
                }
                appendTime(sb.put(' '), ts.toLocalTime());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** yyyy-mm-dd for years 1 to 9999 (the others take {@link #date}'s way). */
    private static boolean appendDate(CopyBuffer sb, LocalDate d) {
        int y = d.getYear();
        if (y < 1 || y > 9999) {
            return false;
        }
        sb.pad2(y / 100).pad2(y % 100).put('-').pad2(d.getMonthValue()).put('-').pad2(d.getDayOfMonth());
        return true;
    }

    /** As {@link LocalTime#toString()}: hh:mm, then :ss and a fraction of 3, 6 or 9 digits only when not zero. */
    private static void appendTime(CopyBuffer sb, LocalTime t) {
        sb.pad2(t.getHour()).put(':').pad2(t.getMinute());
        int s = t.getSecond();
        int n = t.getNano();
        if (s > 0 || n > 0) {
            sb.put(':').pad2(s);
            if (n > 0) {
                sb.put('.');
                if (n % 1_000_000 == 0) {
                    sb.pad(n / 1_000_000, 3);
                } else if (n % 1000 == 0) {
                    sb.pad(n / 1000, 6);
                } else {
                    sb.pad(n, 9);
                }
            }
        }
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
}

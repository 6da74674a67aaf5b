package io.hstreamio.sink.dialect;

import io.hstreamio.core.record.ColumnSchema;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the source type name of a {@link ColumnSchema}: {@code "BIGINT(20) UNSIGNED ZEROFILL"} → {@code bigint}. */
final class SourceTypes {
    private static final Pattern ARGS = Pattern.compile("\\(([^)]*)\\)");

    private SourceTypes() {}

    /** Lower-case base name without arguments, UNSIGNED or ZEROFILL; PostgreSQL long names folded to short ones. */
    static String base(ColumnSchema c) {
        String s = ARGS.matcher(c.sourceType().toLowerCase(Locale.ROOT)).replaceAll("")
                .replace("unsigned", "").replace("zerofill", "").trim().replaceAll("\\s+", " ");
        return switch (s) {
            case "character varying" -> "varchar";
            case "character" -> "bpchar";
            case "timestamp with time zone" -> "timestamptz";
            case "timestamp without time zone" -> "timestamp";
            case "time with time zone" -> "timetz";
            case "time without time zone" -> "time";
            case "bit varying" -> "varbit";
            case "double precision" -> "float8";
            case "integer" -> "int";
            default -> s;
        };
    }

    /** The length: {@link ColumnSchema#length()}, else the first number in parentheses of the source type. */
    static Integer length(ColumnSchema c) {
        if (c.length() != null) {
            return c.length();
        }
        Matcher m = ARGS.matcher(c.sourceType());
        if (m.find()) {
            String first = m.group(1).split(",")[0].trim();
            if (first.matches("\\d+")) {
                return Integer.valueOf(first);
            }
        }
        return null;
    }

    /** MySQL's boolean idiom: TINYINT(1). */
    static boolean isTinyint1(ColumnSchema c) {
        Integer len = length(c);
        return base(c).equals("tinyint") && len != null && len == 1;
    }

    static boolean isUnsigned(ColumnSchema c) {
        return c.unsigned() || c.sourceType().toLowerCase(Locale.ROOT).contains("unsigned");
    }
}

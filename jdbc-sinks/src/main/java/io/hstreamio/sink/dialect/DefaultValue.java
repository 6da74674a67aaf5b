package io.hstreamio.sink.dialect;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column default as the source wrote it, classified into the few forms that mean the same in every target.
 *
 * <p>Sources spell defaults differently: MariaDB quotes literals ({@code 'abc'}) and writes {@code
 * current_timestamp(6)}; PostgreSQL adds casts ({@code 'abc'::character varying}, {@code nextval('s'::regclass)}).
 * Anything that is not a literal, NULL or the current time is {@link Kind#NOT_PORTABLE} and is left out of target DDL
 * (the mapping reports it).
 */
public record DefaultValue(Kind kind, String text, Integer precision) {

    public enum Kind { NONE, NULL, NUMBER, STRING, BOOLEAN, CURRENT_TIMESTAMP, CURRENT_DATE, SEQUENCE, NOT_PORTABLE }

    private static final Pattern NUMBER = Pattern.compile("\\(?(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)\\)?");
    private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'')*)'");
    private static final Pattern NOW = Pattern.compile(
            "(?:current_timestamp|now|localtimestamp|statement_timestamp|transaction_timestamp)\\s*(?:\\(\\s*(\\d*)\\s*\\))?");

    public static DefaultValue parse(String raw) {
        if (raw == null) {
            return new DefaultValue(Kind.NONE, null, null);
        }
        String s = raw.trim();
        // PostgreSQL appends casts ('a'::character varying): drop everything from a "::" after the last quote.
        int cast = s.indexOf("::", s.lastIndexOf('\'') + 1);
        if (cast > 0) {
            s = s.substring(0, cast).trim();
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("null")) {
            return new DefaultValue(Kind.NULL, null, null);
        }
        if (lower.startsWith("nextval(")) {
            return new DefaultValue(Kind.SEQUENCE, null, null);
        }
        if (lower.equals("true") || lower.equals("false")) {
            return new DefaultValue(Kind.BOOLEAN, lower, null);
        }
        Matcher m = NUMBER.matcher(s);
        if (m.matches()) {
            return new DefaultValue(Kind.NUMBER, m.group(1), null);
        }
        m = QUOTED.matcher(s);
        if (m.matches()) {
            String value = m.group(1).replace("''", "'");
            return value.startsWith("0000-00-00")
                    ? new DefaultValue(Kind.NOT_PORTABLE, raw, null) // MySQL zero dates exist nowhere else
                    : new DefaultValue(Kind.STRING, value, null);
        }
        m = NOW.matcher(lower);
        if (m.matches()) {
            Integer p = m.group(1) == null || m.group(1).isEmpty() ? null : Integer.valueOf(m.group(1));
            return new DefaultValue(Kind.CURRENT_TIMESTAMP, null, p);
        }
        if (lower.equals("current_date") || lower.equals("curdate()")) {
            return new DefaultValue(Kind.CURRENT_DATE, null, null);
        }
        return new DefaultValue(Kind.NOT_PORTABLE, raw, null);
    }
}

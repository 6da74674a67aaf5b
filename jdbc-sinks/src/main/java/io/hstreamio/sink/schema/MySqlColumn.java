package io.hstreamio.sink.schema;

import io.hstreamio.sink.dialect.MySqlDialect;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What information_schema says about one MySQL/MariaDB column beyond its type and nullability, so that
 * {@code MODIFY COLUMN} can restate it. MODIFY replaces the whole column definition: whatever it does not repeat (the
 * DEFAULT, AUTO_INCREMENT, ON UPDATE, the comment, the character set and collation, INVISIBLE) is gone afterwards.
 *
 * <p>Both servers print string literals in {@code COLUMN_DEFAULT} with backslash escapes (MariaDB quotes literals
 * and expressions alike; MySQL 8 gives literals raw and marks expressions {@code DEFAULT_GENERATED}). The sink's
 * sessions run with {@code NO_BACKSLASH_ESCAPES}, so every literal is re-quoted for that mode ({@link #requote}).
 *
 * @param columnDefault {@code COLUMN_DEFAULT} as read (null when none)
 * @param extra         {@code EXTRA} (auto_increment, on update ..., INVISIBLE, DEFAULT_GENERATED, ... GENERATED)
 * @param comment       {@code COLUMN_COMMENT}, raw
 * @param charset       {@code CHARACTER_SET_NAME}, null for non-text columns
 * @param collation     {@code COLLATION_NAME}, null for non-text columns
 * @param mariadb       whether the server is MariaDB (it spells defaults differently from MySQL)
 */
public record MySqlColumn(String columnDefault, String extra, String comment, String charset, String collation,
                          boolean mariadb) {

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern BITS_OR_HEX = Pattern.compile("(?i)(b'[01]*'|x'[0-9a-f]*'|0x[0-9a-f]+)");
    private static final Pattern NOW = Pattern.compile("(?i)(current_timestamp|now|localtimestamp|localtime)"
            + "(\\(\\d*\\))?");
    private static final Pattern ON_UPDATE = Pattern.compile("(?i)\\bon update ((current_timestamp|now|"
            + "localtimestamp|localtime)(\\(\\d*\\))?)");

    /** Whether the column is computed by the server; such a definition cannot be restated from these fields. */
    public boolean generated() {
        String x = lower(extra);
        return x.contains("virtual") || x.contains("stored") || x.contains("persistent");
    }

    /**
     * The definition for {@code MODIFY COLUMN}: {@code `name` type [CHARACTER SET cs COLLATE co] NULL|NOT NULL
     * [DEFAULT d] [AUTO_INCREMENT] [ON UPDATE f] [COMMENT 'c'] [INVISIBLE]}, with {@code type} and
     * {@code nullable} as given and everything else as the column has it now.
     */
    public String restate(MySqlDialect d, String name, String type, boolean nullable) {
        if (generated()) {
            throw new IllegalStateException("column " + name + " is generated (" + extra + ")");
        }
        StringBuilder sb = new StringBuilder(d.quote(name)).append(' ').append(type);
        if (charset != null && collation != null) {
            sb.append(" CHARACTER SET ").append(charset).append(" COLLATE ").append(collation);
        }
        sb.append(nullable ? " NULL" : " NOT NULL");
        String def = defaultSql(d);
        if (def != null) {
            sb.append(" DEFAULT ").append(def);
        }
        String x = lower(extra);
        if (x.contains("auto_increment")) {
            sb.append(" AUTO_INCREMENT");
        }
        Matcher onUpdate = ON_UPDATE.matcher(extra == null ? "" : extra);
        if (onUpdate.find()) {
            sb.append(" ON UPDATE ").append(onUpdate.group(1));
        }
        if (comment != null && !comment.isEmpty()) {
            sb.append(" COMMENT ").append(d.literal(comment));
        }
        if (x.contains("invisible")) {
            sb.append(" INVISIBLE");
        }
        return sb.toString();
    }

    /** The default as SQL valid under NO_BACKSLASH_ESCAPES, or null when the column has none. */
    String defaultSql(MySqlDialect d) {
        String v = columnDefault;
        if (v == null) {
            return null;
        }
        if (mariadb) {
            // MariaDB (10.2.7+) prints SQL: 'quoted' literals, NULL, numbers, functions and expressions.
            if (v.equalsIgnoreCase("null")) {
                return null;
            }
            if (v.startsWith("'") || NUMBER.matcher(v).matches() || BITS_OR_HEX.matcher(v).matches()
                    || NOW.matcher(v).matches()) {
                return requote(d, v);
            }
            return parenthesized(requote(d, v));
        }
        // MySQL 8 prints literals raw and expressions (flagged DEFAULT_GENERATED) as SQL with escaped quotes.
        if (lower(extra).contains("default_generated")) {
            if (NOW.matcher(v).matches()) {
                return v;
            }
            return parenthesized(requote(d, v.replace("\\'", "'")));
        }
        return BITS_OR_HEX.matcher(v).matches() ? v : d.literal(v);
    }

    /** {@code (expr)}, unless {@code expr} is one parenthesized group already. */
    private static String parenthesized(String expr) {
        if (!expr.startsWith("(")) {
            return "(" + expr + ")";
        }
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < expr.length(); i++) {
            char ch = expr.charAt(i);
            if (quoted) {
                if (ch == '\'' && i + 1 < expr.length() && expr.charAt(i + 1) == '\'') {
                    i++; // a doubled quote inside the literal
                } else if (ch == '\'') {
                    quoted = false;
                }
            } else if (ch == '\'') {
                quoted = true;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0 && i < expr.length() - 1) {
                return "(" + expr + ")"; // "(a) + (b)": the first group closes before the end
            }
        }
        return expr;
    }

    /**
     * Re-quotes every string literal of {@code sql} (written with backslash escapes, as information_schema prints
     * it) for a session with NO_BACKSLASH_ESCAPES, where only a doubled quote escapes. Back-quoted names are copied.
     */
    static String requote(MySqlDialect d, String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (ch == '`') {
                int end = i + 1;
                while (end < n && !(sql.charAt(end) == '`' && (end + 1 >= n || sql.charAt(end + 1) != '`'))) {
                    end += sql.charAt(end) == '`' ? 2 : 1;
                }
                out.append(sql, i, Math.min(n, end + 1));
                i = end + 1;
            } else if (ch == '\'' || ch == '"') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char c = sql.charAt(j);
                    if (c == '\\' && j + 1 < n) {
                        text.append(unescape(sql.charAt(j + 1)));
                        j += 2;
                    } else if (c == ch && j + 1 < n && sql.charAt(j + 1) == ch) {
                        text.append(ch);
                        j += 2;
                    } else if (c == ch) {
                        break;
                    } else {
                        text.append(c);
                        j++;
                    }
                }
                out.append(d.literal(text.toString()));
                i = j + 1;
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    /** MySQL's backslash escapes; {@code \%} and {@code \_} keep their backslash. */
    private static String unescape(char c) {
        return switch (c) {
            case '0' -> "\0";
            case 'b' -> "\b";
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case 'Z' -> "\u001A";
            case '%', '_' -> "\\" + c;
            default -> String.valueOf(c);
        };
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}

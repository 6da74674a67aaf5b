package io.hstreamio.snapshot.internal;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.DatabaseUrl;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL and MariaDB through the MariaDB client. Sessions run in UTC, so TIMESTAMP text is UTC; temporal values are
 * read as text and parsed, which keeps zero dates (read as null, as the CDC source does) and TIME beyond 24 hours.
 */
final class MariaDbSource extends SourceDialect {
    static final MariaDbSource INSTANCE = new MariaDbSource();
    private static final Pattern JSON_VALID = Pattern.compile("(?i)json_valid\\(`((?:[^`]|``)+)`\\)");
    private static final Pattern SIZE = Pattern.compile("^[a-z ]+\\((\\d+)(?:,(\\d+))?\\)");

    private MariaDbSource() {}

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String qualify(TableId table) {
        return (table.database() == null ? "" : quote(table.database()) + ".") + quote(table.table());
    }

    @Override
    public Properties connectionProperties(DatabaseUrl url) {
        Properties p = credentials(url);
        p.setProperty("connectTimeout", "10000");
        return p;
    }

    @Override
    public String sessionInitSql() {
        // TIMESTAMP text in UTC; the MariaDB driver would otherwise name the JVM's zone, unknown to some servers.
        return "SET time_zone = '+00:00'";
    }

    @Override
    public List<TableId> listTables(Connection c, DatabaseUrl url) throws SQLException {
        List<TableId> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            ps.setString(1, url.database());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(TableId.of(url.database(), rs.getString(1)));
                }
            }
        }
        return out;
    }

    @Override
    public TableSchema describe(Connection c, TableId table) throws SQLException {
        Set<String> json = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                + "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // MariaDB's JSON is LONGTEXT with a json_valid check; the check is the only trace of the type.
                    Matcher m = JSON_VALID.matcher(rs.getString(1));
                    while (m.find()) {
                        json.add(m.group(1).replace("``", "`"));
                    }
                }
            }
        }
        List<ColumnSchema> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, "
                + "CHARACTER_SET_NAME, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(column(rs.getString(1), rs.getString(2), rs.getString(3),
                            "YES".equals(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                            json.contains(rs.getString(1))));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("table " + table + " does not exist or has no columns visible to this user",
                    "42S02");
        }
        Map<String, List<String>> byIndex = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME "
                + "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                + "ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byIndex.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(3));
                    unique.put(rs.getString(1), rs.getInt(2) == 0);
                }
            }
        }
        List<String> pk = byIndex.getOrDefault("PRIMARY", List.of());
        List<IndexSchema> indexes = new ArrayList<>();
        byIndex.forEach((name, cols) -> {
            if (!name.equals("PRIMARY")) {
                indexes.add(new IndexSchema(name, cols, unique.get(name)));
            }
        });
        return new TableSchema(table, columns, pk, indexes);
    }

    /** One column as the CDC source describes it (its type names follow Debezium's DDL parser). */
    static ColumnSchema column(String name, String dataType, String columnType, boolean nullable, String charset,
                               String columnDefault, String extra, boolean json) {
        String ct = columnType.toLowerCase(Locale.ROOT);
        boolean unsigned = ct.contains(" unsigned");
        String base = dataType.toUpperCase(Locale.ROOT);
        Integer length = null;
        Integer scale = null;
        Matcher m = SIZE.matcher(ct);
        if (!base.equals("ENUM") && !base.equals("SET") && m.find()) {
            length = Integer.valueOf(m.group(1));
            scale = m.group(2) == null ? null : Integer.valueOf(m.group(2));
        }
        String typeName = json ? "JSON" : base + (unsigned ? " UNSIGNED" : "");
        LogicalType type = json ? LogicalType.JSON : logicalType(base, unsigned, length);
        ColumnSchema.Builder b = ColumnSchema.builder(name, type).sourceType(typeName).unsigned(unsigned)
                .nullable(nullable)
                .charset(charset)
                .enumValues(base.equals("ENUM") || base.equals("SET") ? members(columnType) : List.of())
                .defaultValue(defaultValue(columnDefault))
                .autoIncrement(extra != null && extra.toLowerCase(Locale.ROOT).contains("auto_increment"));
        ColumnSchema.Builder sized = switch (type) {
            case DECIMAL, FLOAT32, FLOAT64 -> b.precision(length).scale(scale);
            case TIME, TIME_TZ, TIMESTAMP, TIMESTAMP_TZ -> b.precision(length);
            case STRING, BYTES, BITS -> b.length(length);
            // As the CDC source: TINYINT keeps its display width, so TINYINT(1) (MySQL's boolean) stays tellable.
            case INT32 -> base.equals("TINYINT") ? b.length(length) : b;
            default -> b;
        };
        return sized.build();
    }

    /** information_schema's COLUMN_DEFAULT (MariaDB 10.2.7+: literals quoted, NULL as the word) as DDL text. */
    private static String defaultValue(String d) {
        if (d == null || d.equalsIgnoreCase("NULL")) {
            return null;
        }
        if (d.length() >= 2 && d.startsWith("'") && d.endsWith("'")) {
            return d.substring(1, d.length() - 1).replace("''", "'");
        }
        return d;
    }

    static LogicalType logicalType(String base, boolean unsigned, Integer length) {
        return switch (base) {
            case "BIT" -> length == null || length == 1 ? LogicalType.BOOLEAN : LogicalType.BITS;
            case "TINYINT", "SMALLINT", "MEDIUMINT" -> LogicalType.INT32;
            case "INT", "INTEGER" -> unsigned ? LogicalType.INT64 : LogicalType.INT32;
            case "BIGINT" -> unsigned ? LogicalType.UINT64 : LogicalType.INT64;
            case "DECIMAL", "NUMERIC" -> LogicalType.DECIMAL;
            case "FLOAT" -> length != null && length > 24 ? LogicalType.FLOAT64 : LogicalType.FLOAT32;
            case "DOUBLE", "REAL" -> LogicalType.FLOAT64;
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB" -> LogicalType.BYTES;
            case "JSON" -> LogicalType.JSON;
            case "DATE" -> LogicalType.DATE;
            case "DATETIME" -> LogicalType.TIMESTAMP;
            case "TIMESTAMP" -> LogicalType.TIMESTAMP_TZ;
            case "TIME" -> LogicalType.TIME;
            case "YEAR" -> LogicalType.YEAR;
            case "ENUM" -> LogicalType.ENUM;
            case "SET" -> LogicalType.SET;
            case "UUID" -> LogicalType.UUID;
            case "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                    "GEOMETRYCOLLECTION" -> LogicalType.GEOMETRY;
            default -> LogicalType.STRING; // CHAR, VARCHAR, TEXT kinds, INET4/6 and anything unknown: as text
        };
    }

    /** The members of {@code enum('a','b c','d''e')}. */
    static List<String> members(String columnType) {
        String inner = columnType.substring(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean in = false;
        for (int i = 0; i < inner.length(); i++) {
            char ch = inner.charAt(i);
            if (!in) {
                if (ch == '\'') {
                    in = true;
                    cur.setLength(0);
                }
            } else if (ch == '\'') {
                if (i + 1 < inner.length() && inner.charAt(i + 1) == '\'') {
                    cur.append('\'');
                    i++;
                } else {
                    in = false;
                    out.add(cur.toString());
                }
            } else if (ch == '\\' && i + 1 < inner.length()) {
                cur.append(inner.charAt(++i));
            } else {
                cur.append(ch);
            }
        }
        return out;
    }

    @Override
    public long estimateRows(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /**
     * Temporal columns as the server's own text: MariaDB Connector/J's getString of a DATE, DATETIME, TIMESTAMP or TIME
     * column parses the text into java.time and formats it back, which cost a quarter of a load's reading time;
     * the text is the same (zero dates and TIME beyond 24 hours included), and the readers below parse it once.
     */
    @Override
    public String selectColumn(ColumnSchema column) {
        return switch (column.type()) {
            case DATE, TIMESTAMP, TIMESTAMP_TZ, TIME -> "CAST(" + quote(column.name()) + " AS CHAR)";
            default -> quote(column.name());
        };
    }

    @Override
    protected long catalogRowBytes(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT AVG_ROW_LENGTH FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : 0;
            }
        }
    }

    @Override
    protected String lengthSql(ColumnSchema column) {
        return "LENGTH(s." + quote(column.name()) + ")";
    }

    @Override
    public ValueReader reader(ColumnSchema column) {
        return switch (column.type()) {
            case BOOLEAN -> (rs, i) -> {
                byte[] b = rs.getBytes(i);
                if (b == null) {
                    return null;
                }
                for (byte x : b) {
                    if (x != 0 && x != '0') {
                        return Boolean.TRUE;
                    }
                }
                return Boolean.FALSE;
            };
            case INT32 -> (rs, i) -> {
                int v = rs.getInt(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case INT64 -> (rs, i) -> {
                long v = rs.getLong(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case UINT64 -> (rs, i) -> {
                String s = rs.getString(i);
                return s == null ? null : new BigInteger(s);
            };
            case FLOAT32 -> (rs, i) -> {
                float v = rs.getFloat(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case FLOAT64 -> (rs, i) -> {
                double v = rs.getDouble(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case DECIMAL -> ResultSet::getBigDecimal;
            case STRING, ENUM -> ResultSet::getString;
            case BYTES -> ResultSet::getBytes;
            case JSON -> (rs, i) -> {
                String s = rs.getString(i);
                return s == null ? null : new JsonText(s);
            };
            case DATE -> (rs, i) -> date(rs.getString(i));
            case TIMESTAMP -> (rs, i) -> dateTime(rs.getString(i));
            case TIMESTAMP_TZ -> (rs, i) -> {
                LocalDateTime t = dateTime(rs.getString(i));
                return t == null ? null : t.toInstant(ZoneOffset.UTC);
            };
            case TIME -> (rs, i) -> time(rs.getString(i));
            case YEAR -> (rs, i) -> {
                int v = rs.getInt(i);
                return v == 0 && rs.wasNull() ? null : Year.of(v);
            };
            case BITS -> {
                int length = column.length() == null ? 1 : column.length();
                yield (rs, i) -> bits(rs.getBytes(i), length);
            }
            case SET -> (rs, i) -> {
                String s = rs.getString(i);
                return s == null ? null : s.isEmpty() ? List.of() : List.copyOf(Arrays.asList(s.split(",", -1)));
            };
            case GEOMETRY -> (rs, i) -> {
                byte[] b = rs.getBytes(i);
                if (b == null) {
                    return null;
                }
                // MySQL's internal form: a little-endian SRID, then the WKB.
                int srid = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
                return new Geometry(srid, Arrays.copyOfRange(b, 4, b.length));
            };
            case UUID -> (rs, i) -> {
                String s = rs.getString(i);
                return s == null ? null : UUID.fromString(s);
            };
            case TIME_TZ -> throw new IllegalArgumentException("MySQL has no " + column.type() + " columns");
        };
    }

    /** MySQL DATE text (yyyy-mm-dd); zero and partial-zero dates have no calendar value: null, as CDC gives. */
    static LocalDate date(String s) {
        if (s == null) {
            return null;
        }
        int y = digits(s, 0, 4);
        int m = digits(s, 5, 7);
        int d = digits(s, 8, 10);
        return m == 0 || d == 0 ? null : LocalDate.of(y, m, d);
    }

    /** MySQL DATETIME/TIMESTAMP text: yyyy-mm-dd hh:mm:ss[.f...]; parsed by hand, this runs once per value. */
    static LocalDateTime dateTime(String s) {
        LocalDate date = date(s);
        if (date == null) {
            return null;
        }
        int nanos = 0;
        if (s.length() > 20) {
            int f = digits(s, 20, s.length());
            for (int i = s.length() - 20; i < 9; i++) {
                f *= 10;
            }
            nanos = f;
        }
        return LocalDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(), digits(s, 11, 13),
                digits(s, 14, 16), digits(s, 17, 19), nanos);
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a MySQL date-time: '" + s + "'");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** MySQL TIME text: [-]H+:MM:SS[.ffffff], -838:59:59 .. 838:59:59. */
    static Duration time(String s) {
        if (s == null) {
            return null;
        }
        boolean negative = s.startsWith("-");
        String t = negative ? s.substring(1) : s;
        int c1 = t.indexOf(':');
        int c2 = t.indexOf(':', c1 + 1);
        int dot = t.indexOf('.', c2);
        long hours = Long.parseLong(t.substring(0, c1));
        long minutes = Long.parseLong(t.substring(c1 + 1, c2));
        long seconds = Long.parseLong(t.substring(c2 + 1, dot < 0 ? t.length() : dot));
        long nanos = 0;
        if (dot >= 0) {
            String f = (t.substring(dot + 1) + "000000000").substring(0, 9);
            nanos = Long.parseLong(f);
        }
        Duration d = Duration.ofSeconds(hours * 3600 + minutes * 60 + seconds, nanos);
        return negative ? d.negated() : d;
    }

    /** BIT(n) arrives as big-endian bytes holding the value right-aligned; BitString wants it left-aligned. */
    static BitString bits(byte[] b, int length) {
        if (b == null) {
            return null;
        }
        String digits = new BigInteger(1, b).toString(2);
        if (digits.length() > length) {
            throw new IllegalArgumentException("BIT(" + length + ") value has " + digits.length() + " bits");
        }
        return BitString.parse("0".repeat(length - digits.length()) + digits);
    }

    @Override
    public void stream(Connection c, Statement st, int fetchSize) throws SQLException {
        // MariaDB client 3.x streams when a fetch size is set: rows come as they are read, memory stays bounded.
        st.setFetchSize(fetchSize);
    }

    @Override
    public List<String> keylessRanges(Connection c, TableId table, long rowsPerChunk) {
        return List.of("1 = 1"); // no physical row address to split by: one range, read whole
    }

    @Override
    public ConsistentView consistentView(Connection coordinator, List<Connection> workers) throws SQLException {
        try (Statement st = coordinator.createStatement()) {
            // A brief global read lock, so that every worker's snapshot starts at the same point.
            st.execute("FLUSH TABLES WITH READ LOCK");
            try {
                for (Connection w : workers) {
                    w.setAutoCommit(false);
                    try (Statement ws = w.createStatement()) {
                        ws.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                        ws.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    }
                }
            } finally {
                st.execute("UNLOCK TABLES");
            }
        }
        return () -> { };
    }
}

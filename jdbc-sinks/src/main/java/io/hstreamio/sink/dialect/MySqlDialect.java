package io.hstreamio.sink.dialect;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.TargetType.Bind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * MySQL 8 and MariaDB 10.6+ targets. Identifiers are back-quoted with embedded back-quotes doubled; MySQL refuses
 * names longer than 64 characters, names ending in a space, NUL and characters outside the Basic Multilingual Plane,
 * so those are refused here with a message first.
 *
 * <p>Every connection runs {@link #sessionInitSql()}: strict mode, {@code NO_BACKSLASH_ESCAPES} (so a literal only
 * doubles its quotes) and UTC, in which TIMESTAMP values and instants stored as DATETIME are read and written.
 * Tables are created with {@code utf8mb4_bin}, which compares text like PostgreSQL does (case and accent sensitive),
 * so keys distinct at the source stay distinct.
 */
public final class MySqlDialect extends SqlDialect {
    public static final MySqlDialect INSTANCE = new MySqlDialect();

    /** InnoDB keys hold at most 3072 bytes: 768 utf8mb4 characters. */
    static final int MAX_KEY_CHARS = 768;
    static final int MAX_KEY_BYTES = 3072;
    private static final Set<String> INTEGERS = Set.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT");

    private MySqlDialect() {}

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public String quote(String identifier) {
        if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("MySQL cannot name anything '" + identifier
                    + "': names must be non-empty and free of NUL characters; rename it in the table mapping");
        }
        if (identifier.endsWith(" ")) {
            throw new IllegalArgumentException("MySQL names cannot end with a space: '" + identifier
                    + "'; rename it in the table mapping");
        }
        if (identifier.codePoints().anyMatch(cp -> cp > 0xFFFF)) {
            throw new IllegalArgumentException("MySQL names cannot hold characters beyond U+FFFF (e.g. emoji): '"
                    + identifier + "'; rename it in the table mapping");
        }
        if (lengthOf(identifier) > maxIdentifierLength()) {
            throw new IllegalArgumentException("name '" + identifier + "' has " + lengthOf(identifier)
                    + " characters, MySQL allows 64: rename it in the table mapping");
        }
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public int maxIdentifierLength() {
        return 64;
    }

    @Override
    protected int lengthOf(String identifier) {
        return identifier.codePointCount(0, identifier.length());
    }

    @Override
    public String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    @Override
    public String sessionInitSql() {
        return "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,NO_ENGINE_SUBSTITUTION,"
                + "NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO', time_zone = '+00:00'";
    }

    @Override
    public TargetType map(ColumnSchema c, ColumnContext ctx) {
        String base = SourceTypes.base(c);
        boolean mysql = ctx.source() == SourceKind.MYSQL;
        boolean unsigned = SourceTypes.isUnsigned(c);
        Integer len = SourceTypes.length(c);
        String u = unsigned ? " UNSIGNED" : "";
        return switch (c.type()) {
            case BOOLEAN -> plain("TINYINT(1)");
            case INT32 -> {
                if (SourceTypes.isTinyint1(c)) {
                    yield plain("TINYINT(1)" + u);
                }
                yield plain(switch (base) {
                    case "tinyint", "smallint", "mediumint" -> base.toUpperCase(Locale.ROOT) + u;
                    case "int2" -> "SMALLINT";
                    default -> "INT" + u;
                });
            }
            case INT64 -> plain(mysql && unsigned ? "INT UNSIGNED" : "BIGINT");
            case UINT64 -> plain("BIGINT UNSIGNED");
            case FLOAT32 -> plain("FLOAT");
            case FLOAT64 -> plain("DOUBLE");
            case DECIMAL -> decimal(c);
            case STRING -> string(c, base, len, mysql, ctx.inIndex());
            case BYTES -> bytes(base, len, mysql, ctx.inIndex());
            case JSON -> plain("JSON");
            case DATE -> new TargetType("DATE", null, List.of(), mysql ? List.of()
                    : List.of("MySQL supports dates 1000-01-01..9999-12-31; others may be rejected"), Bind.NATIVE);
            case TIME -> plain("TIME" + fsp(c));
            case TIME_TZ -> new TargetType("TIME" + fsp(c), null, List.of(),
                    List.of("time with offset stored as the UTC time of day; the offset is lost"), Bind.NATIVE);
            case TIMESTAMP -> plain("DATETIME" + fsp(c));
            case TIMESTAMP_TZ -> mysql && base.equals("timestamp") ? plain("TIMESTAMP" + fsp(c))
                    : new TargetType("DATETIME" + fsp(c), null, List.of(),
                            List.of("instant stored as its UTC wall clock in DATETIME (TIMESTAMP ends in 2038)"),
                            Bind.NATIVE);
            case YEAR -> plain("YEAR");
            case BITS -> {
                if (len != null && len <= 64) {
                    yield new TargetType("BIT(" + len + ")", null, List.of(), base.equals("varbit")
                            ? List.of("varying bit string in BIT(" + len + "): shorter values come back left-padded "
                                    + "with zeros")
                            : List.of(), Bind.NATIVE);
                }
                yield new TargetType("LONGBLOB", null, List.of(),
                        List.of("bit string longer than 64 bits stored as its bytes; the bit length is lost"),
                        Bind.BITS_AS_BYTES);
            }
            case ENUM -> c.enumValues().isEmpty()
                    ? new TargetType("VARCHAR(255)", null, List.of(), List.of("ENUM without known values"),
                            Bind.NATIVE)
                    : plain("ENUM(" + values(c) + ")");
            case SET -> plain("SET(" + values(c) + ")");
            case GEOMETRY -> plain(Set.of("point", "linestring", "polygon", "multipoint", "multilinestring",
                    "multipolygon", "geometrycollection").contains(base) ? base.toUpperCase(Locale.ROOT) : "GEOMETRY");
            case UUID -> new TargetType("CHAR(36)", null, List.of(), List.of("uuid as its 36-character text"),
                    Bind.NATIVE);
        };
    }

    private TargetType decimal(ColumnSchema c) {
        Integer p = c.precision();
        int s = c.scale() == null ? 0 : c.scale();
        if (p == null) {
            return new TargetType("DECIMAL(65,30)", null, List.of(), List.of(
                    "unbounded numeric as DECIMAL(65,30): more than 35 integer digits fail, fractions round at 30"),
                    Bind.NATIVE);
        }
        if (p > 65 || s > 30) {
            int ns = Math.min(s, 30);
            String ddl = "DECIMAL(65," + ns + ")";
            return new TargetType(ddl, null, List.of(), List.of("numeric(" + p + "," + s + ") exceeds MySQL's "
                    + "DECIMAL(65,30): large values fail, fractions round"), Bind.NATIVE);
        }
        return plain("DECIMAL(" + p + "," + s + ")");
    }

    private TargetType string(ColumnSchema c, String base, Integer len, boolean mysql, boolean inIndex) {
        List<String> notes = new ArrayList<>();
        String ddl;
        if ((base.equals("char") || base.equals("bpchar")) && len != null && len <= 255) {
            ddl = "CHAR(" + len + ")";
            if (!mysql) {
                notes.add("MySQL CHAR drops trailing spaces on read");
            }
        } else if ((base.equals("varchar") || base.equals("char") || base.equals("bpchar")) && len != null
                && len <= 16383) {
            ddl = "VARCHAR(" + len + ")";
        } else if (mysql && Set.of("tinytext", "text", "mediumtext", "longtext").contains(base)) {
            ddl = base.toUpperCase(Locale.ROOT);
        } else {
            ddl = "LONGTEXT";
        }
        if (inIndex && (ddl.endsWith("TEXT") || len != null && len > MAX_KEY_CHARS)) {
            notes.add("key column limited to VARCHAR(" + MAX_KEY_CHARS + ") by InnoDB; longer values are rejected");
            ddl = "VARCHAR(" + MAX_KEY_CHARS + ")";
        }
        return new TargetType(ddl, null, List.of(), notes, Bind.NATIVE);
    }

    private TargetType bytes(String base, Integer len, boolean mysql, boolean inIndex) {
        String ddl;
        if (mysql && (base.equals("binary") || base.equals("varbinary")) && len != null) {
            ddl = base.toUpperCase(Locale.ROOT) + "(" + len + ")";
        } else if (mysql && Set.of("tinyblob", "blob", "mediumblob", "longblob").contains(base)) {
            ddl = base.toUpperCase(Locale.ROOT);
        } else {
            ddl = "LONGBLOB";
        }
        if (inIndex && ddl.endsWith("BLOB")) {
            return new TargetType("VARBINARY(" + MAX_KEY_BYTES + ")", null, List.of(),
                    List.of("key column limited to VARBINARY(" + MAX_KEY_BYTES + ") by InnoDB"), Bind.NATIVE);
        }
        return plain(ddl);
    }

    private String values(ColumnSchema c) {
        return c.enumValues().stream().map(this::literal).collect(Collectors.joining(","));
    }

    private static String fsp(ColumnSchema c) {
        return c.precision() == null || c.precision() == 0 ? "" : "(" + Math.min(c.precision(), 6) + ")";
    }

    private static TargetType plain(String ddl) {
        return new TargetType(ddl, null, List.of(), List.of(), Bind.NATIVE);
    }

    @Override
    public DdlPlan createTable(TableSchema source, TableRef target, MappingOptions options) {
        SourceKind kind = SourceKind.of(source.id());
        Set<String> indexed = indexedColumns(source);
        List<String> defs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String autoColumn = null;
        for (ColumnSchema c : source.columns()) {
            TargetType t = map(c, new ColumnContext(kind, indexed.contains(c.name()), target, options));
            describeNotes(notes, c, t);
            StringBuilder d = new StringBuilder(quote(c.name())).append(' ').append(t.ddl());
            d.append(c.nullable() ? " NULL" : " NOT NULL");
            boolean integer = INTEGERS.contains(t.ddl().replace(" UNSIGNED", "").replaceAll("\\(\\d+\\)", ""));
            if (c.autoIncrement() && integer && autoColumn == null) {
                d.append(" AUTO_INCREMENT");
                autoColumn = c.name();
            } else {
                if (c.autoIncrement()) {
                    notes.add("column " + c.name() + ": MySQL allows one AUTO_INCREMENT integer column per table; "
                            + "values are written as sent");
                }
                String def = renderDefault(c, t, notes);
                if (def != null) {
                    d.append(" DEFAULT ").append(def);
                }
            }
            if (t.check() != null) {
                d.append(" CHECK (").append(t.check()).append(')');
            }
            defs.add(d.toString());
        }
        if (source.hasPrimaryKey()) {
            defs.add("PRIMARY KEY (" + list(source.primaryKey()) + ")");
        }
        for (IndexSchema i : source.indexes()) {
            defs.add((i.unique() ? "UNIQUE KEY " : "KEY ") + quote(i.name()) + " (" + list(i.columns()) + ")");
        }
        if (autoColumn != null && !leadsAnIndex(source, autoColumn)) {
            // MySQL requires an AUTO_INCREMENT column to lead some index.
            defs.add("KEY " + quote(derivedName(autoColumn, "auto")) + " (" + quote(autoColumn) + ")");
        }
        String create = "CREATE TABLE " + qualify(target) + " (\n  " + String.join(",\n  ", defs)
                + "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
        return new DdlPlan(List.of(create), notes);
    }

    private static boolean leadsAnIndex(TableSchema t, String column) {
        if (!t.primaryKey().isEmpty() && t.primaryKey().get(0).equals(column)) {
            return true;
        }
        return t.indexes().stream().anyMatch(i -> i.columns().get(0).equals(column));
    }

    @Override
    public String renderDefault(ColumnSchema c, TargetType t, List<String> notes) {
        DefaultValue d = DefaultValue.parse(c.defaultValue());
        String ddl = t.ddl();
        boolean blobLike = ddl.endsWith("TEXT") || ddl.endsWith("BLOB") || ddl.equals("JSON")
                || c.type() == io.hstreamio.core.record.LogicalType.GEOMETRY;
        String out = switch (d.kind()) {
            case NONE, NULL, SEQUENCE -> null;
            case NUMBER -> ddl.startsWith("BIT") || blobLike ? null : d.text();
            case BOOLEAN -> ddl.startsWith("TINYINT(1)") ? (d.text().equals("true") ? "1" : "0") : null;
            case STRING -> c.type() == io.hstreamio.core.record.LogicalType.BYTES || ddl.startsWith("BIT")
                    || c.type() == io.hstreamio.core.record.LogicalType.GEOMETRY ? null
                    // TEXT/BLOB/JSON take only expression defaults (MySQL 8.0.13+, MariaDB 10.2+).
                    : blobLike ? "(" + literal(d.text()) + ")" : literal(d.text());
            case CURRENT_TIMESTAMP -> ddl.startsWith("DATETIME") || ddl.startsWith("TIMESTAMP")
                    ? "CURRENT_TIMESTAMP" + fsp(c) : ddl.equals("DATE") ? "(CURRENT_DATE)" : null;
            case CURRENT_DATE -> ddl.equals("DATE") ? "(CURRENT_DATE)" : null;
            case NOT_PORTABLE -> null;
        };
        if (out == null && d.kind() != DefaultValue.Kind.NONE && d.kind() != DefaultValue.Kind.NULL
                && d.kind() != DefaultValue.Kind.SEQUENCE) {
            notes.add("column " + c.name() + ": default " + c.defaultValue() + " has no portable form in " + ddl
                    + " and is left out");
        }
        return out;
    }

    @Override
    public long resetIdentity(Connection connection, TableRef table, String column) throws SQLException {
        long next;
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(" + quote(column) + "), 0) + 1 FROM " + qualify(table))) {
            rs.next();
            next = rs.getLong(1);
        }
        // ALTER TABLE ... AUTO_INCREMENT = MAX+1 lowers a counter that stands higher (rows deleted at the top), which
        // would hand out deleted keys again: only move it forward. (MySQL 8 may show a cached counter here, up to
        // information_schema_stats_expiry old; MariaDB shows the live one.)
        try (PreparedStatement ps = connection.prepareStatement("SELECT AUTO_INCREMENT FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) >= next) {
                    return rs.getLong(1);
                }
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute("ALTER TABLE " + qualify(table) + " AUTO_INCREMENT = " + next);
        }
        return next;
    }

    @Override
    public boolean identityFollowsExplicitValues() {
        return true;
    }

    @Override
    public List<IdentityColumn> identityColumns(Connection connection, String schema) throws SQLException {
        List<IdentityColumn> out = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT TABLE_NAME, COLUMN_NAME FROM "
                + "information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND EXTRA LIKE '%auto_increment%' "
                + "ORDER BY TABLE_NAME")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IdentityColumn(new TableRef(schema, rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return out;
    }

    @Override
    public boolean upsertIsKeyExact() {
        return false;
    }

    @Override
    public String upsertSql(TableRef t, List<String> columns, List<String> key, int rows) {
        List<String> rest = columns.stream().filter(c -> !key.contains(c)).toList();
        // VALUES(c) is deprecated in MySQL 8.0.20 but the row-alias form is not understood by MariaDB.
        String set = rest.isEmpty() ? quote(key.get(0)) + " = " + quote(key.get(0))
                : rest.stream().map(c -> quote(c) + " = VALUES(" + quote(c) + ")").collect(Collectors.joining(", "));
        return insertSql(t, columns, rows) + " ON DUPLICATE KEY UPDATE " + set;
    }

    @Override
    public String deleteOneMatchingSql(TableRef t, List<String> columns) {
        return "DELETE FROM " + qualify(t) + " WHERE " + matchAll(columns) + " LIMIT 1";
    }

    @Override
    public String updateOneMatchingSql(TableRef t, List<String> columns) {
        return "UPDATE " + qualify(t) + " SET " + columns.stream().map(c -> quote(c) + " = ?")
                .collect(Collectors.joining(", ")) + " WHERE " + matchAll(columns) + " LIMIT 1";
    }

    private String matchAll(List<String> columns) {
        return columns.stream().map(c -> quote(c) + " <=> ?").collect(Collectors.joining(" AND "));
    }

    @Override
    public void bind(PreparedStatement ps, int i, ColumnSchema c, TargetType t, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL);
            return;
        }
        switch (c.type()) {
            case BOOLEAN -> ps.setBoolean(i, (Boolean) v);
            case INT32 -> ps.setInt(i, (Integer) v);
            case INT64 -> ps.setLong(i, (Long) v);
            case UINT64 -> ps.setBigDecimal(i, new BigDecimal((BigInteger) v));
            case FLOAT32 -> ps.setFloat(i, (Float) v);
            case FLOAT64 -> ps.setDouble(i, (Double) v);
            case DECIMAL -> ps.setBigDecimal(i, (BigDecimal) v);
            case STRING, ENUM -> ps.setString(i, (String) v);
            case BYTES -> ps.setBytes(i, (byte[]) v);
            case JSON -> ps.setString(i, ((JsonText) v).json());
            case DATE -> ps.setObject(i, v);
            case TIMESTAMP -> ps.setObject(i, (LocalDateTime) v);
            case TIME -> ps.setString(i, mysqlTime((Duration) v));
            case TIME_TZ -> ps.setString(i, ((OffsetTime) v).withOffsetSameInstant(ZoneOffset.UTC).toLocalTime()
                    .toString());
            case TIMESTAMP_TZ -> ps.setObject(i, LocalDateTime.ofInstant((Instant) v, ZoneOffset.UTC));
            case YEAR -> ps.setInt(i, ((Year) v).getValue());
            case BITS -> ps.setBytes(i, t.bind() == Bind.BITS_AS_BYTES ? ((BitString) v).bytes()
                    : rightAligned((BitString) v));
            case SET -> {
                @SuppressWarnings("unchecked")
                List<String> members = (List<String>) v;
                ps.setString(i, String.join(",", members));
            }
            case GEOMETRY -> ps.setBytes(i, internalGeometry((Geometry) v));
            case UUID -> ps.setString(i, v.toString());
        }
    }

    /** MySQL TIME text: signed, hours beyond 24 allowed, microseconds. */
    static String mysqlTime(Duration d) {
        boolean neg = d.isNegative();
        Duration a = d.abs();
        long micros = a.toNanos() / 1000;
        long h = micros / 3_600_000_000L;
        long m = micros / 60_000_000L % 60;
        long s = micros / 1_000_000L % 60;
        long f = micros % 1_000_000L;
        return String.format(Locale.ROOT, "%s%d:%02d:%02d.%06d", neg ? "-" : "", h, m, s, f);
    }

    /** The bits as an unsigned big-endian number, as BIT(n) stores them: '101' is 0b101. */
    static byte[] rightAligned(BitString b) {
        BigInteger value = b.length() == 0 ? BigInteger.ZERO
                : new BigInteger(1, b.bytes()).shiftRight(b.bytes().length * 8 - b.length());
        byte[] out = new byte[(b.length() + 7) / 8 == 0 ? 1 : (b.length() + 7) / 8];
        byte[] raw = value.toByteArray();
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return out;
    }

    /** MySQL's geometry storage: the SRID as 4 little-endian bytes, then the WKB. */
    static byte[] internalGeometry(Geometry g) {
        byte[] wkb = g.wkb();
        byte[] out = new byte[4 + wkb.length];
        int srid = g.srid();
        out[0] = (byte) srid;
        out[1] = (byte) (srid >>> 8);
        out[2] = (byte) (srid >>> 16);
        out[3] = (byte) (srid >>> 24);
        System.arraycopy(wkb, 0, out, 4, wkb.length);
        return out;
    }

    @Override
    protected boolean isRetriableVendorCode(int code) {
        // 1205 lock wait timeout, 1213 deadlock.
        return code == 1205 || code == 1213;
    }

    @Override
    protected boolean isConnectionVendorCode(int code) {
        // 1040 too many connections, 1053 server shutdown, 1927 connection killed, 2002/2003 cannot connect,
        // 2006/2013 server gone away / connection lost.
        return code == 1040 || code == 1053 || code == 1927 || code == 2002 || code == 2003 || code == 2006
                || code == 2013;
    }

    @Override
    public List<String> checkpointDdl(String schema) {
        return List.of("CREATE DATABASE IF NOT EXISTS " + quote(schema)
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                "CREATE TABLE IF NOT EXISTS " + quote(schema) + "." + quote("checkpoints") + " ("
                        + quote("sink") + " VARCHAR(255) NOT NULL, " + quote("stream") + " VARCHAR(255) NOT NULL, "
                        + quote("shard") + " BIGINT NOT NULL, " + quote("record_id") + " VARCHAR(80) NOT NULL, "
                        + quote("updated_at") + " TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                        + "PRIMARY KEY (" + quote("sink") + ", " + quote("stream") + ", " + quote("shard") + ")"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    }

    @Override
    public String checkpointUpsertSql(String schema) {
        return "INSERT INTO " + quote(schema) + "." + quote("checkpoints") + " (" + quote("sink") + ", "
                + quote("stream") + ", " + quote("shard") + ", " + quote("record_id") + ") VALUES (?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE " + quote("record_id") + " = VALUES(" + quote("record_id") + "), "
                + quote("updated_at") + " = CURRENT_TIMESTAMP(6)";
    }
}

package io.hstreamio.snapshot.internal;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.DatabaseUrl;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * PostgreSQL. Column detail comes from the JDBC metadata (as the CDC source's Debezium reads it) plus the catalog
 * for defaults, identity and encoding; tables without a primary key are split by {@code ctid} page ranges.
 */
final class PostgresSource extends SourceDialect {
    static final PostgresSource INSTANCE = new PostgresSource();

    private PostgresSource() {}

    @Override
    public String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String qualify(TableId table) {
        return (table.schema() == null ? "" : quote(table.schema()) + ".") + quote(table.table());
    }

    @Override
    public Properties connectionProperties(DatabaseUrl url) {
        Properties p = credentials(url);
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "hstream-io snapshot");
        return p;
    }

    @Override
    public String sessionInitSql() {
        return null;
    }

    @Override
    public List<TableId> listTables(Connection c, DatabaseUrl url) throws SQLException {
        List<TableId> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                + "ORDER BY c.relname")) {
            ps.setString(1, url.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableId(url.database(), url.schema(), rs.getString(1)));
                }
            }
        }
        return out;
    }

    private record Extra(String typname, String dflt, boolean identity, boolean textual, List<String> enumValues) {}

    @Override
    public TableSchema describe(Connection c, TableId table) throws SQLException {
        String encoding;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")) {
            encoding = rs.next() ? rs.getString(1) : null;
        }
        Map<String, Extra> extras = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, t.typname, "
                + "pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '', "
                + "t.typcategory IN ('S') OR t.typname IN ('json', 'jsonb') OR t.typtype = 'e', "
                + "(SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) "
                + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, qualify(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.sql.Array labels = rs.getArray(6);
                    List<String> enumValues = labels == null ? List.of() : List.of((String[]) labels.getArray());
                    extras.put(rs.getString(1), new Extra(rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getBoolean(5), enumValues));
                }
            }
        }
        List<ColumnSchema> columns = new ArrayList<>();
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getColumns(null, table.schema(), escape(table.table()), null)) {
            while (rs.next()) {
                if (!table.table().equals(rs.getString("TABLE_NAME"))) {
                    continue;
                }
                String name = rs.getString("COLUMN_NAME");
                Extra x = extras.get(name);
                int size = rs.getInt("COLUMN_SIZE");
                Integer length = rs.wasNull() ? null : size;
                int digits = rs.getInt("DECIMAL_DIGITS");
                Integer scale = rs.wasNull() ? null : digits;
                boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                columns.add(column(name, x, length, scale, nullable, encoding));
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("table " + table + " does not exist or has no columns visible to this user",
                    "42P01");
        }
        return new TableSchema(table, columns, primaryKey(c, table), indexes(c, table));
    }

    private static String escape(String pattern) {
        return pattern.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
    }

    private ColumnSchema column(String name, Extra x, Integer length, Integer scale, boolean nullable,
                                String encoding) {
        String typname = x.typname();
        LogicalType type = logicalType(typname, length, !x.enumValues().isEmpty());
        boolean serial = x.dflt() != null && x.dflt().startsWith("nextval(");
        if (type == LogicalType.DECIMAL && (length == null || length < 1 || length > 1000)) {
            length = null; // numeric without bounds: the CDC source reports no precision either
            scale = null;
        }
        if (length != null && length == Integer.MAX_VALUE) {
            length = null; // varchar, varbit, text... without a bound, as the CDC source reports it
        }
        ColumnSchema.Builder b = ColumnSchema.builder(name, type)
                .sourceType(typname.toUpperCase(Locale.ROOT))
                .nullable(nullable)
                .enumValues(x.enumValues())
                .defaultValue(serial ? null : x.dflt())
                .autoIncrement(x.identity() || serial)
                .charset(x.textual() ? encoding : null);
        ColumnSchema.Builder sized = switch (type) {
            case DECIMAL, FLOAT32, FLOAT64 -> b.precision(length).scale(scale);
            case TIME, TIME_TZ, TIMESTAMP, TIMESTAMP_TZ -> b.precision(length);
            case STRING, BYTES, BITS -> b.length(length);
            default -> b;
        };
        return sized.build();
    }

    static LogicalType logicalType(String typname, Integer length, boolean isEnum) {
        if (isEnum) {
            return LogicalType.ENUM;
        }
        return switch (typname) {
            case "bool" -> LogicalType.BOOLEAN;
            case "int2", "int4" -> LogicalType.INT32;
            case "int8", "oid" -> LogicalType.INT64;
            case "float4" -> LogicalType.FLOAT32;
            case "float8" -> LogicalType.FLOAT64;
            case "numeric", "money" -> LogicalType.DECIMAL;
            case "bytea" -> LogicalType.BYTES;
            case "date" -> LogicalType.DATE;
            case "time" -> LogicalType.TIME;
            case "timetz" -> LogicalType.TIME_TZ;
            case "timestamp" -> LogicalType.TIMESTAMP;
            case "timestamptz" -> LogicalType.TIMESTAMP_TZ;
            case "uuid" -> LogicalType.UUID;
            case "json", "jsonb" -> LogicalType.JSON;
            case "bit" -> length != null && length == 1 ? LogicalType.BOOLEAN : LogicalType.BITS;
            case "varbit" -> LogicalType.BITS;
            default -> LogicalType.STRING; // text kinds, and types without a carrier yet, as their text
        };
    }

    private List<String> primaryKey(Connection c, TableId table) throws SQLException {
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i "
                + "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.ord")) {
            ps.setString(1, qualify(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        return pk;
    }

    private List<IndexSchema> indexes(Connection c, TableId table) throws SQLException {
        Map<String, List<String>> cols = new LinkedHashMap<>();
        Map<String, Boolean> unique = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ci.relname, i.indisunique, a.attname FROM pg_index i "
                + "JOIN pg_class ci ON ci.oid = i.indexrelid "
                + "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indrelid = ?::regclass AND NOT i.indisprimary AND i.indexprs IS NULL "
                + "AND i.indpred IS NULL ORDER BY ci.relname, k.ord")) {
            ps.setString(1, qualify(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(3));
                    unique.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        List<IndexSchema> out = new ArrayList<>();
        cols.forEach((name, c2) -> out.add(new IndexSchema(name, c2, unique.get(name))));
        return out;
    }

    @Override
    public long estimateRows(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, qualify(table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(-1, rs.getLong(1)) : -1;
            }
        }
    }

    @Override
    protected long catalogRowBytes(Connection c, TableId table) throws SQLException {
        // The table's size with its TOAST table, per row; reltuples is -1 (or 0) before the first ANALYZE.
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN reltuples > 0 THEN pg_table_size(oid) "
                + "/ reltuples END FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, qualify(table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (long) Math.ceil(rs.getDouble(1)) : 0;
            }
        }
    }

    @Override
    protected String lengthSql(ColumnSchema column) {
        String col = "s." + quote(column.name());
        return column.sourceType().equalsIgnoreCase("bytea") ? "octet_length(" + col + ")"
                : "octet_length(" + col + "::text)";
    }

    @Override
    public ValueReader reader(ColumnSchema column) {
        return switch (column.type()) {
            case BOOLEAN -> column.sourceType().equals("BIT")
                    ? (rs, i) -> {
                        String s = rs.getString(i);
                        return s == null ? null : s.equals("1");
                    }
                    : (rs, i) -> {
                        boolean v = rs.getBoolean(i);
                        return !v && rs.wasNull() ? null : v;
                    };
            case INT32 -> (rs, i) -> {
                int v = rs.getInt(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case INT64 -> (rs, i) -> {
                long v = rs.getLong(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case FLOAT32 -> (rs, i) -> {
                float v = rs.getFloat(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case FLOAT64 -> (rs, i) -> {
                double v = rs.getDouble(i);
                return v == 0 && rs.wasNull() ? null : v;
            };
            case DECIMAL -> column.sourceType().equals("MONEY")
                    ? (rs, i) -> {
                        String s = rs.getString(i);
                        return s == null ? null : new java.math.BigDecimal(s.replaceAll("[^0-9.\\-]", ""));
                    }
                    : ResultSet::getBigDecimal;
            case STRING -> column.sourceType().startsWith("_") ? PostgresSource::arrayAsJson
                    : column.sourceType().equals("INTERVAL") ? PostgresSource::intervalIso : ResultSet::getString;
            case ENUM -> ResultSet::getString;
            case BYTES -> ResultSet::getBytes;
            case JSON -> (rs, i) -> {
                String s = rs.getString(i);
                return s == null ? null : new JsonText(s);
            };
            case DATE -> (rs, i) -> rs.getObject(i, LocalDate.class);
            case TIME -> (rs, i) -> {
                LocalTime t = rs.getObject(i, LocalTime.class);
                return t == null ? null : Duration.ofNanos(t.toNanoOfDay());
            };
            case TIME_TZ -> (rs, i) -> {
                OffsetTime t = rs.getObject(i, OffsetTime.class);
                // As the CDC source delivers it: the instant of day in UTC.
                return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
            };
            case TIMESTAMP -> (rs, i) -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> (rs, i) -> {
                OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                return t == null ? null : t.toInstant();
            };
            case BITS -> (rs, i) -> {
                String s = rs.getString(i);
                return s == null ? null : BitString.parse(s);
            };
            case UUID -> (rs, i) -> rs.getObject(i, UUID.class);
            case UINT64, YEAR, SET, GEOMETRY ->
                    throw new IllegalArgumentException("PostgreSQL has no " + column.type() + " columns");
        };
    }

    /** Intervals travel as ISO-8601 text (P1Y2M3DT4H5M6.5S), as the CDC source renders them. */
    private static String intervalIso(ResultSet rs, int i) throws SQLException {
        Object o = rs.getObject(i);
        if (!(o instanceof org.postgresql.util.PGInterval v)) {
            return o == null ? null : o.toString();
        }
        String secs = new java.math.BigDecimal(Double.toString(v.getSeconds())).stripTrailingZeros().toPlainString();
        return "P" + v.getYears() + "Y" + v.getMonths() + "M" + v.getDays() + "DT" + v.getHours() + "H"
                + v.getMinutes() + "M" + secs + "S";
    }

    /** Arrays travel as JSON text, as the CDC source renders them. */
    private static String arrayAsJson(ResultSet rs, int i) throws SQLException {
        java.sql.Array a = rs.getArray(i);
        if (a == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        json(sb, a.getArray());
        return sb.toString();
    }

    private static void json(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Object[] arr) {
            sb.append('[');
            for (int k = 0; k < arr.length; k++) {
                sb.append(k == 0 ? "" : ",");
                json(sb, arr[k]);
            }
            sb.append(']');
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            String s = v.toString();
            sb.append('"');
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            sb.append(String.format("\\u%04x", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }

    @Override
    public void stream(Connection c, Statement st, int fetchSize) throws SQLException {
        // pgjdbc uses a cursor (and so bounded memory) only outside autocommit and with a fetch size.
        if (c.getAutoCommit()) {
            c.setAutoCommit(false);
        }
        st.setFetchSize(fetchSize);
    }

    @Override
    public List<String> keylessRanges(Connection c, TableId table, long rowsPerChunk) throws SQLException {
        long pages;
        double tuples;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(oid) / "
                + "current_setting('block_size')::bigint, reltuples FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, qualify(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
                tuples = rs.getDouble(2);
            }
        }
        double perPage = pages > 0 && tuples > 0 ? tuples / pages : 100;
        long step = Math.max(1, (long) (rowsPerChunk / perPage));
        List<String> out = new ArrayList<>();
        for (long p = 0; p < pages; p += step) {
            String lower = p == 0 ? null : "ctid >= '(" + p + ",0)'::tid";
            boolean last = p + step >= pages;
            String upper = last ? null : "ctid < '(" + (p + step) + ",0)'::tid";
            // The last range is open: pages added while the snapshot runs are read too.
            out.add(lower == null && upper == null ? "1 = 1"
                    : lower == null ? upper : upper == null ? lower : lower + " AND " + upper);
        }
        if (out.isEmpty()) {
            out.add("1 = 1");
        }
        return out;
    }

    @Override
    public ConsistentView consistentView(Connection coordinator, List<Connection> workers) throws SQLException {
        coordinator.setAutoCommit(false);
        String snapshot;
        try (Statement st = coordinator.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                snapshot = rs.getString(1);
            }
        }
        for (Connection w : workers) {
            w.setAutoCommit(false);
            try (Statement ws = w.createStatement()) {
                ws.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                ws.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
            }
        }
        // The exporting transaction stays open until the end: workers import it as they open (all above).
        return coordinator::commit;
    }
}

package io.hstreamio.sink.dialect;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.TargetType.Bind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PostgreSQL 12+ targets. Identifiers are always double-quoted, so names keep their case and may hold any character
 * but NUL; PostgreSQL silently truncates names beyond 63 bytes, so longer ones are refused here.
 */
public final class PostgresDialect extends SqlDialect {
    public static final PostgresDialect INSTANCE = new PostgresDialect();
    private static final Duration DAY = Duration.ofDays(1);

    private PostgresDialect() {}

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String quote(String identifier) {
        if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PostgreSQL cannot name anything '" + identifier
                    + "': names must be non-empty and free of NUL characters; rename it in the table mapping");
        }
        if (lengthOf(identifier) > maxIdentifierLength()) {
            throw new IllegalArgumentException("name '" + identifier + "' is " + lengthOf(identifier)
                    + " bytes, PostgreSQL keeps only 63: rename it in the table mapping");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public int maxIdentifierLength() {
        return 63;
    }

    @Override
    protected int lengthOf(String identifier) {
        return identifier.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String literal(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PostgreSQL text cannot hold NUL characters: " + text.replace('\0', '?'));
        }
        // standard_conforming_strings is on (the default since 9.1, set again in sessionInitSql): only quotes double.
        return "'" + text.replace("'", "''") + "'";
    }

    @Override
    public String sessionInitSql() {
        return "SET standard_conforming_strings = on";
    }

    @Override
    public TargetType map(ColumnSchema c, ColumnContext ctx) {
        String base = SourceTypes.base(c);
        boolean mysql = ctx.source() == SourceKind.MYSQL;
        Integer len = SourceTypes.length(c);
        return switch (c.type()) {
            case BOOLEAN -> plain("boolean");
            case INT32 -> {
                if (SourceTypes.isTinyint1(c) && ctx.options().tinyint1AsBoolean()) {
                    yield new TargetType("boolean", null, List.of(),
                            List.of("TINYINT(1) as boolean (option tinyint1.as.boolean): values other than 0 become true"),
                            Bind.INT_AS_BOOLEAN);
                }
                boolean unsigned = SourceTypes.isUnsigned(c);
                yield switch (base) {
                    case "tinyint", "int2" -> plain("smallint");
                    case "smallint" -> plain(unsigned ? "integer" : "smallint");
                    default -> plain("integer");
                };
            }
            case INT64 -> plain("bigint");
            case UINT64 -> plain("numeric(20,0)");
            case FLOAT32 -> plain("real");
            case FLOAT64 -> plain("double precision");
            case DECIMAL -> c.precision() == null ? plain("numeric")
                    : plain("numeric(" + c.precision() + "," + (c.scale() == null ? 0 : c.scale()) + ")");
            case STRING -> {
                if (base.equals("char") && mysql && len != null) {
                    yield new TargetType("varchar(" + len + ")", null, List.of(),
                            List.of("CHAR(n) as varchar(n): values keep MySQL's trailing-space stripping, no padding"),
                            Bind.NATIVE);
                }
                if ((base.equals("bpchar") || base.equals("char")) && len != null) {
                    yield plain("char(" + len + ")");
                }
                yield base.equals("varchar") && len != null ? plain("varchar(" + len + ")") : plain("text");
            }
            case BYTES -> (base.equals("binary") && len != null)
                    ? new TargetType("bytea", null, List.of(), List.of("BINARY(n) fixed length not enforced"), Bind.NATIVE)
                    : plain("bytea");
            case JSON -> base.equals("json") && !mysql ? plain("json")
                    : new TargetType("jsonb", null, List.of(),
                            List.of("jsonb normalises whitespace and key order and keeps the last of duplicate keys"),
                            Bind.NATIVE);
            case DATE -> plain("date");
            case TIME -> new TargetType("time" + fsp(c), null, List.of(), mysql
                    ? List.of("MySQL TIME outside 00:00:00..24:00:00 (negative or > 24 h) is rejected")
                    : List.of(), Bind.NATIVE);
            case TIME_TZ -> plain("timetz" + fsp(c));
            case TIMESTAMP -> plain("timestamp" + fsp(c));
            case TIMESTAMP_TZ -> plain("timestamptz" + fsp(c));
            case YEAR -> plain("smallint");
            case BITS -> {
                if (base.equals("varbit")) {
                    yield plain(len == null ? "varbit" : "varbit(" + len + ")");
                }
                yield plain("bit(" + (len == null ? 1 : len) + ")");
            }
            case ENUM -> enumType(c, ctx);
            case SET -> new TargetType("text[]", quote(c.name()) + " <@ ARRAY[" + values(c) + "]::text[]", List.of(),
                    List.of("SET as text[] with a CHECK on the members"), Bind.NATIVE);
            case GEOMETRY -> new TargetType("bytea", null, List.of(),
                    List.of("geometry as bytea holding WKB; the SRID is not kept (PostGIS not used)"), Bind.NATIVE);
            case UUID -> plain("uuid");
        };
    }

    private TargetType enumType(ColumnSchema c, ColumnContext ctx) {
        if (c.enumValues().isEmpty()) {
            return new TargetType("text", null, List.of(), List.of("ENUM without known values: plain text"), Bind.NATIVE);
        }
        if (ctx.options().enumMode() == MappingOptions.EnumMode.TYPE) {
            String typeName = derivedName(ctx.target().table(), c.name(), "enum");
            String qualified = ctx.target().schema() == null ? quote(typeName)
                    : quote(ctx.target().schema()) + "." + quote(typeName);
            // CREATE TYPE has no IF NOT EXISTS; a DO block would hide real errors, so the planner checks first.
            return new TargetType(qualified, null,
                    List.of("CREATE TYPE " + qualified + " AS ENUM (" + values(c) + ")"), List.of(), Bind.PG_ENUM);
        }
        return new TargetType("text", quote(c.name()) + " IN (" + values(c) + ")", List.of(), List.of(), Bind.NATIVE);
    }

    private String values(ColumnSchema c) {
        return c.enumValues().stream().map(this::literal).collect(Collectors.joining(", "));
    }

    private static String fsp(ColumnSchema c) {
        return c.precision() == null ? "" : "(" + Math.min(c.precision(), 6) + ")";
    }

    private static TargetType plain(String ddl) {
        return new TargetType(ddl, null, List.of(), List.of(), Bind.NATIVE);
    }

    @Override
    public DdlPlan createTable(TableSchema source, TableRef target, MappingOptions options) {
        SourceKind kind = SourceKind.of(source.id());
        Set<String> indexed = indexedColumns(source);
        List<String> pre = new ArrayList<>();
        List<String> defs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ColumnSchema c : source.columns()) {
            TargetType t = map(c, new ColumnContext(kind, indexed.contains(c.name()), target, options));
            pre.addAll(t.preStatements());
            describeNotes(notes, c, t);
            StringBuilder d = new StringBuilder(quote(c.name())).append(' ').append(t.ddl());
            boolean integer = Set.of("smallint", "integer", "bigint").contains(t.ddl());
            if (c.autoIncrement() && integer) {
                // BY DEFAULT: the sink writes the source's key values; the identity only serves later target inserts.
                d.append(" GENERATED BY DEFAULT AS IDENTITY");
            } else {
                if (c.autoIncrement()) {
                    notes.add("column " + c.name() + ": auto-increment on " + t.ddl()
                            + " cannot be an identity (integer types only); values are written as sent");
                }
                String def = renderDefault(c, t, notes);
                if (def != null) {
                    d.append(" DEFAULT ").append(def);
                }
            }
            if (!c.nullable()) {
                d.append(" NOT NULL");
            }
            if (t.check() != null) {
                d.append(" CHECK (").append(t.check()).append(')');
            }
            defs.add(d.toString());
        }
        if (source.hasPrimaryKey()) {
            defs.add("PRIMARY KEY (" + list(source.primaryKey()) + ")");
        }
        List<String> out = new ArrayList<>(pre);
        out.add("CREATE TABLE " + qualify(target) + " (\n  " + String.join(",\n  ", defs) + "\n)");
        for (IndexSchema i : source.indexes()) {
            // Index names are per schema in PostgreSQL, per table in MySQL: prefix the table to keep them apart.
            out.add("CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX "
                    + quote(derivedName(target.table(), i.name())) + " ON " + qualify(target)
                    + " (" + list(i.columns()) + ")");
        }
        return new DdlPlan(out, notes);
    }

    @Override
    public String renderDefault(ColumnSchema c, TargetType t, List<String> notes) {
        DefaultValue d = DefaultValue.parse(c.defaultValue());
        String ddl = t.ddl();
        String out = switch (d.kind()) {
            case NONE, NULL, SEQUENCE -> null;
            case NUMBER -> ddl.equals("boolean") ? (new BigDecimal(d.text()).signum() != 0 ? "true" : "false")
                    : ddl.startsWith("bit") || ddl.startsWith("varbit") ? null : d.text();
            case BOOLEAN -> ddl.equals("boolean") ? d.text() : null;
            case STRING -> c.type() == LogicalType.SET
                    ? literal(d.text().isEmpty() ? "{}" : "{" + java.util.Arrays.stream(d.text().split(","))
                            .map(s -> '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"')
                            .collect(Collectors.joining(",")) + "}")
                    : c.type() == LogicalType.BITS || c.type() == LogicalType.BYTES ? null : literal(d.text());
            case CURRENT_TIMESTAMP -> ddl.startsWith("timestamptz") ? "CURRENT_TIMESTAMP"
                    : ddl.startsWith("timestamp") ? "LOCALTIMESTAMP" : ddl.equals("date") ? "CURRENT_DATE" : null;
            case CURRENT_DATE -> ddl.equals("date") ? "CURRENT_DATE" : null;
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
    public long resetIdentity(java.sql.Connection connection, TableRef table, String column) throws SQLException {
        String col = quote(column);
        // setval(seq, v, true) continues at v+1, where v is the highest key or the sequence's last value, whichever is
        // higher: a sequence never moves back, so keys of deleted rows are not handed out again (as InnoDB's counter
        // does not). Nothing written and nothing drawn: it starts at 1 (is_called = false).
        // pg_get_serial_sequence parses its first argument as SQL, so it gets the quoted name; the column is literal.
        String sql = "WITH s AS (SELECT pg_get_serial_sequence(?, ?)::regclass AS seq), v AS (SELECT GREATEST((SELECT"
                + " MAX(" + col + ") FROM " + qualify(table) + ")::bigint, pg_sequence_last_value((SELECT seq FROM s)))"
                + " AS v) SELECT setval((SELECT seq FROM s), COALESCE(v, 1), v IS NOT NULL), v IS NOT NULL FROM v";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, qualify(table));
            ps.setString(2, column);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(2) ? rs.getLong(1) + 1 : rs.getLong(1);
            }
        }
    }

    @Override
    public boolean identityFollowsExplicitValues() {
        return false;
    }

    @Override
    public List<IdentityColumn> identityColumns(java.sql.Connection connection, String schema) throws SQLException {
        // Identity columns and serial ones (a sequence owned by the column); integer columns only.
        String sql = "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p')"
                + " AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype,"
                + " 'int8'::regtype) AND (a.attidentity <> '' OR pg_get_serial_sequence(format('%I.%I', n.nspname,"
                + " c.relname), a.attname) IS NOT NULL) ORDER BY c.relname, a.attnum";
        List<IdentityColumn> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IdentityColumn(new TableRef(schema, rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return out;
    }

    @Override
    public boolean upsertIsKeyExact() {
        return true;
    }

    @Override
    public String upsertSql(TableRef t, List<String> columns, List<String> key, int rows) {
        List<String> rest = columns.stream().filter(c -> !key.contains(c)).toList();
        String action = rest.isEmpty() ? "DO NOTHING" : "DO UPDATE SET "
                + rest.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        return insertSql(t, columns, rows) + " ON CONFLICT (" + list(key) + ") " + action;
    }

    @Override
    public String deleteOneMatchingSql(TableRef t, List<String> columns) {
        // ctid picks one physical row, so one of several identical rows is removed, as at the source.
        return "DELETE FROM " + qualify(t) + " WHERE ctid = (SELECT ctid FROM " + qualify(t) + " WHERE "
                + matchAll(columns) + " LIMIT 1)";
    }

    @Override
    public String updateOneMatchingSql(TableRef t, List<String> columns) {
        return "UPDATE " + qualify(t) + " SET " + columns.stream().map(c -> quote(c) + " = ?")
                .collect(Collectors.joining(", ")) + " WHERE ctid = (SELECT ctid FROM " + qualify(t) + " WHERE "
                + matchAll(columns) + " LIMIT 1)";
    }

    private String matchAll(List<String> columns) {
        return columns.stream().map(c -> quote(c) + " IS NOT DISTINCT FROM ?").collect(Collectors.joining(" AND "));
    }

    @Override
    public void bind(PreparedStatement ps, int i, ColumnSchema c, TargetType t, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.OTHER); // untyped NULL: PostgreSQL infers the column's type
            return;
        }
        switch (c.type()) {
            case BOOLEAN -> ps.setBoolean(i, (Boolean) v);
            case INT32 -> {
                if (t.bind() == Bind.INT_AS_BOOLEAN) {
                    ps.setBoolean(i, (Integer) v != 0);
                } else {
                    ps.setInt(i, (Integer) v);
                }
            }
            case INT64 -> ps.setLong(i, (Long) v);
            case UINT64 -> ps.setBigDecimal(i, new BigDecimal((BigInteger) v));
            case FLOAT32 -> ps.setFloat(i, (Float) v);
            case FLOAT64 -> ps.setDouble(i, (Double) v);
            case DECIMAL -> ps.setBigDecimal(i, (BigDecimal) v);
            case STRING -> ps.setString(i, (String) v);
            case ENUM -> {
                if (t.bind() == Bind.PG_ENUM) {
                    ps.setObject(i, v, Types.OTHER);
                } else {
                    ps.setString(i, (String) v);
                }
            }
            case BYTES -> ps.setBytes(i, (byte[]) v);
            case JSON -> ps.setObject(i, ((JsonText) v).json(), Types.OTHER);
            case DATE, TIMESTAMP -> ps.setObject(i, v);
            case TIME -> ps.setObject(i, timeOfDay(c, (Duration) v), Types.OTHER);
            case TIME_TZ -> ps.setObject(i, (OffsetTime) v);
            case TIMESTAMP_TZ -> ps.setObject(i, ((Instant) v).atOffset(ZoneOffset.UTC));
            case YEAR -> ps.setInt(i, ((Year) v).getValue());
            case BITS -> ps.setObject(i, v.toString(), Types.OTHER);
            case SET -> {
                @SuppressWarnings("unchecked")
                List<String> members = (List<String>) v;
                ps.setArray(i, ps.getConnection().createArrayOf("text", members.toArray()));
            }
            case GEOMETRY -> ps.setBytes(i, ((Geometry) v).wkb());
            case UUID -> ps.setObject(i, v);
        }
    }

    /** A TIME value as PostgreSQL time text; 24:00:00 is valid there, negative or longer durations are not. */
    public static String timeOfDay(ColumnSchema c, Duration d) {
        if (d.isNegative() || d.compareTo(DAY) > 0) {
            // The value itself stays out of the message (row data); the record goes to the error stream with it.
            throw new IllegalArgumentException("column " + c.name() + ": a TIME value " + (d.isNegative()
                    ? "below 00:00:00" : "above 24:00:00") + " is outside PostgreSQL's time range "
                    + "00:00:00..24:00:00; map the column to interval or text");
        }
        if (d.equals(DAY)) {
            return "24:00:00";
        }
        return LocalTime.ofNanoOfDay(d.toNanos()).toString();
    }

    @Override
    public List<String> checkpointDdl(String schema) {
        return List.of("CREATE SCHEMA IF NOT EXISTS " + quote(schema),
                "CREATE TABLE IF NOT EXISTS " + quote(schema) + "." + quote("checkpoints") + " ("
                        + quote("sink") + " text NOT NULL, " + quote("stream") + " text NOT NULL, "
                        + quote("shard") + " bigint NOT NULL, " + quote("record_id") + " text NOT NULL, "
                        + quote("updated_at") + " timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "
                        + "PRIMARY KEY (" + quote("sink") + ", " + quote("stream") + ", " + quote("shard") + "))");
    }

    @Override
    public String checkpointUpsertSql(String schema) {
        return "INSERT INTO " + quote(schema) + "." + quote("checkpoints") + " (" + quote("sink") + ", "
                + quote("stream") + ", " + quote("shard") + ", " + quote("record_id") + ") VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (" + quote("sink") + ", " + quote("stream") + ", " + quote("shard") + ") DO UPDATE SET "
                + quote("record_id") + " = EXCLUDED." + quote("record_id") + ", " + quote("updated_at")
                + " = CURRENT_TIMESTAMP";
    }
}

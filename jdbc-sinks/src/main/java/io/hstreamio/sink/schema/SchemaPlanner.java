package io.hstreamio.sink.schema;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.ColumnContext;
import io.hstreamio.sink.dialect.DdlPlan;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.SourceKind;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.dialect.TargetType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, from the target's catalog, whether a source table's target must be created or can be used as it is, and
 * applies that decision. Reads only in {@link #plan}; {@link #apply} is the only method that writes. Not
 * thread-safe: one per sink task, used on the task thread.
 */
public final class SchemaPlanner {
    private final SqlDialect dialect;
    private final MappingOptions options;
    private final boolean mysql;

    public SchemaPlanner(SqlDialect dialect, MappingOptions options) {
        this.dialect = dialect;
        this.options = options;
        this.mysql = dialect instanceof MySqlDialect;
    }

    /**
     * A column as information_schema describes it; {@code mysql} holds the rest of a MySQL/MariaDB column's
     * definition (for MODIFY COLUMN, which must restate it), null for PostgreSQL.
     */
    record ExistingColumn(String name, String type, boolean nullable, boolean hasDefault, MySqlColumn mysql) {}

    /** The plan for {@code source} at {@code target}; reads the catalog, writes nothing. */
    public SchemaPlan plan(Connection c, TableSchema source, TableRef target) throws SQLException {
        List<String> problems = new ArrayList<>(nameCollisions(source));
        Map<String, ExistingColumn> existing = readColumns(c, target);
        if (existing.isEmpty()) {
            DdlPlan ddl = dialect.createTable(source, target, options);
            List<String> statements = new ArrayList<>();
            if (target.schema() != null) {
                statements.add((mysql ? "CREATE DATABASE IF NOT EXISTS " : "CREATE SCHEMA IF NOT EXISTS ")
                        + dialect.quote(target.schema()));
            }
            statements.addAll(ddl.statements());
            return new SchemaPlan(target, SchemaPlan.Action.CREATE, statements, ddl.notes(), problems);
        }
        List<String> notes = new ArrayList<>();
        Set<String> indexed = new HashSet<>(source.primaryKey());
        source.indexes().forEach(i -> indexed.addAll(i.columns()));
        SourceKind kind = SourceKind.of(source.id());
        Set<String> matched = new HashSet<>();
        for (ColumnSchema col : source.columns()) {
            TargetType mapped = dialect.map(col, new ColumnContext(kind, indexed.contains(col.name()), target, options));
            ExistingColumn have = existing.get(key(col.name()));
            if (have == null) {
                problems.add("column " + col.name() + " is missing in " + target + " (add it as " + mapped.ddl() + ")");
                continue;
            }
            matched.add(key(col.name()));
            String why = TypeInfo.whyNotFits(TypeInfo.parse(mapped.ddl(), mysql), TypeInfo.parse(have.type(), mysql));
            if (why != null) {
                problems.add("column " + col.name() + " is " + have.type() + " in " + target + ", the source's "
                        + col.sourceType() + " needs " + mapped.ddl() + ": " + why);
            }
            if (col.nullable() && !have.nullable()) {
                problems.add("column " + col.name() + " is NOT NULL in " + target
                        + " but nullable at the source: NULLs would be rejected");
            }
            mapped.notes().forEach(n -> notes.add("column " + col.name() + ": " + n));
        }
        for (ExistingColumn e : existing.values()) {
            if (!matched.contains(key(e.name())) && !e.nullable() && !e.hasDefault()) {
                problems.add("column " + e.name() + " of " + target
                        + " is NOT NULL without a default and has no source column: inserts would fail");
            }
        }
        if (source.hasPrimaryKey()) {
            List<String> pk = readPrimaryKey(c, target);
            List<String> want = source.primaryKey().stream().map(this::key).toList();
            if (!new HashSet<>(pk.stream().map(this::key).toList()).equals(new HashSet<>(want))) {
                problems.add("primary key of " + target + " is " + (pk.isEmpty() ? "missing" : pk)
                        + ", the source's is " + source.primaryKey() + ": upserts and deletes need the same key");
            }
        }
        return new SchemaPlan(target, SchemaPlan.Action.USE_EXISTING, List.of(), notes, problems);
    }

    /** Runs the plan's DDL. PostgreSQL DDL joins the caller's transaction; MySQL DDL commits by itself. */
    public void apply(Connection c, SchemaPlan plan) throws SQLException {
        if (!plan.compatible()) {
            throw new IllegalStateException("target table " + plan.target() + " cannot take the source's rows: "
                    + String.join("; ", plan.incompatibilities()) + ". Fix the table or map to another one.");
        }
        try (Statement st = c.createStatement()) {
            for (String sql : plan.statements()) {
                st.execute(sql);
            }
        }
    }

    public boolean tableExists(Connection c, TableRef t) throws SQLException {
        return !readColumns(c, t).isEmpty();
    }

    /** Whether the existing table has a unique index or constraint besides its primary key. */
    public boolean hasSecondaryUniqueKey(Connection c, TableRef t) throws SQLException {
        String sql = mysql
                ? "SELECT 1 FROM information_schema.statistics WHERE table_schema = COALESCE(?, DATABASE()) "
                        + "AND table_name = ? AND non_unique = 0 AND index_name <> 'PRIMARY' LIMIT 1"
                : "SELECT 1 FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid "
                        + "JOIN pg_namespace n ON n.oid = r.relnamespace "
                        + "WHERE n.nspname = COALESCE(?, current_schema()) AND r.relname = ? "
                        + "AND i.indisunique AND NOT i.indisprimary LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** MySQL column names ignore case, so "Id" and "id" would be one column there. */
    private List<String> nameCollisions(TableSchema source) {
        List<String> out = new ArrayList<>();
        if (!mysql) {
            return out;
        }
        Map<String, String> seen = new HashMap<>();
        for (ColumnSchema col : source.columns()) {
            String prev = seen.put(col.name().toLowerCase(Locale.ROOT), col.name());
            if (prev != null) {
                out.add("columns " + prev + " and " + col.name() + " of " + source.id()
                        + " are one name in MySQL (column names ignore case): rename one in the table mapping");
            }
        }
        return out;
    }

    String key(String column) {
        return mysql ? column.toLowerCase(Locale.ROOT) : column;
    }

    Map<String, ExistingColumn> readColumns(Connection c, TableRef t) throws SQLException {
        String sql = mysql
                ? "SELECT column_name, column_type, is_nullable, column_default, extra, column_comment, "
                        + "character_set_name, collation_name FROM information_schema.columns "
                        + "WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position"
                : "SELECT column_name, data_type, is_nullable, column_default, character_maximum_length, "
                        + "numeric_precision, numeric_scale, datetime_precision, udt_name "
                        + "FROM information_schema.columns WHERE table_schema = COALESCE(?, current_schema()) "
                        + "AND table_name = ? ORDER BY ordinal_position";
        Map<String, ExistingColumn> out = new LinkedHashMap<>();
        boolean mariadb = mysql && c.getMetaData().getDatabaseProductVersion().contains("MariaDB");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String type = mysql ? rs.getString(2) : postgresType(rs);
                    // MariaDB reports a missing default as the text NULL.
                    String def = rs.getString(4);
                    boolean hasDefault = def != null && !(mariadb && def.equalsIgnoreCase("null"));
                    MySqlColumn rest = mysql ? new MySqlColumn(def, rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), mariadb) : null;
                    out.put(key(name), new ExistingColumn(name, type, "YES".equals(rs.getString(3)), hasDefault,
                            rest));
                }
            }
        }
        return out;
    }

    private static String postgresType(ResultSet rs) throws SQLException {
        String type = rs.getString(2);
        Object len = rs.getObject(5);
        Object precision = rs.getObject(6);
        Object fsp = rs.getObject(8);
        return switch (type) {
            case "character varying", "character", "bit", "bit varying" -> len == null ? type : type + "(" + len + ")";
            case "numeric" -> precision == null ? type : type + "(" + precision + "," + rs.getObject(7) + ")";
            case "time without time zone", "time with time zone", "timestamp without time zone",
                 "timestamp with time zone" -> fsp == null ? type : type + "(" + fsp + ")";
            case "USER-DEFINED" -> rs.getString(9);
            default -> type;
        };
    }

    private List<String> readPrimaryKey(Connection c, TableRef t) throws SQLException {
        String current = mysql ? "DATABASE()" : "current_schema()";
        String sql = "SELECT k.column_name FROM information_schema.table_constraints tc "
                + "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
                + "AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name "
                + "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = COALESCE(?, " + current + ") "
                + "AND tc.table_name = ? ORDER BY k.ordinal_position";
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}

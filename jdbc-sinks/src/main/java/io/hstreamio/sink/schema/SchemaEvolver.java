package io.hstreamio.sink.schema;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.ColumnContext;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.SourceKind;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.dialect.TargetType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a source schema change into target DDL: add column, drop column (kept and made nullable, or dropped), widen a
 * type, rename a column. Everything else is refused with a {@link Refused} naming the table and the DDL.
 *
 * <p>The statements are derived from the target's catalog, not only from the previous source schema, so computing
 * them again after the DDL ran (a replay after a crash, MySQL's implicit commit) yields nothing: "add" only adds what
 * is missing, "drop" only drops what is there, "rename" only renames when the old name is there and the new is not.
 * Reads only; not thread-safe (used on the task thread).
 */
public final class SchemaEvolver {
    private static final String IDENT = "(`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\\p{L}\\p{N}_$]+)";
    private static final Pattern RENAME = Pattern.compile("RENAME\\s+COLUMN\\s+" + IDENT + "\\s+TO\\s+" + IDENT,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP = Pattern.compile("\\bDROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + IDENT,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CHANGE = Pattern.compile("\\bCHANGE\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?"
            + IDENT + "\\s+" + IDENT + "\\s", Pattern.CASE_INSENSITIVE);

    private final SqlDialect dialect;
    private final MappingOptions options;
    private final SchemaPlanner planner;
    private final boolean mysql;

    /** A schema change the sink does not apply by itself: the task must stop and someone decide. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    public SchemaEvolver(SqlDialect dialect, MappingOptions options, SchemaPlanner planner) {
        this.dialect = dialect;
        this.options = options;
        this.planner = planner;
        this.mysql = dialect instanceof MySqlDialect;
    }

    /**
     * The DDL that makes {@code target} take rows of {@code next}.
     *
     * @param previous    the source schema before the change, when known (else renames and narrowing are judged
     *                    from the target's catalog alone)
     * @param dropColumns drop target columns the source dropped (else keep them, nullable)
     * @param ddl         the source statement, for renames and messages; may be null
     */
    public List<String> plan(Connection c, TableSchema previous, TableSchema next, TableRef target,
                             boolean dropColumns, String ddl) throws SQLException, Refused {
        Map<String, SchemaPlanner.ExistingColumn> have = new LinkedHashMap<>(planner.readColumns(c, target));
        List<String> out = new ArrayList<>();
        String t = dialect.qualify(target);
        Set<String> wanted = new HashSet<>();
        next.columns().forEach(col -> wanted.add(planner.key(col.name())));

        for (String[] r : renames(ddl)) {
            String from = planner.key(r[0]);
            String to = planner.key(r[1]);
            // Only when unambiguous: the old name left the source, the new one arrived, and the target has the old.
            if (have.containsKey(from) && !have.containsKey(to) && wanted.contains(to) && !wanted.contains(from)) {
                out.add("ALTER TABLE " + t + " RENAME COLUMN " + dialect.quote(have.get(from).name()) + " TO "
                        + dialect.quote(r[1]));
                SchemaPlanner.ExistingColumn e = have.remove(from);
                have.put(to, new SchemaPlanner.ExistingColumn(r[1], e.type(), e.nullable(), e.hasDefault(),
                        e.mysql()));
            }
        }

        Set<String> indexed = new HashSet<>(next.primaryKey());
        next.indexes().forEach(i -> indexed.addAll(i.columns()));
        SourceKind kind = SourceKind.of(next.id());
        for (ColumnSchema col : next.columns()) {
            TargetType mapped = dialect.map(col, new ColumnContext(kind, indexed.contains(col.name()), target, options));
            SchemaPlanner.ExistingColumn e = have.get(planner.key(col.name()));
            if (e == null) {
                // NOT NULL only with a default: existing rows need a value.
                String def = dialect.renderDefault(col, mapped, new ArrayList<>());
                boolean notNull = !col.nullable() && def != null;
                out.add("ALTER TABLE " + t + " ADD COLUMN " + dialect.quote(col.name()) + " " + mapped.ddl()
                        + (def == null ? "" : " DEFAULT " + def) + (notNull ? " NOT NULL" : ""));
                continue;
            }
            ColumnSchema before = previous == null || previous.indexOf(col.name()) < 0 ? null : previous.column(col.name());
            if (before != null) {
                TargetType was = dialect.map(before,
                        new ColumnContext(kind, indexed.contains(col.name()), target, options));
                String why = change(was.ddl(), mapped.ddl());
                if (why != null) {
                    throw new Refused(refusal(target, ddl, "column " + col.name() + " changes from "
                            + before.sourceType() + " to " + col.sourceType() + " (" + why + ")"));
                }
            }
            TypeInfo need = TypeInfo.parse(mapped.ddl(), mysql);
            TypeInfo cur = TypeInfo.parse(e.type(), mysql);
            if (TypeInfo.whyNotFits(need, cur) != null) {
                String why = widening(cur, need);
                if (why != null) {
                    throw new Refused(refusal(target, ddl, "column " + col.name() + " is " + e.type() + " in "
                            + target + " and the source now needs " + mapped.ddl() + " (" + why + ")"));
                }
                out.add(mysql
                        ? "ALTER TABLE " + t + " MODIFY COLUMN " + restate(target, ddl, e, mapped.ddl(), e.nullable())
                        : "ALTER TABLE " + t + " ALTER COLUMN " + dialect.quote(e.name()) + " TYPE " + mapped.ddl());
            }
        }

        // Columns the source dropped: those of the previous schema, else (after a restart) those the DDL names. Target
        // columns the source never had are the user's and left alone, unless NOT NULL without a default would make
        // every insert fail.
        Set<String> dropped = new HashSet<>();
        if (previous != null) {
            previous.columns().forEach(col -> dropped.add(planner.key(col.name())));
        } else {
            dropped.addAll(dropsNamed(ddl));
        }
        for (SchemaPlanner.ExistingColumn e : have.values()) {
            String k = planner.key(e.name());
            if (wanted.contains(k) || !dropped.contains(k) && (e.nullable() || e.hasDefault())) {
                continue;
            }
            if (dropColumns && dropped.contains(k)) {
                out.add("ALTER TABLE " + t + " DROP COLUMN " + dialect.quote(e.name()));
            } else if (!e.nullable()) {
                out.add(mysql
                        ? "ALTER TABLE " + t + " MODIFY COLUMN " + restate(target, ddl, e, e.type(), true)
                        : "ALTER TABLE " + t + " ALTER COLUMN " + dialect.quote(e.name()) + " DROP NOT NULL");
            }
        }
        return out;
    }

    /**
     * A MySQL column's whole definition with a new type or nullability: MODIFY COLUMN replaces the definition, so
     * the DEFAULT, AUTO_INCREMENT, ON UPDATE, comment and collation are restated as the column has them.
     */
    private String restate(TableRef target, String ddl, SchemaPlanner.ExistingColumn e, String type, boolean nullable)
            throws Refused {
        if (e.mysql().generated()) {
            throw new Refused(refusal(target, ddl, "column " + e.name() + " is a generated column in " + target
                    + " (" + e.mysql().extra() + ") and its type or nullability would have to change"));
        }
        return e.mysql().restate((MySqlDialect) dialect, e.name(), type, nullable);
    }

    /** "Table X: cannot apply DDL: why. Fix: ..." in one line. */
    public static String refusal(TableRef target, String ddl, String why) {
        return "schema change of " + target + " not applied: " + why + "; DDL: "
                + (ddl == null ? "(unknown)" : ddl.replaceAll("\\s+", " ").trim())
                + ". Alter the target table by hand (or map the table elsewhere), then restart the task";
    }

    /** Null when {@code next} is the same as {@code was} or a widening the target can follow; else why not. */
    private String change(String was, String next) {
        if (was.equalsIgnoreCase(next)) {
            return null;
        }
        return widening(TypeInfo.parse(was, mysql), TypeInfo.parse(next, mysql));
    }

    /** Null when {@code to} widens {@code from}: longer VARCHAR, larger integer, DECIMAL with more digits, same scale. */
    private static String widening(TypeInfo from, TypeInfo to) {
        if (from.family() != to.family()) {
            return "a type-class change from " + from.text() + " to " + to.text();
        }
        boolean wider = switch (from.family()) {
            case INTEGER -> to.min().compareTo(from.min()) <= 0 && to.max().compareTo(from.max()) >= 0;
            case TEXT, BYTES -> to.length() == null || from.length() != null && to.length() >= from.length();
            case DECIMAL -> java.util.Objects.equals(from.scale(), to.scale())
                    && (to.precision() == null || from.precision() != null && to.precision() >= from.precision());
            default -> TypeInfo.whyNotFits(from, to) == null && TypeInfo.whyNotFits(to, from) == null;
        };
        return wider ? null : "narrowing from " + from.text() + " to " + to.text();
    }

    /** Columns the DDL drops ({@code DROP [COLUMN] [IF EXISTS] name}), as keys. */
    private Set<String> dropsNamed(String ddl) {
        Set<String> out = new HashSet<>();
        if (ddl != null) {
            Matcher m = DROP.matcher(ddl);
            while (m.find()) {
                out.add(planner.key(unquote(m.group(1))));
            }
        }
        return out;
    }

    /** Column renames the DDL states, as [old, new] pairs with quotes removed. */
    static List<String[]> renames(String ddl) {
        List<String[]> out = new ArrayList<>();
        if (ddl == null) {
            return out;
        }
        for (Pattern p : List.of(RENAME, CHANGE)) {
            Matcher m = p.matcher(ddl + " ");
            while (m.find()) {
                String from = unquote(m.group(1));
                String to = unquote(m.group(2));
                if (!from.equals(to)) {
                    out.add(new String[] {from, to});
                }
            }
        }
        return out;
    }

    private static String unquote(String id) {
        if (id.length() >= 2 && (id.charAt(0) == '`' || id.charAt(0) == '"')) {
            char q = id.charAt(0);
            return id.substring(1, id.length() - 1).replace("" + q + q, "" + q);
        }
        return id;
    }
}

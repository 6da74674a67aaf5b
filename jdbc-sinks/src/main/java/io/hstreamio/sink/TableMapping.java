package io.hstreamio.sink;

import io.hstreamio.core.record.TableId;
import io.hstreamio.sink.dialect.TableRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which source tables a sink writes, and where: include/exclude patterns over the source name, renames, and a target
 * schema. Immutable and thread-safe.
 *
 * <p>Source tables are named {@code database.table} (MySQL) or {@code schema.table} (PostgreSQL) in patterns and
 * renames; a rename's target may carry its own schema ({@code shop.orders=archive.orders_2024}).
 *
 * @param targetSchema schema (PostgreSQL) or database (MySQL) of targets without one; null: the connection's default
 * @param include      regular expressions; a table is written when one matches (all tables when empty)
 * @param exclude      regular expressions; a matching table is never written
 * @param renames      source name to target name
 * @param singleTable  a target table name for every source table (the stock {@code table} option), or null
 */
public record TableMapping(String targetSchema, List<Pattern> include, List<Pattern> exclude,
                           Map<String, String> renames, String singleTable) {

    public TableMapping {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        renames = Map.copyOf(renames);
    }

    public static TableMapping all(String targetSchema) {
        return new TableMapping(targetSchema, List.of(), List.of(), Map.of(), null);
    }

    /** Parses {@code "a.b=c.d, e.f=g"} into renames. */
    public static Map<String, String> parseRenames(List<String> entries) {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("table mapping entry '" + entry
                        + "' must be source=target, e.g. shop.orders=orders_copy");
            }
            out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return out;
    }

    /** The target of {@code source}, or empty when the table is not to be written. */
    public Optional<TableRef> route(TableId source) {
        String name = sourceName(source);
        if (!include.isEmpty() && include.stream().noneMatch(p -> p.matcher(name).matches())) {
            return Optional.empty();
        }
        if (exclude.stream().anyMatch(p -> p.matcher(name).matches())) {
            return Optional.empty();
        }
        String renamed = renames.getOrDefault(name, renames.get(source.table()));
        if (renamed == null) {
            return Optional.of(new TableRef(targetSchema, singleTable != null ? singleTable : source.table()));
        }
        int dot = renamed.lastIndexOf('.');
        return Optional.of(dot > 0 ? new TableRef(renamed.substring(0, dot), renamed.substring(dot + 1))
                : new TableRef(targetSchema, renamed));
    }

    static String sourceName(TableId id) {
        String prefix = id.schema() != null ? id.schema() : id.database();
        return prefix == null ? id.table() : prefix + "." + id.table();
    }
}

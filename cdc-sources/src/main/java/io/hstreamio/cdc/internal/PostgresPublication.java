package io.hstreamio.cdc.internal;

import io.hstreamio.cdc.CdcConfig;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publication of a PostgreSQL source that captures some tables only.
 *
 * <p>Debezium's filtered publication lists the tables that match when the connector starts ({@code FOR TABLE}).
 * PostgreSQL publishes a change by the publication as it was when the change was made, so a table created later is
 * not captured, and adding it to the publication afterwards would still lose the rows written before. With
 * {@code capture.new.tables} the publication covers the schemas the table patterns name instead
 * ({@code FOR TABLES IN SCHEMA}, PostgreSQL 15+, superuser only), which publishes a table from its creation;
 * Debezium's include list still decides which tables' changes are delivered. The price: every table of those schemas
 * is published (and decoded), and PostgreSQL refuses UPDATE and DELETE on a published table that has neither a
 * primary key nor a replica identity, so the source refuses to start while such a table exists there. It is opt-in
 * because it reaches beyond the tables the user named.
 */
final class PostgresPublication {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresPublication.class);
    static final String MODE = "publication.autocreate.mode";
    /** A pattern that starts with a plain schema name and an escaped dot: {@code public\.orders_.*}. */
    private static final Pattern SCHEMA_PREFIX = Pattern.compile("^([A-Za-z_][A-Za-z0-9_$]*)\\\\\\.");

    private PostgresPublication() {}

    /**
     * Called on the task thread before the engine starts. With a table filter and {@code capture.new.tables}, makes the
     * task's publication cover the filter's schemas and tells Debezium to leave it alone; without, says once that
     * tables created later are not captured.
     *
     * @throws IllegalStateException in one line naming the cause and the fix, when the schemas cannot be published
     */
    static void prepare(CdcConfig c, Properties p) {
        if (!"filtered".equals(p.getProperty(MODE)) || c.extra().containsKey(MODE)) {
            return; // all tables (new ones included), or a mode the user chose
        }
        String publication = EngineProperties.publicationName(c.name());
        if (!c.captureNewTables()) {
            LOG.info("publication {} lists the tables that match now; tables created later are not captured "
                    + "(see the option capture.new.tables)", publication);
            return;
        }
        List<String> patterns = EngineProperties.includePatterns(c, Dialect.POSTGRESQL);
        List<String> schemas = schemasOf(patterns).orElseThrow(() -> new IllegalStateException(
                "capture.new.tables needs table patterns that start with a schema name (schema\\.table), got "
                        + patterns + ": name the schema in each pattern, or turn capture.new.tables off"));
        String where = c.host() + ":" + c.port() + "/" + c.database();
        try (Connection conn = Preflight.connect(Preflight.adminUrl(c), c, where)) {
            ensure(conn, publication, schemas, where);
        } catch (SQLException | Preflight.PreflightException e) {
            throw new IllegalStateException("cannot set up publication " + publication + " on " + where + " for "
                    + "capture.new.tables: " + e.getMessage(), e);
        }
        p.setProperty(MODE, "disabled");
    }

    private static void ensure(Connection conn, String publication, List<String> schemas, String where)
            throws SQLException {
        boolean superuser;
        try (Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, "
                        + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")) {
            rs.next();
            if (rs.getInt(1) < 150000) {
                throw new IllegalStateException("capture.new.tables needs PostgreSQL 15 or later to publish whole "
                        + "schemas; " + where + " runs an older version: turn capture.new.tables off");
            }
            superuser = rs.getBoolean(2);
        }
        for (String schema : schemas) {
            if (!exists(conn, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema)) {
                throw new IllegalStateException("capture.new.tables: schema '" + schema + "' named by the table "
                        + "patterns does not exist in " + where + " (names are case-sensitive): fix the pattern");
            }
        }
        Boolean allTables = null;
        try (PreparedStatement ps = conn.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    allTables = rs.getBoolean(1);
                }
            }
        }
        // A publication for all tables already covers them (and recreating it under a slot in use would break the
        // slot); one made for these schemas, by us or by a superuser for us, is used as it is.
        if (Boolean.TRUE.equals(allTables) || allTables != null && covers(conn, publication, schemas)) {
            return;
        }
        if (!superuser) {
            throw new IllegalStateException("capture.new.tables publishes whole schemas, which PostgreSQL allows "
                    + "superusers only: run the source as a superuser on " + where + ", or create the publication "
                    + "as one: CREATE PUBLICATION " + quote(publication) + " FOR TABLES IN SCHEMA " + list(schemas));
        }
        List<String> unsafe = tablesWithoutIdentity(conn, schemas);
        if (!unsafe.isEmpty()) {
            throw new IllegalStateException("capture.new.tables would publish " + unsafe + " in " + where + ", which "
                    + "have no primary key or replica identity, and PostgreSQL would then refuse their UPDATEs and "
                    + "DELETEs: give them one (ALTER TABLE ... REPLICA IDENTITY FULL) or turn capture.new.tables off");
        }
        try (Statement s = conn.createStatement()) {
            if (allTables == null) {
                s.execute("CREATE PUBLICATION " + quote(publication) + " FOR TABLES IN SCHEMA " + list(schemas));
                LOG.info("created publication {} for the tables in schema(s) {}", publication, schemas);
            } else {
                // One that lists tables (Debezium's, from a run without the option): from here on, whole schemas.
                s.execute("ALTER PUBLICATION " + quote(publication) + " SET TABLES IN SCHEMA " + list(schemas));
                LOG.info("publication {} now covers the tables in schema(s) {}", publication, schemas);
            }
        }
    }

    /** Tables of the schemas whose UPDATE and DELETE PostgreSQL refuses once they are published, at most ten. */
    private static List<String> tablesWithoutIdentity(Connection conn, List<String> schemas) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT n.nspname || '.' || c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') "
                + "AND (c.relreplident = 'n' OR c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i "
                + "WHERE i.indrelid = c.oid AND i.indisprimary)) ORDER BY 1 LIMIT 10")) {
            Array array = conn.createArrayOf("text", schemas.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Whether the publication holds exactly {@code schemas} and no single tables. */
    private static boolean covers(Connection conn, String publication, List<String> schemas) throws SQLException {
        TreeSet<String> have = new TreeSet<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT n.nspname FROM pg_publication_namespace pn "
                + "JOIN pg_publication p ON p.oid = pn.pnpubid JOIN pg_namespace n ON n.oid = pn.pnnspid "
                + "WHERE p.pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    have.add(rs.getString(1));
                }
            }
        }
        return have.equals(new TreeSet<>(schemas)) && !exists(conn, "SELECT 1 FROM pg_publication_rel pr "
                + "JOIN pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = ?", publication);
    }

    private static boolean exists(Connection conn, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The schemas Debezium include patterns are confined to, in order without repeats; empty when a pattern's schema
     * is not a plain name (it could then match schemas no list can name).
     */
    static Optional<List<String>> schemasOf(List<String> patterns) {
        List<String> out = new ArrayList<>();
        for (String p : patterns) {
            String schema = null;
            if (p.startsWith("\\Q") && p.endsWith("\\E") && p.indexOf("\\E") == p.length() - 2) {
                String literal = p.substring(2, p.length() - 2); // Pattern.quote of "schema.table"
                int dot = literal.indexOf('.');
                schema = dot > 0 ? literal.substring(0, dot) : null;
            } else {
                Matcher m = SCHEMA_PREFIX.matcher(p);
                schema = m.find() ? m.group(1) : null;
            }
            if (schema == null) {
                return Optional.empty();
            }
            if (!out.contains(schema)) {
                out.add(schema);
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    private static String list(List<String> schemas) {
        return String.join(", ", schemas.stream().map(PostgresPublication::quote).toList());
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}

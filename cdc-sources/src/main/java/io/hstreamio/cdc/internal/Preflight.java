package io.hstreamio.cdc.internal;

import io.hstreamio.cdc.CdcConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Checks before a CDC source starts, so that common set-up mistakes fail with one line that names the fix instead of
 * a Debezium stack trace. Also tells a MariaDB server from a MySQL one. Blocking; any thread.
 */
public final class Preflight {
    private Preflight() {}

    /** A failed check: {@link #type()} classifies it for the protocol's check result. */
    public static final class PreflightException extends Exception {
        private final String type;

        PreflightException(String type, String message, Throwable cause) {
            super(message, cause);
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    /** Runs the checks and returns the dialect to read the server with. */
    public static Dialect check(CdcConfig c) throws PreflightException {
        return "postgresql".equals(c.kind()) ? checkPostgres(c) : checkBinlog(c);
    }

    /** A JDBC URL for the server's admin queries (no database selected for MySQL/MariaDB). */
    static String adminUrl(CdcConfig c) {
        return switch (c.kind()) {
            case "mariadb" -> "jdbc:mariadb://" + c.host() + ":" + c.port() + "/?connectTimeout=10000";
            case "postgresql" -> "jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + c.database()
                    + "?connectTimeout=10";
            default -> "jdbc:mysql://" + c.host() + ":" + c.port() + "/?connectTimeout=10000&allowPublicKeyRetrieval=true";
        };
    }

    private static Dialect checkBinlog(CdcConfig c) throws PreflightException {
        String where = c.host() + ":" + c.port();
        try (Connection conn = connect(adminUrl(c), c, where)) {
            Dialect dialect;
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                dialect = rs.getString(1).contains("MariaDB") ? Dialect.MARIADB : Dialect.MYSQL;
            }
            Map<String, String> vars = new HashMap<>();
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image')")) {
                while (rs.next()) {
                    vars.put(rs.getString(1).toLowerCase(), rs.getString(2));
                }
            }
            if (!"ON".equalsIgnoreCase(vars.get("log_bin"))) {
                throw new PreflightException("BINLOG", "the binary log is off on " + where + ": add log_bin, "
                        + "binlog_format=ROW and binlog_row_image=FULL under [mysqld] and restart the server", null);
            }
            if (!"ROW".equalsIgnoreCase(vars.get("binlog_format"))) {
                throw new PreflightException("BINLOG", "binlog_format is " + vars.get("binlog_format") + " on "
                        + where + " but CDC needs ROW: set binlog_format=ROW under [mysqld] and restart the server",
                        null);
            }
            if (vars.containsKey("binlog_row_image") && !"FULL".equalsIgnoreCase(vars.get("binlog_row_image"))) {
                throw new PreflightException("BINLOG", "binlog_row_image is " + vars.get("binlog_row_image") + " on "
                        + where + " but CDC needs FULL: set binlog_row_image=FULL under [mysqld] and restart", null);
            }
            try (Statement s = conn.createStatement()) {
                s.executeQuery("SHOW MASTER STATUS").close();
            } catch (SQLException e) {
                throw new PreflightException("PRIVILEGE", "user '" + c.user() + "' may not read the binary log "
                        + "position on " + where + " (" + e.getMessage() + "): GRANT REPLICATION SLAVE, REPLICATION "
                        + "CLIENT ON *.* TO the user (MariaDB: also BINLOG MONITOR)", e);
            }
            requireExists(conn, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                    new String[] {c.database()}, "database '" + c.database() + "' not found on " + where
                            + ": check the database option");
            for (String t : c.tables()) {
                String[] parts = t.contains(".") ? t.split("\\.", 2) : new String[] {c.database(), t};
                requireExists(conn, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                        parts, "table '" + parts[0] + "." + parts[1] + "' not found on " + where
                                + ": check the table option");
            }
            return dialect;
        } catch (SQLException e) {
            throw new PreflightException("CONNECTION", "cannot check " + where + ": " + e.getMessage(), e);
        }
    }

    private static Dialect checkPostgres(CdcConfig c) throws PreflightException {
        String where = c.host() + ":" + c.port();
        String url = adminUrl(c);
        try (Connection conn = connect(url, c, where)) {
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                String level = rs.getString(1);
                if (!"logical".equals(level)) {
                    throw new PreflightException("WAL_LEVEL", "wal_level is " + level + " on " + where
                            + " but CDC needs logical: set wal_level=logical in postgresql.conf and restart the server",
                            null);
                }
            }
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new PreflightException("PRIVILEGE", "user '" + c.user() + "' lacks the REPLICATION "
                            + "attribute on " + where + ": ALTER ROLE " + c.user() + " REPLICATION", null);
                }
            }
            for (String t : c.tables()) {
                String[] parts = t.contains(".") ? t.split("\\.", 2) : new String[] {"public", t};
                requireExists(conn, "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                        parts, "table '" + parts[0] + "." + parts[1] + "' not found in database '" + c.database()
                                + "' on " + where + ": check the table option");
                requireReplicaIdentity(conn, parts, where);
            }
            return Dialect.POSTGRESQL;
        } catch (SQLException e) {
            throw new PreflightException("CONNECTION", "cannot check " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * A published table without a primary key and with the default replica identity makes PostgreSQL refuse every
     * UPDATE and DELETE on it, and would give a sink no before-image to match rows with.
     */
    private static void requireReplicaIdentity(Connection conn, String[] table, String where)
            throws SQLException, PreflightException {
        String sql = "SELECT c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, table[0]);
            ps.setString(2, table[1]);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && "d".equals(rs.getString(1)) && !rs.getBoolean(2)) {
                    throw new PreflightException("REPLICA_IDENTITY", "table '" + table[0] + "." + table[1] + "' on "
                            + where + " has no primary key, so once published PostgreSQL would refuse its UPDATEs and"
                            + " DELETEs: ALTER TABLE " + table[0] + "." + table[1] + " REPLICA IDENTITY FULL", null);
                }
            }
        }
    }

    static Connection connect(String url, CdcConfig c, String where) throws PreflightException {
        Properties p = new Properties();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password() == null ? "" : c.password());
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("28") || e.getErrorCode() == 1045) {
                throw new PreflightException("AUTH", "cannot log in to " + where + " as '" + c.user() + "': "
                        + e.getMessage() + ": check the user and password options", e);
            }
            if ("3D000".equals(state) || e.getErrorCode() == 1049) {
                throw new PreflightException("DATABASE", "database '" + c.database() + "' not found on " + where
                        + ": check the database option", e);
            }
            throw new PreflightException("CONNECTION", "cannot connect to " + where + ": " + e.getMessage()
                    + ": check the host and port options and that the server runs", e);
        }
    }

    private static void requireExists(Connection conn, String sql, String[] params, String message)
            throws SQLException, PreflightException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new PreflightException("NOT_FOUND", message, null);
                }
            }
        }
    }
}

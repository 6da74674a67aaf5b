package io.hstreamio.cdc.internal;

import io.hstreamio.cdc.CdcConfig;
import io.hstreamio.core.record.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads defaults, identity/serial, the database encoding and each column's attnum (information_schema's
 * ordinal_position) from PostgreSQL's catalog, one short connection a call.
 */
final class PostgresColumnExtras implements ColumnExtras {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresColumnExtras.class);

    private final CdcConfig config;
    private boolean warned;

    PostgresColumnExtras(CdcConfig config) {
        this.config = config;
    }

    @Override
    public Map<String, Extra> of(TableId table) {
        String url = "jdbc:postgresql://" + config.host() + ":" + config.port() + "/" + config.database()
                + "?connectTimeout=10";
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password() == null ? "" : config.password());
        try (Connection c = DriverManager.getConnection(url, p)) {
            String encoding;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()");
                    ResultSet rs = ps.executeQuery()) {
                encoding = rs.next() ? rs.getString(1) : null;
            }
            Map<String, Extra> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT column_name, column_default, is_identity, "
                    + "data_type IN ('character varying', 'character', 'text', 'json', 'jsonb', 'USER-DEFINED'), "
                    + "ordinal_position FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
                ps.setString(1, table.schema() == null ? "public" : table.schema());
                ps.setString(2, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String dflt = rs.getString(2);
                        boolean auto = "YES".equals(rs.getString(3)) || (dflt != null && dflt.startsWith("nextval("));
                        out.put(rs.getString(1), new Extra(auto && dflt != null && dflt.startsWith("nextval(")
                                ? null : dflt, auto, rs.getBoolean(4) ? encoding : null, rs.getInt(5)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot read column defaults of {} from {}:{} ({}); schemas go without them",
                        table, config.host(), config.port(), e.getMessage());
            }
            return Map.of();
        }
    }
}

package io.hstreamio.cdc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a CDC source needs to start, parsed once from the connector's options.
 *
 * @param name             the connector (or task) name; fixes Debezium's topic prefix, the binlog client's server
 *                         id and the PostgreSQL slot and publication names, so it must stay the same across restarts
 * @param kind             {@code mysql}, {@code mariadb} or {@code postgresql}; a {@code mysql} source that finds a
 *                         MariaDB server switches to the MariaDB connector
 * @param tables           tables to capture as the stock {@code table} option gives them (name or database.name,
 *                         schema.name for PostgreSQL); empty for all tables of {@code database}
 * @param tableIncludeList extra Debezium-style regular expressions of fully qualified tables to capture
 * @param tableExcludeList regular expressions of tables not to capture
 * @param serverTimeZone   MySQL {@code serverTimeZone}: the session time zone used to read TIMESTAMP columns in the
 *                         snapshot; null for the server's
 * @param snapshotMode     Debezium snapshot mode: {@code initial} (default), {@code no_data}, {@code never} ...
 * @param captureNewTables PostgreSQL with a table filter: publish the filter's whole schemas, so that tables created
 *                         after start are captured too (see {@code internal.PostgresPublication})
 * @param extra            further Debezium properties, passed through unchanged (for tuning and tests)
 */
public record CdcConfig(
        String name,
        String kind,
        String host,
        int port,
        String user,
        String password,
        String database,
        List<String> tables,
        List<String> tableIncludeList,
        List<String> tableExcludeList,
        String serverTimeZone,
        String snapshotMode,
        boolean captureNewTables,
        Map<String, String> extra) {

    public CdcConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        tables = tables == null ? List.of() : List.copyOf(tables);
        tableIncludeList = tableIncludeList == null ? List.of() : List.copyOf(tableIncludeList);
        tableExcludeList = tableExcludeList == null ? List.of() : List.copyOf(tableExcludeList);
        snapshotMode = snapshotMode == null ? "initial" : snapshotMode;
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "CdcConfig[name=" + name + ", kind=" + kind + ", " + user + "@" + host + ":" + port + "/" + database
                + ", tables=" + tables + ", include=" + tableIncludeList + ", exclude=" + tableExcludeList
                + ", snapshotMode=" + snapshotMode + (captureNewTables ? ", captureNewTables" : "") + "]";
    }
}

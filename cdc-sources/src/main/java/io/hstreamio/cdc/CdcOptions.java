package io.hstreamio.cdc;

import io.hstreamio.cdc.internal.StoredPositionGuard;
import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;
import java.util.List;
import java.util.Map;

/** The options of the CDC sources, with HStream IO's stock names where the stock sources have them. */
public final class CdcOptions {
    private CdcOptions() {}

    public static final OptionDef<String> HOST = OptionDef.string("host")
            .doc("Database server host name or address.").required().build();
    public static final OptionDef<Integer> MYSQL_PORT = OptionDef.integer("port")
            .doc("Database server port.").defaultValue(3306).validator(Validators.port()).build();
    public static final OptionDef<Integer> POSTGRES_PORT = OptionDef.integer("port")
            .doc("Database server port.").defaultValue(5432).validator(Validators.port()).build();
    public static final OptionDef<String> USER = OptionDef.string("user")
            .doc("User with replication rights (MySQL/MariaDB: REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD;"
                    + " PostgreSQL: REPLICATION and SELECT).").required().build();
    public static final OptionDef<String> PASSWORD = OptionDef.password("password")
            .doc("The user's password.").build();
    public static final OptionDef<String> DATABASE = OptionDef.string("database")
            .doc("The database to capture.").required().build();
    public static final OptionDef<List<String>> TABLE = OptionDef.list("table")
            .doc("Tables to capture: names in 'database' (PostgreSQL: schema.name, 'public' when no schema is given),"
                    + " comma-separated. Empty: every table of the database.").build();
    public static final OptionDef<List<String>> TABLE_INCLUDE = OptionDef.list("table.include.list")
            .doc("More tables to capture, as regular expressions of database.table (PostgreSQL: schema.table).")
            .build();
    public static final OptionDef<List<String>> TABLE_EXCLUDE = OptionDef.list("table.exclude.list")
            .doc("Tables not to capture, as regular expressions of database.table (PostgreSQL: schema.table).")
            .build();
    public static final OptionDef<String> SERVER_TIME_ZONE = OptionDef.string("serverTimeZone")
            .doc("The server's time zone (e.g. UTC, Europe/Berlin), used to read TIMESTAMP columns in the snapshot;"
                    + " unset: the server's own setting.").build();
    public static final OptionDef<String> SNAPSHOT_MODE = OptionDef.string("snapshot.mode")
            .doc("parallel: stream from now and read the tables alongside in parallel chunks without locks, handing "
                    + "each chunk over to the stream with watermarks; initial: Debezium's own snapshot (one thread, "
                    + "a brief global read lock), then stream; no_data: stream only, from now; when_needed: snapshot "
                    + "when no usable position is stored.")
            .defaultValue("parallel")
            .validator(Validators.oneOf("parallel", "initial", "no_data", "when_needed"))
            .build();
    public static final OptionDef<Integer> SNAPSHOT_PARALLELISM = OptionDef.integer("snapshot.parallelism")
            .doc("snapshot.mode=parallel: chunks read at the same time, each over its own connection.")
            .defaultValue(4).validator(Validators.positive()).build();
    public static final OptionDef<Integer> SNAPSHOT_CHUNK_ROWS = OptionDef.integer("snapshot.chunk.rows")
            .doc("snapshot.mode=parallel: rows per chunk. A chunk waits in memory until the stream passes it, so "
                    + "at most 3 x snapshot.parallelism chunks are held: lower this for wide rows.")
            .defaultValue(10_000).validator(Validators.positive()).build();

    public static final OptionDef<Long> SNAPSHOT_CHUNK_BYTES = OptionDef.longInt("snapshot.chunk.bytes")
            .doc("snapshot.mode=parallel: estimated bytes per chunk at the source; tables with wide rows get chunks "
                    + "of fewer than snapshot.chunk.rows rows, so that the chunks held in memory stay bounded in bytes.")
            .defaultValue(16L << 20).validator(Validators.positive()).build();

    public static final OptionDef<String> START_POSITION = OptionDef.string("start.position")
            .doc("MySQL/MariaDB: where a source without stored offsets starts reading the binlog, as file:position "
                    + "(e.g. mysql-bin.000003:4567, from SHOW MASTER STATUS); no snapshot is taken, and the tables' "
                    + "current shape is taken as their shape at that position, so no DDL may have run on them since. "
                    + "Ignored once the source has stored offsets. (PostgreSQL: a source starts where its replication"
                    + " slot hstream_<name>_... stands; create the slot and publication first to start earlier.)")
            .build();

    public static final OptionDef<StoredPositionGuard.OnLost> ON_POSITION_LOST = OptionDef.enumeration(
                    "snapshot.on.position.lost", StoredPositionGuard.OnLost.class)
            .doc("When the stored position is gone from the server (binlog purged, replication slot dropped): "
                    + "fail, or resnapshot (forget the position and snapshot the tables again).")
            .defaultValue(StoredPositionGuard.OnLost.FAIL)
            .build();

    public static final OptionDef<Boolean> CAPTURE_NEW_TABLES = OptionDef.bool("capture.new.tables")
            .doc("PostgreSQL with table or table.include.list: also capture tables created after start that match. "
                    + "The publication then covers the whole schemas the patterns name (PostgreSQL 15+, superuser), "
                    + "so every table in them is published, and PostgreSQL refuses UPDATE and DELETE on a published "
                    + "table without primary key or replica identity: the source refuses to start while one exists. "
                    + "Off: the publication lists the tables that match at start.")
            .defaultValue(false)
            .build();

    static OptionsDefinition binlog(String component) {
        return OptionsDefinition.builder(component)
                .add(HOST, MYSQL_PORT, USER, PASSWORD, DATABASE, TABLE, TABLE_INCLUDE, TABLE_EXCLUDE,
                        SERVER_TIME_ZONE, SNAPSHOT_MODE, SNAPSHOT_PARALLELISM, SNAPSHOT_CHUNK_ROWS,
                        SNAPSHOT_CHUNK_BYTES, START_POSITION, ON_POSITION_LOST)
                .build();
    }

    static OptionsDefinition postgres(String component) {
        return OptionsDefinition.builder(component)
                .add(HOST, POSTGRES_PORT, USER, PASSWORD, DATABASE, TABLE, TABLE_INCLUDE, TABLE_EXCLUDE,
                        SNAPSHOT_MODE, SNAPSHOT_PARALLELISM, SNAPSHOT_CHUNK_ROWS, SNAPSHOT_CHUNK_BYTES, ON_POSITION_LOST,
                        CAPTURE_NEW_TABLES)
                .build();
    }

    /** The engine configuration for parsed options; {@code name} must be stable across restarts. */
    static CdcConfig toConfig(String name, String kind, Options o) {
        boolean postgres = "postgresql".equals(kind);
        return new CdcConfig(
                name,
                kind,
                o.get(HOST),
                postgres ? o.get(POSTGRES_PORT) : o.get(MYSQL_PORT),
                o.get(USER),
                o.find(PASSWORD).orElse(""),
                o.get(DATABASE),
                o.find(TABLE).orElse(List.of()),
                o.find(TABLE_INCLUDE).orElse(List.of()),
                o.find(TABLE_EXCLUDE).orElse(List.of()),
                postgres ? null : o.find(SERVER_TIME_ZONE).orElse(null),
                o.get(SNAPSHOT_MODE),
                postgres && o.get(CAPTURE_NEW_TABLES),
                Map.of());
    }
}

package io.hstreamio.sink;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;
import io.hstreamio.core.task.CheckResult;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The JDBC sinks {@code postgresql}, {@code mysql} and {@code mariadb}: one options definition, one task
 * ({@link JdbcSinkTask}); the subclasses fix the dialect, URL scheme and default port.
 */
public abstract class JdbcSinkConnector implements SinkConnector {

    static final OptionDef<String> HOST = OptionDef.string("host").doc("Target database server host.").required()
            .build();
    static final OptionDef<String> USER = OptionDef.string("user").doc("Target database user.").required().build();
    static final OptionDef<String> PASSWORD = OptionDef.password("password").doc("Password of the user.").build();
    static final OptionDef<String> DATABASE = OptionDef.string("database").doc("Target database to connect to.")
            .required().build();
    static final OptionDef<String> TABLE = OptionDef.string("table")
            .doc("Target table for every source table of the stream (single-table sinks). Unset: each source table "
                    + "goes to a target table of its own name, after table.mapping.").build();
    static final OptionDef<String> SCHEMA = OptionDef.string("schema")
            .doc("Target schema (PostgreSQL) or database (MySQL/MariaDB) of tables without one in table.mapping. "
                    + "Unset: the connection's default (public, or the database option).").build();
    static final OptionDef<List<String>> TABLE_MAPPING = OptionDef.list("table.mapping")
            .doc("Renames, source=target, e.g. shop.orders=archive.orders; source names are database.table (MySQL) "
                    + "or schema.table (PostgreSQL).").build();
    static final OptionDef<List<String>> TABLE_INCLUDE = OptionDef.list("table.include")
            .doc("Regular expressions over source names; only matching tables are written (all when unset).").build();
    static final OptionDef<List<String>> TABLE_EXCLUDE = OptionDef.list("table.exclude")
            .doc("Regular expressions over source names; matching tables are never written.").build();
    static final OptionDef<Boolean> CREATE_TABLES = OptionDef.bool("table.create")
            .doc("Create missing target tables from the source schema.").defaultValue(true).build();
    static final OptionDef<Boolean> DRY_RUN = OptionDef.bool("dry.run")
            .doc("Log the DDL and every lossy or risky cast for each table, and write nothing.").defaultValue(false)
            .build();
    static final OptionDef<Boolean> TINYINT1_AS_BOOLEAN = OptionDef.bool("tinyint1.as.boolean")
            .doc("Create MySQL TINYINT(1) columns as PostgreSQL boolean.").defaultValue(true).build();
    static final OptionDef<MappingOptions.EnumMode> ENUM_MODE = OptionDef.enumeration("enum.mode",
                    MappingOptions.EnumMode.class)
            .doc("MySQL ENUM in PostgreSQL: CHECK (text with a check constraint) or TYPE (CREATE TYPE ... AS ENUM).")
            .defaultValue(MappingOptions.EnumMode.CHECK).build();
    static final OptionDef<String> CHECKPOINT_SCHEMA = OptionDef.string("checkpoint.schema")
            .doc("Schema (PostgreSQL) or database (MySQL/MariaDB) of the sink's checkpoint table.")
            .defaultValue(SinkSettings.DEFAULT_CHECKPOINT_SCHEMA).build();
    static final OptionDef<Integer> COPY_THRESHOLD = OptionDef.integer("copy.threshold")
            .doc("Snapshot rows of one table in one batch from which PostgreSQL COPY is used.").defaultValue(1000)
            .validator(Validators.positive()).build();
    static final OptionDef<Boolean> SCHEMA_DROP_COLUMNS = OptionDef.bool("schema.drop.columns")
            .doc("Drop target columns the source dropped; false keeps them and makes them nullable.")
            .defaultValue(false).build();
    static final OptionDef<Boolean> SCHEMA_DROP_TABLES = OptionDef.bool("schema.drop.tables")
            .doc("Drop target tables the source dropped; false leaves them and logs the drop.").defaultValue(false)
            .build();

    private final OptionDef<Integer> port = OptionDef.integer("port").doc("Target database server port.")
            .defaultValue(defaultPort()).validator(Validators.port()).build();

    /** The target's dialect. */
    protected abstract SqlDialect dialect();

    protected abstract int defaultPort();

    /** JDBC URL of {@code database} on {@code host:port}, with the driver settings the sink relies on. */
    protected abstract String jdbcUrl(String host, int port, String database);

    OptionDef<Integer> port() {
        return port;
    }

    @Override
    public OptionsDefinition options() {
        return OptionsDefinition.builder(name() + " sink")
                .add(HOST, port, USER, PASSWORD, DATABASE, TABLE, SCHEMA, TABLE_MAPPING, TABLE_INCLUDE, TABLE_EXCLUDE,
                        CREATE_TABLES, DRY_RUN, TINYINT1_AS_BOOLEAN, ENUM_MODE, CHECKPOINT_SCHEMA, COPY_THRESHOLD,
                        SCHEMA_DROP_COLUMNS, SCHEMA_DROP_TABLES)
                .build();
    }

    @Override
    public SinkTask createTask() {
        return new JdbcSinkTask(this);
    }

    @Override
    public CheckResult check(Options o) {
        Properties p = new Properties();
        p.setProperty("user", o.get(USER));
        o.find(PASSWORD).ifPresent(pw -> p.setProperty("password", pw));
        String url = jdbcUrl(o.get(HOST), o.get(port), o.get(DATABASE));
        try (Connection c = DriverManager.getConnection(url, p)) {
            if (!c.isValid(5)) {
                return CheckResult.failed("connection", "cannot use " + url + ": the connection is not valid");
            }
            if (o.get(CREATE_TABLES)) {
                String denied = createDenied(c, o);
                if (denied != null) {
                    return CheckResult.failed("permission", denied);
                }
            }
            return CheckResult.ok();
        } catch (SQLException e) {
            return CheckResult.failed("connection", "cannot connect to " + url + " as " + o.get(USER) + ": "
                    + e.getMessage() + " (check host, port, database, user and password)");
        }
    }

    /**
     * Why the user cannot create the tables it will need, or null. PostgreSQL: the schema's CREATE privilege;
     * MySQL/MariaDB: a probe table created and dropped at once (its privileges are too many-layered to ask).
     */
    private static String createDenied(Connection c, Options o) throws SQLException {
        String user = o.get(USER);
        if (c.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
            String schema = o.find(SCHEMA).orElse(null);
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT n.nspname, has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n"
                            + " WHERE n.nspname = COALESCE(?, current_schema())")) {
                ps.setString(1, schema);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return schema == null ? null : "schema " + schema + " does not exist in database "
                                + o.get(DATABASE) + ": create it, or name another schema";
                    }
                    return rs.getBoolean(2) ? null : "user " + user + " may not create tables in schema "
                            + rs.getString(1) + " of database " + o.get(DATABASE) + ": GRANT CREATE ON SCHEMA "
                            + rs.getString(1) + " TO " + user + ", or connect as a user who may";
                }
            }
        }
        String probe = "hstreamio_probe_" + Long.toHexString(System.nanoTime());
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE `" + probe + "` (x INT)");
            st.execute("DROP TABLE `" + probe + "`");
            return null;
        } catch (SQLException e) {
            return "user " + user + " may not create tables in database " + o.get(DATABASE) + " (" + e.getMessage()
                    + "): GRANT CREATE, DROP ON `" + o.get(DATABASE) + "`.* TO the user, or connect as one who may";
        }
    }
}

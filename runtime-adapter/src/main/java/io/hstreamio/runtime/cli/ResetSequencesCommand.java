package io.hstreamio.runtime.cli;

import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.SqlDialect.IdentityColumn;
import io.hstreamio.snapshot.BadInputException;
import io.hstreamio.snapshot.ConnectErrors;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotReader;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reset-sequences}: at cutover, moves every identity / serial / AUTO_INCREMENT counter of the target's tables
 * past the highest key they hold, so that rows inserted there afterwards get fresh keys. For operators who cut over
 * while no sink task runs (a task's graceful stop does the same for the tables it wrote). Idempotent.
 *
 * <p>Exit codes: 0 done, 1 failed while running, 2 bad usage (URL, login, a pattern that matches no such table).
 */
@Command(name = "reset-sequences", mixinStandardHelpOptions = true,
        description = {"Moves the identity/serial (PostgreSQL) or AUTO_INCREMENT (MySQL/MariaDB) counters of the "
                + "target's tables past the highest key each holds, so inserts after a cutover get fresh keys. "
                + "Prints what it set.",
                "URLs: postgresql://user@host:5432/db?schema=s, mysql://user:pass@host:3306/db, mariadb://..., or "
                        + "JDBC URLs of those.",
                "Exit codes: 0 done, 1 failed while running, 2 bad usage or configuration."})
final class ResetSequencesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, description = "Target database URL (PostgreSQL: its schema, default "
            + "public; MySQL/MariaDB: its database).")
    String to;

    @Option(names = "--tables", split = ",",
            description = "Comma-separated table names or globs (* ?), e.g. 'orders,customer_*'. Default: every "
                    + "table with such a column.")
    List<String> tables = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            DatabaseUrl target = DatabaseUrl.parse("--to", to);
            SqlDialect dialect = LoadCommand.Targets.dialect(target);
            String schema = LoadCommand.Targets.schema(target);
            try (Connection c = connect(target)) {
                if (dialect.sessionInitSql() != null) {
                    try (Statement st = c.createStatement()) {
                        st.execute(dialect.sessionInitSql());
                    }
                }
                List<IdentityColumn> chosen = select(dialect.identityColumns(c, schema), target);
                List<List<String>> rows = new ArrayList<>();
                for (IdentityColumn ic : chosen) {
                    long next = dialect.resetIdentity(c, ic.table(), ic.column());
                    rows.add(List.of(ic.table().toString(), ic.column(), Long.toString(next)));
                }
                if (rows.isEmpty()) {
                    out.println("reset-sequences: no table of " + target + " has an identity, serial or "
                            + "AUTO_INCREMENT column; nothing to do");
                } else {
                    out.print(Tables.render(List.of("table", "column", "next value"), rows));
                    out.println("reset-sequences: " + rows.size() + " counter(s) set in " + target);
                }
                out.flush();
                return 0;
            }
        } catch (BadInputException e) {
            err.println("error: " + Errors.oneLine(e));
            err.flush();
            return HStreamIoCli.EXIT_USAGE;
        }
    }

    /** The columns of tables matching {@code --tables}; every pattern must match one. */
    private List<IdentityColumn> select(List<IdentityColumn> all, DatabaseUrl target) {
        if (tables == null || tables.isEmpty()) {
            return all;
        }
        List<IdentityColumn> out = new ArrayList<>();
        for (String p : tables) {
            Pattern re = Pattern.compile(SnapshotReader.globRegex(p.strip()));
            List<IdentityColumn> hits = all.stream().filter(ic -> re.matcher(ic.table().table()).matches()
                    || re.matcher(ic.table().schema() + "." + ic.table().table()).matches()).toList();
            if (hits.isEmpty()) {
                String known = all.stream().map(ic -> ic.table().table()).distinct().limit(10)
                        .collect(Collectors.joining(", "));
                throw new BadInputException("--tables pattern '" + p.strip() + "' matches no table with an identity, "
                        + "serial or AUTO_INCREMENT column in " + target + (all.isEmpty() ? " (it has none)"
                        : "; tables with one: " + known + (all.size() > 10 ? ", ..." : "")));
            }
            hits.stream().filter(h -> !out.contains(h)).forEach(out::add);
        }
        return out;
    }

    private static Connection connect(DatabaseUrl url) {
        Properties p = new Properties();
        if (url.user() != null) {
            p.setProperty("user", url.user());
        }
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        try {
            Connection c = DriverManager.getConnection(LoadCommand.Targets.jdbcUrl(url), p);
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            throw ConnectErrors.describe(url, e);
        }
    }
}

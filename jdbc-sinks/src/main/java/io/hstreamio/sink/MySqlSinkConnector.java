package io.hstreamio.sink;

import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.SqlDialect;

/**
 * The {@code mysql} sink. It talks to MySQL through the MariaDB client, which speaks the same protocol, so one driver
 * serves both targets.
 */
public class MySqlSinkConnector extends JdbcSinkConnector {
    @Override
    public String name() {
        return "mysql";
    }

    @Override
    protected SqlDialect dialect() {
        return MySqlDialect.INSTANCE;
    }

    @Override
    protected int defaultPort() {
        return 3306;
    }

    @Override
    protected String jdbcUrl(String host, int port, String database) {
        // useBulkStmts: MariaDB runs a whole JDBC batch (deletes and upserts too) in one bulk round trip; the sink
        // never reads per-row update counts, which bulk mode does not give. MySQL servers fall back to pipelining.
        // dumpQueriesOnException=false (the default, pinned): no statement with its values in exception messages.
        return "jdbc:mariadb://" + host + ":" + port + "/" + database
                + "?useBulkStmts=true&dumpQueriesOnException=false";
    }
}

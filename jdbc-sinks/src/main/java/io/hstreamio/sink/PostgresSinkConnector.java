package io.hstreamio.sink;

import io.hstreamio.sink.dialect.PostgresDialect;
import io.hstreamio.sink.dialect.SqlDialect;

/** The {@code postgresql} sink. */
public final class PostgresSinkConnector extends JdbcSinkConnector {
    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    protected SqlDialect dialect() {
        return PostgresDialect.INSTANCE;
    }

    @Override
    protected int defaultPort() {
        return 5432;
    }

    @Override
    protected String jdbcUrl(String host, int port, String database) {
        // reWriteBatchedInserts turns a JDBC batch of INSERTs into multi-row INSERTs (about 3x faster here).
        // logServerErrorDetail=false keeps row values out of exception messages (DETAIL "Key (id)=(42) ...", WHERE,
        // batch entries with their parameters), which the pool logs when it evicts a connection.
        return "jdbc:postgresql://" + host + ":" + port + "/" + database
                + "?reWriteBatchedInserts=true&logServerErrorDetail=false";
    }
}

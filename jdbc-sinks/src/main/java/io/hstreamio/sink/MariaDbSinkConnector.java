package io.hstreamio.sink;

/** The {@code mariadb} sink: the {@code mysql} sink under MariaDB's name. */
public final class MariaDbSinkConnector extends MySqlSinkConnector {
    @Override
    public String name() {
        return "mariadb";
    }
}

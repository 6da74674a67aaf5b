package io.hstreamio.cdc.internal;

/** The source database flavour, which fixes the Debezium connector and how types and positions read. */
public enum Dialect {
    MYSQL("io.debezium.connector.mysql.MySqlConnector"),
    MARIADB("io.debezium.connector.mariadb.MariaDbConnector"),
    POSTGRESQL("io.debezium.connector.postgresql.PostgresConnector");

    private final String connectorClass;

    Dialect(String connectorClass) {
        this.connectorClass = connectorClass;
    }

    public String connectorClass() {
        return connectorClass;
    }

    public boolean isBinlog() {
        return this != POSTGRESQL;
    }
}

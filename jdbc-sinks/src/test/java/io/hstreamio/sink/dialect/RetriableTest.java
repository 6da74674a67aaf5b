package io.hstreamio.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetriableTest {
    @ParameterizedTest
    @CsvSource({
        "08006, 0, true", "08S01, 0, true", "40001, 0, true", "40P01, 0, true", "57P01, 0, true",
        "HY000, 1205, true", "HY000, 1927, true",
        "23505, 0, false", "22001, 0, false", "23000, 1062, false", "42P01, 0, false"})
    void classifies(String state, int code, boolean retriable) {
        SQLException e = new SQLException("x", state, code);
        assertThat(MySqlDialect.INSTANCE.isRetriable(e) || PostgresDialect.INSTANCE.isRetriable(e))
                .isEqualTo(retriable);
        // A batch failure wraps the server's reason as the next exception.
        BatchUpdateException batch = new BatchUpdateException("batch", "HY000", 0, new int[0], null);
        batch.setNextException(e);
        assertThat(PostgresDialect.INSTANCE.isRetriable(batch) || MySqlDialect.INSTANCE.isRetriable(batch))
                .isEqualTo(retriable);
    }

    @ParameterizedTest
    @CsvSource({
        "08006, 0, true", "08001, 0, true", "08S01, 0, true", "57P01, 0, true", "57P03, 0, true", "53300, 0, true",
        "HY000, 2013, true", "HY000, 2006, true", "70100, 1927, true", "08004, 1040, true",
        "40001, 0, false", "40P01, 0, false", "HY000, 1213, false", "HY000, 1205, false", "28P01, 0, false",
        "3D000, 0, false", "23505, 0, false"})
    void connectionFailuresAreTheOutageKindOfRetriable(String state, int code, boolean unreachable) {
        SQLException e = new SQLException("x", state, code);
        assertThat(MySqlDialect.INSTANCE.isConnectionFailure(e) || PostgresDialect.INSTANCE.isConnectionFailure(e))
                .isEqualTo(unreachable);
        if (unreachable) {
            assertThat(MySqlDialect.INSTANCE.isRetriable(e) || PostgresDialect.INSTANCE.isRetriable(e)).isTrue();
        }
        BatchUpdateException batch = new BatchUpdateException("batch", "HY000", 0, new int[0], null);
        batch.setNextException(e);
        assertThat(PostgresDialect.INSTANCE.isConnectionFailure(batch)
                || MySqlDialect.INSTANCE.isConnectionFailure(batch))
                .isEqualTo(unreachable);
    }

    @Test
    void aPoolTimeoutIsAnOutageOnlyWhenItsCauseIs() {
        // HikariCP's "connection is not available" carries the last connection failure's SQLState and cause.
        SQLException refused = new SQLTransientConnectionException("pool - Connection is not available", "08001",
                new SQLException("The connection attempt failed.", "08001",
                        new ConnectException("Connection refused")));
        SQLException badPassword = new SQLTransientConnectionException("pool - Connection is not available", "28P01",
                new SQLException("password authentication failed for user \"app\"", "28P01"));
        SQLException nothingYet = new SQLTransientConnectionException("pool - Connection is not available");
        assertThat(PostgresDialect.INSTANCE.isConnectionFailure(refused)).isTrue();
        assertThat(PostgresDialect.INSTANCE.isConnectionFailure(badPassword)).isFalse();
        assertThat(PostgresDialect.INSTANCE.isConnectionFailure(nothingYet)).isTrue();
        // A socket error under a driver exception without a class-08 state.
        assertThat(MySqlDialect.INSTANCE.isConnectionFailure(
                new SQLException("Socket error", null, 0, new SocketException("Connection reset")))).isTrue();
    }
}

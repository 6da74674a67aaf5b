package io.hstreamio.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
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
}

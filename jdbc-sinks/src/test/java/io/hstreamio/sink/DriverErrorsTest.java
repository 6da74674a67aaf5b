package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Driver messages as pgjdbc and MariaDB Connector/J write them, with the row values cut out. */
class DriverErrorsTest {
    @Test
    void pgjdbcBatchEntryLosesItsStatementAndValues() {
        assertThat(DriverErrors.redact("Batch entry 3 INSERT INTO \"t\" (\"id\", \"v\") VALUES (('42'::int8), "
                + "('s3cret was aborted too')) was aborted: ERROR: duplicate key value violates unique constraint "
                + "\"t_pkey\"\n  Detail: Key (id)=(42) already exists.  Call getNextException to see other errors."))
                .isEqualTo("Batch entry 3 was aborted: ERROR: duplicate key value violates unique constraint "
                        + "\"t_pkey\"")
                .doesNotContain("s3cret", "42");
    }

    @Test
    void postgresValuesQuotedInThePrimaryMessage() {
        assertThat(DriverErrors.redact("ERROR: invalid input syntax for type integer: \"s3cret\""))
                .isEqualTo("ERROR: invalid input syntax for type integer: (value hidden)");
        assertThat(DriverErrors.redact("ERROR: value \"99999999999\" is out of range for type integer"))
                .isEqualTo("ERROR: value (value hidden) is out of range for type integer");
        assertThat(DriverErrors.redact("ERROR: null value in column \"v\" of relation \"t\" violates not-null "
                + "constraint\n  Detail: Failing row contains (1, null, s3cret)."))
                .isEqualTo("ERROR: null value in column \"v\" of relation \"t\" violates not-null constraint");
    }

    @Test
    void mariadbDuplicateEntryAndIncorrectValue() {
        assertThat(DriverErrors.redact("(conn=12) Duplicate entry 's3cret@x' for key 'uq_email'"))
                .isEqualTo("(conn=12) Duplicate entry (value hidden) for key 'uq_email'");
        assertThat(DriverErrors.redact("(conn=12) Incorrect integer value: 's3cret' for column `db`.`t`.`n` at row 1"))
                .isEqualTo("(conn=12) Incorrect integer value: (value hidden) for column `db`.`t`.`n` at row 1");
    }

    @Test
    void theCopyKeepsStateCodeAndChainButNoValues() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO t VALUES ('s3cret') was "
                + "aborted: ERROR: duplicate key", "23505", 0, new int[0]);
        batch.setNextException(new SQLException("ERROR: duplicate key value\n  Detail: Key (v)=(s3cret) exists",
                "23505"));
        SQLException copy = DriverErrors.redacted(batch);
        assertThat(copy.getSQLState()).isEqualTo("23505");
        assertThat(copy.getMessage()).doesNotContain("s3cret").startsWith("Batch entry 0 was aborted");
        assertThat(copy.getNextException().getMessage()).isEqualTo("ERROR: duplicate key value");
        assertThat(DriverErrors.describe(batch)).isEqualTo("ERROR: duplicate key value");
    }
}

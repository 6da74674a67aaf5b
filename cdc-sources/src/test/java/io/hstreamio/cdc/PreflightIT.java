package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.cdc.internal.Dialect;
import io.hstreamio.cdc.internal.Preflight;
import io.hstreamio.core.task.CheckResult;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Set-up mistakes fail before Debezium starts, with one line that names the fix. */
class PreflightIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static CdcConfig config(String kind, TestDatabase db, String password, String database, String table) {
        return new CdcConfig("preflight", kind, db.host(), db.port(), db.user(), password, database,
                table == null ? List.of() : List.of(table), null, null, null, null, false, Map.of());
    }

    @Test
    void aMysqlSourceOnMariaDbIsReadAsMariaDb() throws Exception {
        TestDatabase db = DBS.mariadb();
        assertThat(Preflight.check(config("mysql", db, db.password(), db.name(), null))).isEqualTo(Dialect.MARIADB);
    }

    @Test
    void wrongPasswordNamesTheOptionsToFix() {
        TestDatabase db = DBS.mariadb();
        assertThatThrownBy(() -> Preflight.check(config("mysql", db, "certainly-wrong", db.name(), null)))
                .isInstanceOfSatisfying(Preflight.PreflightException.class, e -> {
                    assertThat(e.type()).isEqualTo("AUTH");
                    assertThat(e.getMessage()).contains("cannot log in to " + db.host() + ":" + db.port())
                            .endsWith("check the user and password options").doesNotContain("\n")
                            .doesNotContain("certainly-wrong");
                });
    }

    @Test
    void missingTableIsNamed() throws Exception {
        TestDatabase db = DBS.mariadb();
        db.execute("CREATE TABLE present (id INT PRIMARY KEY)");
        assertThat(Preflight.check(config("mariadb", db, db.password(), db.name(), "present")))
                .isEqualTo(Dialect.MARIADB);
        assertThatThrownBy(() -> Preflight.check(config("mariadb", db, db.password(), db.name(), "absent")))
                .hasMessage("table '" + db.name() + ".absent' not found on " + db.host() + ":" + db.port()
                        + ": check the table option");
    }

    @Test
    void postgresMissingDatabaseAndTableAreNamedAndCheckReportsThem() throws Exception {
        TestDatabase db = DBS.postgres();
        assertThatThrownBy(() -> Preflight.check(config("postgresql", db, db.password(), db.name() + "_nope", null)))
                .hasMessageContaining("database '" + db.name() + "_nope' not found")
                .hasMessageEndingWith("check the database option");
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("host", db.host());
        raw.put("port", db.port());
        raw.put("user", db.user());
        raw.put("password", db.password());
        raw.put("database", db.name());
        raw.put("table", "absent");
        var connector = new CdcSourceConnector.Postgres();
        CheckResult result = connector.check(connector.options().parse(raw));
        assertThat(result.result()).isFalse();
        assertThat(result.type()).isEqualTo("NOT_FOUND");
        assertThat(result.message()).contains("table 'public.absent' not found");
    }
}

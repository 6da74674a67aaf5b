package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync} refuses bad input before starting anything: one line naming the fix, exit code 2. */
class SyncBadInputIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final String WRONG_PASSWORD = "Wrong-Pass-7x";

    @TempDir
    Path dir;

    private static TestDatabase maria;
    private static TestDatabase pg;

    @BeforeAll
    static void databases() throws Exception {
        maria = DBS.mariadb();
        pg = DBS.postgres();
        maria.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        maria.execute("DROP USER IF EXISTS 'hsio_sync_pw'@'%'", "CREATE USER 'hsio_sync_pw'@'%' IDENTIFIED BY "
                + "'Right-Pass-1'", "DROP USER IF EXISTS 'hsio_sync_pw'@'localhost'",
                "CREATE USER 'hsio_sync_pw'@'localhost' IDENTIFIED BY 'Right-Pass-1'");
        pg.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hsio_sync_ro') THEN "
                + "CREATE ROLE hsio_sync_ro LOGIN; END IF; END$$", "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    }

    private String source() {
        return "mariadb://root@" + maria.host() + ":" + maria.port() + "/" + maria.name();
    }

    private String target() {
        return "postgresql://postgres@" + pg.host() + ":" + pg.port() + "/" + pg.name();
    }

    private record Run(int code, String err) {}

    private Run sync(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            List<String> all = new java.util.ArrayList<>(List.of("sync", "--data-dir", dir.toString()));
            all.addAll(List.of(args));
            return new Run(HStreamIoCli.execute(all.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    private static String errorLine(Run r) {
        List<String> lines = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        return lines.get(0);
    }

    @Test
    void unknownScheme() {
        assertThat(errorLine(sync("--from", "oracle://scott@127.0.0.1/db", "--to", target())))
                .contains("--from").contains("oracle");
    }

    @Test
    void unreachableHost() {
        assertThat(errorLine(sync("--from", "mariadb://root@127.0.0.1:1/" + maria.name(), "--to", target())))
                .contains("127.0.0.1:1");
    }

    @Test
    void wrongPasswordIsNamedButNeverShown() {
        String line = errorLine(sync("--from", "mariadb://hsio_sync_pw:" + WRONG_PASSWORD + "@" + maria.host() + ":"
                + maria.port() + "/" + maria.name(), "--to", target()));
        assertThat(line).containsIgnoringCase("password").doesNotContain(WRONG_PASSWORD);
    }

    @Test
    void tablePatternThatMatchesNothing() {
        assertThat(errorLine(sync("--from", source(), "--to", target(), "--tables", "nosuch_*")))
                .contains("nosuch_*");
    }

    @Test
    void targetWhereTheUserMayNotCreateTables() {
        String line = errorLine(sync("--from", source(), "--to",
                "postgresql://hsio_sync_ro@" + pg.host() + ":" + pg.port() + "/" + pg.name()));
        assertThat(line).contains("hsio_sync_ro").contains("may not create tables").contains("GRANT CREATE");
    }
}

package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} against the real servers: the shop is synced into PostgreSQL while it changes, and the demo's own
 * verification (chunk checksums, then rows) must find the copy equal; a copy that differed would exit 3.
 */
class ShopDemoIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @TempDir
    Path dir;

    @Test
    void syncsTheLiveShopIntoPostgresAndVerifiesItEqual() {
        TestDatabase maria = DBS.mariadb();
        TestDatabase pg = DBS.postgres();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = HStreamIoCli.execute("demo",
                    "--from", "mariadb://" + maria.user() + "@" + maria.host() + ":" + maria.port() + "/" + maria.name(),
                    "--to", "postgresql://" + pg.user() + "@" + pg.host() + ":" + pg.port() + "/" + pg.name(),
                    "--orders", "3000", "--duration", "6", "--rate", "150", "--data-dir", dir.toString());
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("live changes written")
                .containsPattern("verify: \\S+\\.orders: [0-9,]+ rows, equal")
                .containsPattern("verify: \\S+\\.order_items: [0-9,]+ rows, equal")
                .contains("demo: OK, the PostgreSQL copy equals the MariaDB shop, row by row");
    }
}

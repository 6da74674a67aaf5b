package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.testing.TestDatabases;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code load --progress=bars} end to end: with bars forced onto captured stderr (no terminal), the output is frames
 * redrawn in place, one line per table and a total, and it ends with the final state of every table; the plain lines
 * and {@code none} stay as they were. The copied rows are compared with the source's row by row.
 */
class LoadProgressIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final Pattern CURSOR_UP = Pattern.compile("\033\\[\\d+A");

    private static String mariadb() {
        return LoadIT.url(DBS.mariadb(), "mariadb", null);
    }

    private static String postgres(String schema) {
        return LoadIT.url(DBS.postgres(), "postgresql", "schema=" + schema);
    }

    @BeforeAll
    static void sources() throws Exception {
        DBS.mariadb().execute(
                "CREATE TABLE alpha (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO alpha SELECT seq, CONCAT('a', seq) FROM seq_1_to_3000",
                "CREATE TABLE beta (code VARCHAR(10) PRIMARY KEY, n INT)",
                "INSERT INTO beta SELECT CONCAT('b', seq), seq FROM seq_1_to_1200",
                "CREATE TABLE gamma (id INT PRIMARY KEY)");
        DBS.postgres().execute("CREATE SCHEMA bars", "CREATE SCHEMA plain");
    }

    @Test
    void barsEndWithTheFinalStateOfEveryTable() throws Exception {
        LoadIT.Run r = LoadIT.cli("load", "--from", mariadb(), "--to", postgres("bars"),
                "--parallelism", "2", "--chunk-rows", "500", "--progress=bars");
        assertThat(r.exit()).as(r.err()).isZero();
        String db = DBS.mariadb().name();
        // Frames are redrawn in place: the cursor goes back over the previous frame at least once (the final one).
        assertThat(CURSOR_UP.matcher(r.err()).find()).as(r.err()).isTrue();
        String[] frames = CURSOR_UP.split(r.err());
        List<String> last = Arrays.stream(frames[frames.length - 1].split("\n"))
                .map(l -> l.replace("\r", "").replace("\033[2K", "").replace("\033[J", "")).filter(l -> !l.isBlank())
                .toList();
        assertThat(last).as(r.err()).hasSize(4);
        assertThat(last.get(0)).startsWith(db + ".alpha").contains("[####", "3,000/~3,000 100%", "done in");
        assertThat(last.get(1)).startsWith(db + ".beta").contains("1,200/~1,200 100%", "done in");
        assertThat(last.get(2)).startsWith(db + ".gamma").contains("0/~0 100%");
        assertThat(last.get(3)).startsWith("total").contains("4,200/~4,200 100%", "3/3 tables");
        assertThat(r.err()).as("nothing after the final frame").endsWith(last.get(3) + "\n");
        assertThat(r.err()).doesNotContain("load: 4,200 rows written"); // no plain lines mixed in
        assertThat(r.out()).contains("Total import time");
        assertSameRows("bars");
    }

    @Test
    void plainLinesWithoutATerminalAndNothingWithNone() throws Exception {
        LoadIT.Run lines = LoadIT.cli("load", "--from", mariadb(), "--to", postgres("plain"),
                "--tables", "alpha", "--progress=lines", "--progress-interval", "1ms");
        assertThat(lines.exit()).as(lines.err()).isZero();
        assertThat(lines.err()).contains("rows written").doesNotContain("\033[");
        assertSameRows("plain", "alpha");

        LoadIT.Run none = LoadIT.cli("load", "--from", mariadb(), "--to", postgres("plain"),
                "--tables", "beta", "--progress=none", "--progress-interval", "1ms");
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.err()).doesNotContain("rows written").doesNotContain("\033[");
    }

    private static void assertSameRows(String schema, String... only) throws Exception {
        List<String> tables = only.length > 0 ? List.of(only) : List.of("alpha", "beta", "gamma");
        for (String t : tables) {
            String key = t.equals("beta") ? "code" : "id";
            List<String> source = DBS.mariadb().query("SELECT * FROM " + t + " ORDER BY " + key).stream()
                    .map(row -> row.values().toString()).toList();
            List<String> target = DBS.postgres().query("SELECT * FROM " + schema + "." + t + " ORDER BY " + key
                    + (t.equals("beta") ? " COLLATE \"C\"" : "")).stream().map(row -> row.values().toString())
                    .toList();
            assertThat(target).as(t).containsExactlyElementsOf(source);
        }
    }
}

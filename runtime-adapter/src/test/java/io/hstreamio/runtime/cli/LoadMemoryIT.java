package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.testing.TestDatabases;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded whatever the table size: a child JVM with a 96 MB heap loads a table of ~150 MB of text
 * (wide rows, so the bound in bytes matters, not only the one in rows), and every row arrives intact.
 */
class LoadMemoryIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @TempDir
    Path dir;

    @Test
    void aTableLargerThanTheHeapLoadsInBoundedMemory() throws Exception {
        DBS.mariadb().execute("CREATE TABLE wide (id INT PRIMARY KEY, payload VARCHAR(2000) NOT NULL)",
                "INSERT INTO wide SELECT seq, CONCAT(seq, ':', REPEAT(CHAR(65 + seq % 26), 1500)) "
                        + "FROM seq_1_to_100000");
        DBS.postgres().execute("CREATE SCHEMA mem");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                HStreamIoCli.class.getName(), "load", "--from", LoadIT.url(DBS.mariadb(), "mariadb", null), "--to",
                LoadIT.url(DBS.postgres(), "postgresql", "schema=mem"),
                "--tables", "wide", "--parallelism", "3", "--chunk-rows", "20000"));
        File log = dir.resolve("child.log").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("load finished in time").isTrue();
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError");
        // Row by row, compactly: the same keys with the same payload lengths and first characters.
        String sql = "SELECT COUNT(*) AS n, SUM(LENGTH(payload)) AS len, "
                + "SUM(id * ASCII(SUBSTR(payload, LENGTH(payload), 1))) AS mix FROM ";
        assertThat(DBS.postgres().query(sql + "mem.wide").get(0).values().stream().map(Object::toString).toList())
                .containsExactlyElementsOf(DBS.mariadb().query(sql + "wide").get(0).values().stream()
                        .map(Object::toString).toList());
    }
}

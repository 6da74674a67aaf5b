package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sync --progress=bars} end to end, in this process, MariaDB to PostgreSQL: bars per table while the snapshot
 * runs, the snapshot's final state left on screen once every table is durable, then the streaming line with the lag
 * of the changes applied since; the target equals the source row by row, and stdout carries no progress lines.
 */
class SyncProgressIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final SyncTables.Sizes SIZES = new SyncTables.Sizes(3_000, 1_000, 500);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern CURSOR_UP = Pattern.compile("\033\\[\\d+A");

    @TempDir
    Path dataDir;

    @Test
    void barsPerTableThenTheStreamingLag() throws Exception {
        TestDatabase source = DBS.mariadb();
        TestDatabase target = DBS.postgres();
        SyncTables.create(source, SIZES);
        CommandLine cli = HStreamIoCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        SyncCommand sync = cli.getSubcommands().get("sync").getCommand();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread job = new Thread(() -> exitCode.set(cli.execute("sync", "--from", SyncTables.url(source),
                "--to", SyncTables.url(target), "--data-dir", dataDir.toString(), "--name", source.name(),
                "--parallelism", "2", "--chunk-rows", "400", "--progress=bars")), "sync-progress-it-job");
        try {
            job.start();
            await("the snapshot's final frame").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> !job.isAlive() || err.toString().contains("3/3 tables"));
            assertThat(job.isAlive()).as("sync running; output: %s %s", out, err).isTrue();
            // Changes after the snapshot: their commit times give the lag.
            source.execute("UPDATE items SET qty = qty + 1 WHERE id <= 50",
                    "DELETE FROM accounts WHERE code LIKE '%00'");
            await("the target equal to the source").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(SyncTables.differences(source, target)).isEmpty());
            await("the lag shown").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> lastFrame(err.toString()).stream().anyMatch(l -> l.contains("; lag ")));
        } finally {
            sync.stopHandle.request();
            job.join(60_000);
        }
        assertThat(exitCode.get()).as("exit code; output: %s %s", out, err).isZero();
        String db = source.name();
        String text = err.toString();
        // The snapshot's final state, left once: one line per table at 100% and the total.
        List<String> snapshot = text.lines().map(SyncProgressIT::plain).filter(l -> l.contains("3/3 tables"))
                .toList();
        assertThat(snapshot).as(text).hasSize(1);
        for (String table : List.of("accounts", "items", "orders")) {
            assertThat(text.lines().map(SyncProgressIT::plain).filter(l -> l.startsWith(db + "." + table))
                    .reduce((a, b) -> b).orElse("")).as(table).contains("100%", "done in");
        }
        // It ends with the streaming line, lag included, drawn for the last time.
        List<String> last = lastFrame(text);
        assertThat(last).hasSize(1);
        assertThat(last.get(0)).startsWith("streaming: ").contains(" applied, 0 behind", "; lag ");
        assertThat(out.toString()).contains("stopped: ").doesNotContain("... source:");
        assertThat(SyncTables.differences(source, target)).isEmpty();
    }

    private static List<String> lastFrame(String err) {
        String[] frames = CURSOR_UP.split(err);
        return Arrays.stream(frames[frames.length - 1].split("\n")).map(SyncProgressIT::plain)
                .filter(l -> !l.isBlank()).toList();
    }

    private static String plain(String line) {
        return line.replace("\r", "").replace("\033[2K", "").replace("\033[J", "");
    }
}

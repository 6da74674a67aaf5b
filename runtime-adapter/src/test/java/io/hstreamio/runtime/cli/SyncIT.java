package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hstream-io sync} end to end, in this process: three tables (composite, string and numeric keys; 20,000 rows
 * in 500-row chunks) are changed by a writer while the parallel snapshot reads them, inside the chunks being read
 * too; once the writer stops, the target must equal the source row by row and value by value. The job is then
 * stopped as a signal stops it and must exit 0, and its stream must show that the changes really came while the
 * snapshot ran.
 */
class SyncIT {
    @RegisterExtension
    static final TestDatabases MARIADB_TO_PG = new TestDatabases();
    @RegisterExtension
    static final TestDatabases PG_SOURCE = TestDatabases.postgresOnly();
    @RegisterExtension
    static final TestDatabases PG_TARGET = TestDatabases.postgresOnly();

    private static final SyncTables.Sizes SIZES = new SyncTables.Sizes(12_000, 5_000, 3_000);
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dataDir;

    @Test
    void mariaDbToPostgres() throws Exception {
        syncFollowsChangesMadeDuringTheSnapshot(MARIADB_TO_PG.mariadb(), MARIADB_TO_PG.postgres());
    }

    @Test
    void postgresToPostgres() throws Exception {
        syncFollowsChangesMadeDuringTheSnapshot(PG_SOURCE.postgres(), PG_TARGET.postgres());
    }

    private void syncFollowsChangesMadeDuringTheSnapshot(TestDatabase source, TestDatabase target) throws Exception {
        long seed = SyncTables.seed();
        System.out.printf("SyncIT %s -> %s: writer seed %d (-Dhstreamio.seed=%d replays the writer's statements;"
                + " their timing against the snapshot differs per run)%n", source.engine(), target.engine(), seed, seed);
        SyncTables.create(source, SIZES);
        String name = source.name(); // unique on the shared servers: names the job's slot and binlog client
        CommandLine cli = HStreamIoCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        SyncCommand sync = cli.getSubcommands().get("sync").getCommand();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread job = new Thread(() -> exitCode.set(cli.execute("sync", "--from", SyncTables.url(source),
                "--to", SyncTables.url(target), "--data-dir", dataDir.toString(), "--name", name,
                "--parallelism", "3", "--chunk-rows", "500")), "sync-it-job");
        SyncTables.Writer writer = new SyncTables.Writer(source, SIZES, seed, Duration.ZERO);
        Thread writing = new Thread(writer, "sync-it-writer");
        long started = System.nanoTime();
        try {
            job.start();
            writing.start();
            // The target holds as many rows as were seeded once the snapshot is about through: write until then.
            await("the snapshot delivering the seeded rows").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> !job.isAlive() || writer.failure() != null
                            || SyncTables.rowCount(target) >= SIZES.total());
            writer.stop();
            writing.join(30_000);
            assertThat(writer.failure()).as("writer failure").isNull();
            assertThat(job.isAlive()).as("sync still running; its output: %s %s", out, err).isTrue();
            System.out.printf("SyncIT: writer stopped after %.1f s: %s%n", seconds(started), writer);
            await("the target equal to the source").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(SyncTables.differences(source, target))
                            .as("differences between source and target").isEmpty());
            System.out.printf("SyncIT: target equal to the source after %.1f s%n", seconds(started));
        } finally {
            writer.stop();
            sync.stopHandle.request();
            job.join(60_000);
        }
        assertThat(job.isAlive()).as("sync stopped within 60 s").isFalse();
        assertThat(exitCode.get()).as("exit code; output: %s %s", out, err).isZero();
        assertThat(out.toString()).contains("stopped: ");
        assertThat(SyncTables.differences(source, target)).as("differences after the stop").isEmpty();

        SyncTables.StreamSummary stream = SyncTables.summary(dataDir, name);
        System.out.printf("SyncIT %s -> %s in %.1f s: %s%n", source.engine(), target.engine(), seconds(started),
                stream);
        assertThat(stream.handOffComplete()).as("the source recorded the snapshot as handed over").isTrue();
        assertThat(stream.changesDuringSnapshot()).as("changes in the stream between snapshot rows").isGreaterThan(50);
        assertThat(stream.reads()).as("snapshot rows in the stream").isGreaterThan(SIZES.total() / 2);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}

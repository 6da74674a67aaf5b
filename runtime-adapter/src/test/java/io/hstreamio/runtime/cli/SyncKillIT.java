package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hstream-io sync} MariaDB → PostgreSQL in a child JVM, killed with SIGKILL five times while a writer keeps
 * changing the source: two or three times during the parallel snapshot, the other times while it streams; each time
 * restarted with the same {@code --data-dir} and {@code --name}. Once the writer stops, a last run must bring the
 * target to equal the source row by row and value by value, and stop with exit code 0 on SIGTERM.
 *
 * <p>The kill moments are anchored on snapshot rows reaching the (empty) target, on what the child logs (the n-th
 * chunk read, the hand-off done) or on what it prints (changes durable), plus a seeded random delay; after each
 * kill the stream and the source's task state, read from the data directory, tell which phase the kill really hit.
 * The children's stdout and logs are under {@code target/sync-kill-it/}.
 */
class SyncKillIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    // The first table is large and the chunks small, so that the snapshot has many chunks to be killed among.
    private static final SyncTables.Sizes SIZES = new SyncTables.Sizes(30_000, 6_000, 4_000);
    private static final int KILLS = 5;
    private static final Duration WAIT = Duration.ofSeconds(180);
    /** The snapshot reader's DEBUG line for each chunk it begins to read. */
    private static final Pattern CHUNK_READ = Pattern.compile("Snapshot step 4 - reading ");
    private static final int CHUNKS = SIZES.orders() / 500 + SIZES.accounts() / 500 + SIZES.items() / 500;
    private static final Pattern HANDED_OVER = Pattern.compile("snapshot handed over: ");
    private static final Pattern CHANGES_DURABLE = Pattern.compile("source: [1-9][\\d,]* events durable");

    @TempDir
    Path dataDir;

    private final List<Process> children = new ArrayList<>();
    private Path logs;

    @Test
    void killedFiveTimesDuringSnapshotAndStreamingItStillConverges() throws Exception {
        long seed = SyncTables.seed();
        Random random = new Random(seed);
        TestDatabase source = DBS.mariadb();
        TestDatabase target = DBS.postgres();
        logs = Path.of("target", "sync-kill-it",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + seed);
        Files.createDirectories(logs);
        System.out.printf("SyncKillIT: seed %d (-Dhstreamio.seed=%d replays the kill delays and the writer's statements;"
                + " their timing differs per run); children's output in %s%n", seed, seed, logs.toAbsolutePath());
        SyncTables.create(source, SIZES);
        String name = source.name(); // unique on the shared server: names the job's binlog client

        SyncTables.Writer writer = new SyncTables.Writer(source, SIZES, seed + 1, Duration.ofMillis(20));
        Thread writing = new Thread(writer, "sync-kill-writer");
        long started = System.nanoTime();
        try {
            writing.start();
            int snapshotKills = 2 + random.nextInt(2);
            long readsBefore = 0;
            for (int round = 1; round <= KILLS; round++) {
                boolean duringSnapshot = round <= snapshotKills;
                Run run = start(round, source, target, name);
                String anchor;
                long delay;
                if (round == 1) {
                    // The target starts empty: rows there are snapshot rows durable in the stream (the writer's
                    // inserts add far fewer in this time), so this kill lands while chunks are delivered.
                    await("snapshot rows in the target").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                            .failFast("the sync process ended; see " + run.log, () -> !run.process.isAlive())
                            .until(() -> count(target, "orders") >= 1_500);
                    anchor = "after 1,500 orders rows reached the target";
                    delay = random.nextInt(300);
                } else if (duringSnapshot) {
                    // Counted in chunks, not time: how fast the snapshot goes depends on the machine's load.
                    int chunks = 5 + random.nextInt(30);
                    run.awaitLog(CHUNK_READ, chunks);
                    anchor = "after the snapshot began reading its chunk " + chunks + " of about " + CHUNKS;
                    delay = 0;
                } else if (round == snapshotKills + 1) {
                    run.awaitLog(HANDED_OVER);
                    anchor = "after the snapshot was handed over";
                    delay = 300 + random.nextInt(3_000);
                } else {
                    run.awaitOut(CHANGES_DURABLE);
                    anchor = "after its first changes were durable";
                    delay = 300 + random.nextInt(4_000);
                }
                // A random moment within the phase, not a wait for a condition; the child ending first fails.
                assertThat(run.process.waitFor(delay, TimeUnit.MILLISECONDS))
                        .as("sync run %d ended by itself; see %s", round, run.log).isFalse();
                run.process.destroyForcibly(); // SIGKILL on Linux
                assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).as("killed run %d ended", round).isTrue();
                assertThat(run.process.exitValue()).as("run %d's exit status", round).isEqualTo(128 + 9);

                SyncTables.StreamSummary s = SyncTables.summary(dataDir, name);
                String phase = s.handOffComplete() ? "while streaming" : "during the snapshot";
                System.out.printf("SyncKillIT: kill %d of %d, %d ms %s: hit %s (%,d snapshot rows durable in this run,"
                                + " stream %s; writer: %s)%n", round, KILLS, delay, anchor, phase,
                        s.reads() - readsBefore, s, writer);
                assertThat(s.handOffComplete())
                        .as("kill %d was meant to hit %s; if the snapshot ended first, make the orders table larger",
                                round, duringSnapshot ? "the snapshot" : "streaming")
                        .isEqualTo(!duringSnapshot);
                if (round == 1) {
                    assertThat(s.reads()).as("snapshot rows durable before kill 1").isPositive();
                }
                readsBefore = s.reads();
            }
            assertThat(writer.failure()).as("writer failure").isNull();
            writer.stop();
            writing.join(30_000);
            assertThat(writer.failure()).as("writer failure").isNull();
            System.out.printf("SyncKillIT: writer stopped after %.1f s: %s%n", seconds(started), writer);

            Run last = start(KILLS + 1, source, target, name);
            await("the target equal to the source").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .failFast("the last sync run ended; see " + last.log, () -> !last.process.isAlive())
                    .untilAsserted(() -> assertThat(SyncTables.differences(source, target))
                            .as("differences between source and target").isEmpty());
            System.out.printf("SyncKillIT: target equal to the source after %.1f s%n", seconds(started));
            last.process.destroy(); // SIGTERM: a clean stop
            assertThat(last.process.waitFor(60, TimeUnit.SECONDS)).as("sync stopped on SIGTERM").isTrue();
            assertThat(last.process.exitValue()).as("exit code on SIGTERM; see %s", last.log).isZero();
            assertThat(Files.readString(last.out)).contains("stopped: ");
        } finally {
            writer.stop();
            for (Process p : children) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
            writing.join(30_000);
        }
        assertThat(SyncTables.differences(source, target)).as("differences after the stop").isEmpty();
        SyncTables.StreamSummary s = SyncTables.summary(dataDir, name);
        System.out.printf("SyncKillIT: done in %.1f s; stream %s%n", seconds(started), s);
        assertThat(s.handOffComplete()).isTrue();
    }

    /** One child process: {@code hstream-io sync} with its stdout and its logs (DEBUG) in files. */
    private record Run(Process process, Path out, Path log) {
        void awaitLog(Pattern p) {
            awaitLog(p, 1);
        }

        /** Until the log holds {@code times} matches of {@code p}. */
        void awaitLog(Pattern p, int times) {
            await(times + " x " + p.pattern() + " in " + log).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .failFast("the sync process ended; see " + log, () -> !process.isAlive())
                    .until(() -> p.matcher(read(log)).results().count() >= times);
        }

        void awaitOut(Pattern p) {
            await(p.pattern() + " in " + out).atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .failFast("the sync process ended; see " + log, () -> !process.isAlive())
                    .until(() -> p.matcher(read(out)).find());
        }

        private static String read(Path file) throws IOException {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
    }

    private Run start(int round, TestDatabase source, TestDatabase target, String name) throws IOException {
        Path out = logs.resolve("run-" + round + ".out");
        Path log = logs.resolve("run-" + round + ".log");
        // The test class path holds pipeline-core's logback-test.xml (INFO), which would win over the product's
        // logback.xml: name the configuration, with our DEBUG lines, to stderr.
        Path logback = logs.resolve("logback-child.xml");
        if (!Files.exists(logback)) {
            Files.writeString(logback, """
                    <configuration>
                      <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                        <target>System.err</target>
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="io.hstreamio" level="DEBUG"/>
                      <root level="WARN"><appender-ref ref="STDERR"/></root>
                    </configuration>
                    """);
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dlogback.configurationFile=" + logback.toAbsolutePath(), "-cp", System.getProperty("java.class.path"), HStreamIoCli.class.getName(),
                "sync", "--from", SyncTables.url(source), "--to", SyncTables.url(target),
                "--data-dir", dataDir.toString(), "--name", name, "--parallelism", "2", "--chunk-rows", "500")
                .redirectOutput(out.toFile())
                .redirectError(log.toFile());
        Process p = pb.start();
        children.add(p);
        return new Run(p, out, log);
    }

    private static long count(TestDatabase db, String table) {
        try {
            return ((Number) db.queryValue("SELECT COUNT(*) FROM " + table)).longValue();
        } catch (java.sql.SQLException notCreatedYet) {
            return 0;
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}

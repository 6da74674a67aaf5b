package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MariaDB source killed with SIGKILL at random points (during start-up and snapshot, and while streaming) and
 * restarted loses no change, and repeats only what came after its last committed position: every {@code seq} value
 * 1..N reaches the stream, and the change events among them go back only at restarts.
 */
class CdcSourceKillIT {
    @RegisterExtension
    static final TestDatabases DBS = TestDatabases.mariadbOnly();

    private static final int ROWS = 3_000;
    private static final int KILLS = 5;

    @TempDir
    Path dataDir;

    private Process startChild() throws Exception {
        TestDatabase db = DBS.mariadb();
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), KillableSourceMain.class.getName(),
                dataDir.toString(), "kill-test", db.host(), Integer.toString(db.port()), db.user(), db.password(),
                db.name())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** The child's stdout lines, read on a daemon thread so that waits have timeouts. */
    private static BlockingQueue<String> lines(Process child) {
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.add(line);
                }
            } catch (java.io.IOException ignored) {
                // The child was killed.
            }
        }, "child-stdout");
        pump.setDaemon(true);
        pump.start();
        return out;
    }

    /** The next progress line; other output (logging's own status lines) is passed over. */
    private static long next(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(120, TimeUnit.SECONDS);
            if (line == null) {
                fail("the source made no progress within 120 s");
            }
            if (line.startsWith("failed")) {
                fail("the source failed: " + line);
            }
            if (line.startsWith("durable-rows ")) {
                return Long.parseLong(line.substring("durable-rows ".length()));
            }
        }
    }

    private static void kill(Process child) throws InterruptedException {
        child.destroyForcibly(); // SIGKILL on Linux
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void killedAtRandomPointsItLosesNoChange() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        DBS.mariadb().execute("CREATE TABLE counter (id INT PRIMARY KEY AUTO_INCREMENT, seq BIGINT NOT NULL)",
                "INSERT INTO counter (seq) VALUES (1), (2), (3)");

        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = DBS.mariadb().open();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO counter (seq) VALUES (?)")) {
                c.setAutoCommit(false);
                Random w = new Random(seed + 1);
                for (int seq = 4; seq <= ROWS; ) {
                    for (int n = 1 + w.nextInt(20); n > 0 && seq <= ROWS; n--) {
                        insert.setLong(1, seq++);
                        insert.executeUpdate();
                    }
                    c.commit();
                    Thread.sleep(20); // pacing, so that the kills fall while changes keep coming
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        }, "counter-writer");
        writer.start();

        for (int round = 0; round < KILLS; round++) {
            Process child = startChild();
            BlockingQueue<String> out = lines(child);
            // 0 progress lines: killed during start-up or the snapshot; more: while streaming.
            for (int k = random.nextInt(4) * (round == 0 ? 0 : 1); k > 0; k--) {
                next(out);
            }
            kill(child);
        }
        writer.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(writerFailure.get()).isNull();

        Process last = startChild();
        BlockingQueue<String> out = lines(last);
        while (next(out) < ROWS) {
            // wait until every row is durable (snapshot rows may follow the last change)
        }
        kill(last);

        // Snapshot rows (READ) come in chunk order, interleaved with the change stream (INSERT) by the hand-off; the
        // change stream alone keeps the source's commit order.
        List<Long> inserts = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.TreeSet<>();
        try (StreamStore store = EmbeddedStreamStore.open(dataDir);
                ShardReader reader = store.openShardReader("counter", 0, null)) {
            ChangeEventCodec codec = StreamCodecs.binary(store);
            List<ReceivedRecord> batch;
            while (!(batch = reader.read(10_000, 0)).isEmpty()) {
                for (ReceivedRecord r : batch) {
                    ChangeEvent e = codec.decode(r.record().payload());
                    if (e.type() == ChangeType.READ || e.type() == ChangeType.INSERT) {
                        long seq = ((Number) e.after().get(e.schema(), "seq")).longValue();
                        seen.add(seq);
                        if (e.type() == ChangeType.INSERT) {
                            inserts.add(seq);
                        }
                    }
                }
            }
        }
        List<Long> missing = new ArrayList<>();
        for (long s = 1; s <= ROWS && missing.size() < 20; s++) {
            if (!seen.contains(s)) {
                missing.add(s);
            }
        }
        assertThat(missing).as("seed %d: seq values lost", seed).isEmpty();
        assertThat(seen).as("seed %d: only seq values written", seed).hasSize(ROWS);
        int replays = 0;
        for (int i = 1; i < inserts.size(); i++) {
            if (inserts.get(i) < inserts.get(i - 1)) {
                replays++; // a restart went back to its last committed position
            }
        }
        assertThat(inserts).as("seed %d: the change stream carries changes", seed).isNotEmpty();
        assertThat(replays).as("seed %d: only restarts may repeat earlier changes", seed).isLessThanOrEqualTo(KILLS + 1);
    }
}

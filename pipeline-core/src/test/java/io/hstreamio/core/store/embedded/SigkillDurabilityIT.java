package io.hstreamio.core.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a JVM that appends from several threads with SIGKILL at random points, several rounds on one directory, then
 * checks that every acknowledged record is there with exactly its payload, that per-key order held across rounds, and
 * that no readable record is torn.
 */
class SigkillDurabilityIT {
    private static final Logger LOG = LoggerFactory.getLogger(SigkillDurabilityIT.class);
    private static final int ROUNDS = 5;
    private static final int THREADS = 4;

    @TempDir
    Path temp;

    record Ack(RecordId id, int round, int thread, long seq, int index) {}

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
        Path dir = temp.resolve("data");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        LOG.info("SIGKILL test seed {}", seed);
        List<Ack> acks = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            // One early kill (right after the first ack) exercises recovery from a barely started WAL.
            int killAfter = round == 1 ? 1 : 200 + random.nextInt(5_000);
            int got = runAndKill(dir, round, killAfter, acks);
            LOG.info("Round {}: killed after {} acks, {} acks read in all", round, killAfter, got);
            assertThat(got).as("acks in round %s", round).isGreaterThanOrEqualTo(killAfter);
        }

        Map<RecordId, byte[]> stored = new HashMap<>();
        try (EmbeddedStreamStore store = EmbeddedStreamStore.open(dir)) {
            for (int shard = 0; shard < CrashingAppenderMain.SHARDS; shard++) {
                Map<String, long[]> lastOfKey = new HashMap<>();
                try (ShardReader reader = store.openShardReader(CrashingAppenderMain.STREAM, shard, null)) {
                    for (List<ReceivedRecord> got = reader.read(5000, 200); !got.isEmpty();
                            got = reader.read(5000, 200)) {
                        for (ReceivedRecord r : got) {
                            byte[] p = r.record().payload();
                            assertThat(CrashingAppenderMain.selfConsistent(p)).as("record %s is whole", r.id()).isTrue();
                            stored.put(r.id(), p);
                            checkKeyOrder(lastOfKey, r.record(), p);
                        }
                    }
                }
            }
        }
        for (Ack a : acks) {
            byte[] expected = CrashingAppenderMain.payload(a.round, a.thread, a.seq, a.index);
            assertThat(stored.get(a.id)).as("acknowledged record %s", a).isNotNull();
            assertThat(Arrays.equals(stored.get(a.id), expected)).as("payload of %s", a).isTrue();
        }
        LOG.info("{} acknowledged records verified among {} stored", acks.size(), stored.size());
        assertThat(stored.size()).isGreaterThanOrEqualTo(acks.size());
    }

    /** Records of one key must appear in (round, seq, index) order. */
    private static void checkKeyOrder(Map<String, long[]> lastOfKey, StreamRecord r, byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p);
        long[] now = {b.getInt(0), b.getLong(8), b.getInt(16)};
        long[] before = lastOfKey.put(r.partitionKey(), now);
        if (before != null) {
            assertThat(Arrays.compare(now, before)).as("order of key %s", r.partitionKey()).isPositive();
        }
    }

    private static int runAndKill(Path dir, int round, int killAfter, List<Ack> acks) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashingAppenderMain.class.getName(),
                dir.toString(), Integer.toString(round), Integer.toString(THREADS))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        int count = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                Ack a = parse(line);
                if (a == null) {
                    continue;
                }
                acks.add(a);
                if (++count == killAfter) {
                    // SIGKILL on Linux. Through the handle, so our end of stdout stays open: acks the child printed
                    // before dying are still read (Process.destroyForcibly would close the pipe).
                    child.toHandle().destroyForcibly();
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        return count;
    }

    /** A whole ack line, or null for log lines and a line cut by the kill. */
    private static Ack parse(String line) {
        String[] f = line.split(" ");
        if (f.length != 7 || !f[0].equals("A") || !f[6].equals(".")) {
            return null;
        }
        return new Ack(RecordId.parse(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
                Integer.parseInt(f[5]));
    }
}

package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StreamRecord;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;

/**
 * Child JVM of {@link SigkillDurabilityIT}: appends from several threads until killed, and prints one line per record
 * only after its append future completed: {@code A <recordId> <round> <thread> <seq> <index> .} (the final dot
 * tells a whole line from one cut by the kill).
 */
public final class CrashingAppenderMain {
    static final String STREAM = "crash";
    static final int SHARDS = 3;

    private CrashingAppenderMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        EmbeddedStreamStore store = EmbeddedStreamStore.open(dir);
        store.createStream(STREAM, SHARDS);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th = new Thread(() -> appendForever(store, out, round, thread), "appender-" + t);
            th.start();
        }
    }

    private static void appendForever(EmbeddedStreamStore store, BufferedWriter out, int round, int thread) {
        Semaphore inFlight = new Semaphore(16);
        for (long seq = 0; ; seq++) {
            List<StreamRecord> batch = new ArrayList<>();
            int size = 1 + (int) (seq % 4);
            for (int i = 0; i < size; i++) {
                batch.add(StreamRecord.raw(key(thread, seq), payload(round, thread, seq, i)));
            }
            inFlight.acquireUninterruptibly();
            long s = seq;
            store.append(STREAM, batch).whenComplete((ids, err) -> {
                inFlight.release();
                if (err != null) {
                    return;
                }
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < ids.size(); i++) {
                    RecordId id = ids.get(i);
                    lines.append("A ").append(id).append(' ').append(round).append(' ').append(thread).append(' ')
                            .append(s).append(' ').append(i).append(" .\n");
                }
                synchronized (out) {
                    try {
                        out.write(lines.toString());
                        out.flush();
                    } catch (java.io.IOException e) {
                        System.exit(3);
                    }
                }
            });
        }
    }

    static String key(int thread, long seq) {
        return "t" + thread + "-k" + (seq % 7);
    }

    /** Deterministic from its coordinates, variable length, ending in a CRC32C of the rest. */
    static byte[] payload(int round, int thread, long seq, int index) {
        SplittableRandom r = new SplittableRandom(((long) round << 48) ^ ((long) thread << 40) ^ (seq << 3) ^ index);
        int noise = r.nextInt(0, 400);
        ByteBuffer b = ByteBuffer.allocate(20 + noise + 4);
        b.putInt(round).putInt(thread).putLong(seq).putInt(index);
        for (int i = 0; i < noise; i++) {
            b.put((byte) r.nextInt());
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** True when the payload's own checksum holds. */
    static boolean selfConsistent(byte[] p) {
        if (p.length < 24) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(p, 0, p.length - 4);
        return (int) crc.getValue() == ByteBuffer.wrap(p, p.length - 4, 4).getInt();
    }
}

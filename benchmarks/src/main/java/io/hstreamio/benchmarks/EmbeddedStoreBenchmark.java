package io.hstreamio.benchmarks;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.embedded.EmbeddedStoreOptions;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Embedded store throughput with ~200-byte events. Read the {@code events} secondary result (events/s).
 *
 * <ul>
 *   <li>{@code durableAppend}: 4 appender threads, each keeping up to {@code window} appends of {@code batchSize}
 *       records in flight (a producer waiting on each future would measure sync latency, not throughput). An event
 *       counts once its future completed, i.e. once it is in a synced WAL write.</li>
 *   <li>{@code sequentialRead}: one thread reads a pre-filled shard of {@value #READ_EVENTS} events from the start.</li>
 * </ul>
 *
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EmbeddedStoreBenchmark -f 1 -wi 2 -i 3}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class EmbeddedStoreBenchmark {
    static final int PAYLOAD_BYTES = 200;
    static final int READ_EVENTS = 1_000_000;

    @State(Scope.Benchmark)
    public static class AppendStore {
        @Param({"1", "10", "100"})
        public int batchSize;

        @Param({"true"})
        public boolean compression;

        /** Appends each thread keeps in flight. */
        @Param({"32"})
        public int window;

        EmbeddedStreamStore store;
        Path dir;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("hstream-io-bench-append");
            store = EmbeddedStreamStore.open(dir, EmbeddedStoreOptions.defaults().withCompression(compression));
            store.createStream("bench", 4);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            long[] counters = store.groupCommitCounters();
            System.out.printf("%n[group commit] %d writes in %d WAL syncs (%.1f per sync)%n", counters[1],
                    counters[0], counters[1] / (double) Math.max(1, counters[0]));
            store.close();
            deleteTree(dir);
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Appender {
        public long events;
        List<List<StreamRecord>> batches;
        Semaphore inFlight;
        int next;

        @Setup(Level.Iteration)
        public void prepare(AppendStore s) {
            Random r = new Random(Thread.currentThread().getId());
            batches = new ArrayList<>();
            for (int b = 0; b < 64; b++) {
                List<StreamRecord> batch = new ArrayList<>();
                for (int i = 0; i < s.batchSize; i++) {
                    byte[] payload = new byte[PAYLOAD_BYTES];
                    r.nextBytes(payload);
                    // Half-random payloads: CDC rows compress somewhat, random bytes not at all.
                    java.util.Arrays.fill(payload, 0, PAYLOAD_BYTES / 2, (byte) 'x');
                    batch.add(StreamRecord.raw("key-" + r.nextInt(1000), payload));
                }
                batches.add(batch);
            }
            if (inFlight == null) {
                inFlight = new Semaphore(s.window);
            }
            events = 0;
        }

        /** Waits until every append of the iteration is durable. */
        @TearDown(Level.Iteration)
        public void drain(AppendStore s) {
            inFlight.acquireUninterruptibly(s.window);
            inFlight.release(s.window);
        }
    }

    @Benchmark
    @Threads(4)
    public void durableAppend(AppendStore s, Appender a) {
        Semaphore inFlight = a.inFlight;
        inFlight.acquireUninterruptibly();
        List<StreamRecord> batch = a.batches.get(a.next++ & 63);
        s.store.append("bench", batch).whenComplete((ids, err) -> {
            inFlight.release();
            if (err != null) {
                throw new IllegalStateException("append failed", err);
            }
        });
        // Counted at submit; the window bounds the not-yet-durable ones to window * batchSize per thread.
        a.events += batch.size();
    }

    @State(Scope.Benchmark)
    public static class ReadStore {
        EmbeddedStreamStore store;
        Path dir;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = Files.createTempDirectory("hstream-io-bench-read");
            store = EmbeddedStreamStore.open(dir);
            store.createStream("read", 1);
            Random r = new Random(7);
            List<CompletableFuture<List<RecordId>>> pending = new ArrayList<>();
            for (int done = 0; done < READ_EVENTS; done += 1000) {
                List<StreamRecord> batch = new ArrayList<>(1000);
                for (int i = 0; i < 1000; i++) {
                    byte[] payload = new byte[PAYLOAD_BYTES];
                    r.nextBytes(payload);
                    batch.add(StreamRecord.raw("key-" + r.nextInt(1000), payload));
                }
                pending.add(store.append("read", batch));
                if (pending.size() == 32) {
                    pending.forEach(CompletableFuture::join);
                    pending.clear();
                }
            }
            pending.forEach(CompletableFuture::join);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            deleteTree(dir);
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ReadCounter {
        public long events;

        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
        }
    }

    @Benchmark
    @Threads(1)
    public long sequentialRead(ReadStore s, ReadCounter c) throws InterruptedException {
        long n = 0;
        try (ShardReader reader = s.store.openShardReader("read", 0, null)) {
            for (List<ReceivedRecord> got = reader.read(10_000, 0); !got.isEmpty(); got = reader.read(10_000, 0)) {
                n += got.size();
            }
        }
        if (n != READ_EVENTS) {
            throw new IllegalStateException("read " + n + " events, expected " + READ_EVENTS);
        }
        c.events += n;
        return n;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

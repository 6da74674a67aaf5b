package io.hstreamio.benchmarks;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.runtime.hstream.FakeHStreamCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The HStreamDB client over loopback gRPC (plaintext Netty, 127.0.0.1) against the three-node fake cluster from
 * runtime-adapter's tests, beside the embedded store in the same run ({@code store} parameter). Read the
 * {@code events} secondary result (events/s); ~200-byte half-compressible events, as in EmbeddedStoreBenchmark.
 *
 * <ul>
 *   <li>{@code append}: 4 appender threads, each keeping {@code window} appends of {@code batchSize} records in
 *       flight. An event counts when its append was acknowledged (HStreamDB answered / the WAL was synced).</li>
 *   <li>{@code fetch}: one subscription (new each invocation) reads a pre-filled 4-shard stream of
 *       {@value #FETCH_EVENTS} events from the start and acknowledges each poll: StreamingFetch for HStreamDB.</li>
 * </ul>
 * The fake keeps records in memory behind one lock, so the hstream figures measure the client, gRPC and the fake,
 * not a real HStreamDB (whose appends also replicate through LogDevice).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HStreamDbClientBenchmark -f 1 -wi 2 -i 3}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class HStreamDbClientBenchmark {
    static final int PAYLOAD_BYTES = 200;
    static final int FETCH_EVENTS = 200_000;

    /** A store of either kind with its cleanup. */
    static final class Target implements AutoCloseable {
        final StreamStore store;
        private final FakeHStreamCluster cluster;
        private final Path dir;

        Target(String kind, String prefix) throws IOException {
            if (kind.equals("hstream")) {
                cluster = FakeHStreamCluster.start(3, FakeHStreamCluster.Transport.LOOPBACK);
                store = cluster.openStore("");
                dir = null;
            } else {
                cluster = null;
                dir = Files.createTempDirectory(prefix);
                store = EmbeddedStreamStore.open(dir);
            }
        }

        @Override
        public void close() throws IOException {
            store.close();
            if (cluster != null) {
                cluster.close();
            }
            if (dir != null) {
                EmbeddedStoreBenchmark.deleteTree(dir);
            }
        }
    }

    static List<StreamRecord> batch(Random r, int size) {
        List<StreamRecord> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            byte[] payload = new byte[PAYLOAD_BYTES];
            r.nextBytes(payload);
            Arrays.fill(payload, 0, PAYLOAD_BYTES / 2, (byte) 'x');
            batch.add(StreamRecord.raw("key-" + r.nextInt(1000), payload));
        }
        return batch;
    }

    @State(Scope.Benchmark)
    public static class AppendState {
        @Param({"embedded", "hstream"})
        public String store;

        @Param({"10", "100"})
        public int batchSize;

        @Param({"32"})
        public int window;

        Target target;
        final AtomicLong failures = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException {
            target = new Target(store, "hstream-io-bench-hs-append");
            target.store.createStream("bench", 4);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            target.close();
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " appends failed");
            }
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Appender {
        public long events;
        List<List<StreamRecord>> batches;
        Semaphore inFlight;
        AtomicLong acknowledged;
        int next;

        @Setup(Level.Iteration)
        public void prepare(AppendState s) {
            Random r = new Random(Thread.currentThread().getId());
            batches = new ArrayList<>();
            for (int b = 0; b < 64; b++) {
                batches.add(batch(r, s.batchSize));
            }
            if (inFlight == null) {
                inFlight = new Semaphore(s.window);
                acknowledged = new AtomicLong();
            }
            acknowledged.set(0);
            events = 0;
        }

        /** Waits for the iteration's appends; counts only what was acknowledged. */
        @TearDown(Level.Iteration)
        public void drain(AppendState s) {
            inFlight.acquireUninterruptibly(s.window);
            inFlight.release(s.window);
            events = acknowledged.get();
        }
    }

    @Benchmark
    @Threads(4)
    public void append(AppendState s, Appender a) {
        a.inFlight.acquireUninterruptibly();
        List<StreamRecord> batch = a.batches.get(a.next++ & 63);
        s.target.store.append("bench", batch).whenComplete((ids, err) -> {
            if (err != null) {
                s.failures.incrementAndGet();
            } else {
                a.acknowledged.addAndGet(ids.size());
            }
            a.inFlight.release();
        });
    }

    @State(Scope.Benchmark)
    public static class FetchState {
        @Param({"embedded", "hstream"})
        public String store;

        Target target;
        int subscriptions;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            target = new Target(store, "hstream-io-bench-hs-fetch");
            target.store.createStream("fetch", 4);
            Random r = new Random(7);
            List<CompletableFuture<List<RecordId>>> pending = new ArrayList<>();
            for (int done = 0; done < FETCH_EVENTS; done += 1000) {
                pending.add(target.store.append("fetch", batch(r, 1000)));
                if (pending.size() == 16) {
                    pending.forEach(CompletableFuture::join);
                    pending.clear();
                }
            }
            pending.forEach(CompletableFuture::join);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            target.close();
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class FetchCounter {
        public long events;

        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
        }
    }

    @Benchmark
    @Threads(1)
    public long fetch(FetchState s, FetchCounter c) throws InterruptedException {
        long n = 0;
        String name = "bench-" + s.subscriptions++;
        try (StreamSubscription sub = s.target.store.subscribe("fetch", name, StartPosition.EARLIEST)) {
            while (n < FETCH_EVENTS) {
                List<ReceivedRecord> got = sub.poll(5_000, 10_000);
                if (got.isEmpty()) {
                    throw new IllegalStateException("subscription " + name + " stalled after " + n + " of "
                            + FETCH_EVENTS + " events");
                }
                n += got.size();
                sub.ack(got.stream().map(ReceivedRecord::id).toList());
            }
        }
        if (n != FETCH_EVENTS) {
            throw new IllegalStateException("fetched " + n + " events, expected " + FETCH_EVENTS);
        }
        c.events += n;
        return n;
    }
}

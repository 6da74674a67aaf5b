package io.hstreamio.runtime.hstream;

import io.grpc.StatusRuntimeException;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.runtime.hstream.HStreamDbOptions.Compression;
import io.hstreamio.runtime.hstream.proto.AppendRequest;
import io.hstreamio.runtime.hstream.proto.AppendResponse;
import io.hstreamio.runtime.hstream.proto.BatchedRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends appends, one shard queue each. Per shard at most one Append call is in flight, so records keep the order in
 * which {@link #enqueue} was called and a retried call cannot overtake a later one; appends queued while a call is
 * out are merged into the next call (up to {@code append.batch.*}). Different shards are sent in parallel by the
 * {@code append.threads} sender threads. Flow control: {@link #enqueue} blocks while {@code append.maxInFlightBytes}
 * are waiting for HStreamDB's acknowledgement.
 *
 * <p>A future completes when HStreamDB answered the Append call with the record ids, i.e. when the server
 * acknowledged the records as stored. Thread-safe.
 */
final class Appender implements AutoCloseable {
    private final Nodes nodes;
    private final Compression compression;
    private final int maxRecords;
    private final int maxBytes;
    private final long maxInFlightBytes;
    private final Duration blockTimeout;
    private final Clock clock;
    private final Consumer<String> onStreamGone;
    private final Semaphore inFlight;
    private final ExecutorService senders;
    private final Map<Long, ShardQueue> queues = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Records for one shard from one append call, sent within one Append call. */
    record Part(List<HStreamRecord> records, int bytes, CompletableFuture<List<RecordId>> done) {}

    /** The records {@code from .. from+count-1} of an {@link #enqueue} call and their ids once acknowledged. */
    record Queued(int from, int count, CompletableFuture<List<RecordId>> done) {}

    Appender(Nodes nodes, HStreamDbOptions o, Clock clock, Consumer<String> onStreamGone) {
        this.nodes = nodes;
        this.compression = o.get(HStreamDbOptions.COMPRESSION);
        this.maxRecords = o.get(HStreamDbOptions.BATCH_MAX_RECORDS);
        this.maxBytes = o.get(HStreamDbOptions.BATCH_MAX_BYTES);
        this.maxInFlightBytes = Math.min(Integer.MAX_VALUE, o.get(HStreamDbOptions.MAX_IN_FLIGHT_BYTES));
        this.blockTimeout = o.get(HStreamDbOptions.BLOCK_TIMEOUT);
        this.clock = clock;
        this.onStreamGone = onStreamGone;
        this.inFlight = new Semaphore((int) maxInFlightBytes);
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(o.get(HStreamDbOptions.APPEND_THREADS), r -> {
            Thread t = new Thread(r, "hstream-io-hstreamdb-append-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues one shard's records of an append call, split into parts of at most {@code append.batch.*}; returns one
     * future per part. Blocks while the in-flight limit is reached.
     */
    List<Queued> enqueue(String stream, long shardId, List<HStreamRecord> records, List<Integer> sizes) {
        List<Queued> out = new ArrayList<>();
        int from = 0;
        while (from < records.size()) {
            int to = from;
            int bytes = 0;
            while (to < records.size() && to - from < maxRecords && (to == from || bytes + sizes.get(to) <= maxBytes)) {
                bytes += sizes.get(to);
                to++;
            }
            out.add(new Queued(from, to - from, enqueuePart(stream, shardId, records.subList(from, to), bytes)));
            from = to;
        }
        return out;
    }

    private CompletableFuture<List<RecordId>> enqueuePart(String stream, long shardId, List<HStreamRecord> records,
                                                          int bytes) {
        CompletableFuture<List<RecordId>> done = new CompletableFuture<>();
        int permits = (int) Math.min(bytes, maxInFlightBytes);
        try {
            if (!inFlight.tryAcquire(permits, blockTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                done.completeExceptionally(new StoreException("append to stream '" + stream + "' waited " + blockTimeout
                        + " for room among the bytes in flight (append.maxInFlightBytes=" + maxInFlightBytes
                        + "); HStreamDB is not acknowledging appends fast enough"));
                return done;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(new StoreException("append to stream '" + stream + "' interrupted", e));
            return done;
        }
        done.whenComplete((ids, err) -> inFlight.release(permits));
        if (closed) {
            done.completeExceptionally(new StoreException("append to stream '" + stream
                    + "' after the HStreamDB store was closed"));
            return done;
        }
        ShardQueue q = queues.computeIfAbsent(shardId, id -> new ShardQueue(stream, id));
        q.add(new Part(List.copyOf(records), bytes, done));
        return done;
    }

    /** One shard's queue; {@code scheduled} says a sender task owns it now. */
    private final class ShardQueue implements Runnable {
        private final String stream;
        private final long shardId;
        // @GuardedBy("this")
        private final ArrayDeque<Part> pending = new ArrayDeque<>();
        // @GuardedBy("this")
        private boolean scheduled;

        ShardQueue(String stream, long shardId) {
            this.stream = stream;
            this.shardId = shardId;
        }

        synchronized boolean busy() {
            return scheduled || !pending.isEmpty();
        }

        void add(Part p) {
            boolean submit;
            synchronized (this) {
                pending.add(p);
                submit = !scheduled;
                scheduled = true;
            }
            if (submit) {
                submit();
            }
        }

        private void submit() {
            try {
                senders.execute(this);
            } catch (RejectedExecutionException e) {
                failAll(new StoreException("append to stream '" + stream + "' after the HStreamDB store was closed"));
            }
        }

        private void failAll(Throwable t) {
            List<Part> parts;
            synchronized (this) {
                parts = new ArrayList<>(pending);
                pending.clear();
                scheduled = false;
            }
            parts.forEach(p -> p.done().completeExceptionally(t));
        }

        @Override
        public void run() {
            List<Part> batch = new ArrayList<>();
            synchronized (this) {
                int records = 0;
                int bytes = 0;
                while (!pending.isEmpty()) {
                    Part p = pending.peek();
                    if (!batch.isEmpty() && (records + p.records().size() > maxRecords || bytes + p.bytes() > maxBytes)) {
                        break;
                    }
                    batch.add(pending.poll());
                    records += p.records().size();
                    bytes += p.bytes();
                }
            }
            send(batch);
            boolean again;
            synchronized (this) {
                again = !pending.isEmpty();
                scheduled = again;
            }
            if (again) {
                submit(); // back of the executor's queue: other shards get their turn
            }
        }

        private void send(List<Part> batch) {
            List<HStreamRecord> records = new ArrayList<>();
            batch.forEach(p -> records.addAll(p.records()));
            try {
                BatchedRecord wire = RecordCodec.encodeBatch(records, compression, clock.instant());
                AppendRequest request = AppendRequest.newBuilder()
                        .setStreamName(stream).setShardId(shardId).setRecords(wire).build();
                AppendResponse response = nodes.onOwner("Append to stream '" + stream + "' shard " + shardId,
                        () -> nodes.shardOwner(shardId), () -> nodes.forgetShard(shardId), s -> s.append(request));
                if (response.getRecordIdsCount() != records.size()) {
                    throw new StoreException("HStreamDB answered an Append of " + records.size() + " records to stream '"
                            + stream + "' shard " + shardId + " with " + response.getRecordIdsCount() + " record ids");
                }
                int at = 0;
                for (Part p : batch) {
                    List<RecordId> ids = new ArrayList<>(p.records().size());
                    for (int i = 0; i < p.records().size(); i++) {
                        ids.add(RecordCodec.toRecordId(response.getRecordIds(at++)));
                    }
                    p.done().complete(ids);
                }
            } catch (StatusRuntimeException e) {
                int code = ServerErrors.code(e);
                StoreException failure;
                if (code == ServerErrors.STREAM_NOT_FOUND || code == ServerErrors.SHARD_NOT_FOUND) {
                    onStreamGone.accept(stream);
                    failure = new StoreException("append to stream '" + stream + "' failed: shard " + shardId
                            + " is no longer on HStreamDB (" + ServerErrors.message(e)
                            + "); the stream was deleted or recreated, append again", e);
                } else {
                    failure = new StoreException("append to stream '" + stream + "' shard " + shardId + " failed: "
                            + ServerErrors.message(e), e);
                }
                batch.forEach(p -> p.done().completeExceptionally(failure));
            } catch (RuntimeException e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
            }
        }
    }

    /** Stops taking appends, lets the queued ones finish within {@code timeout}, fails the rest. */
    void close(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && queues.values().stream().anyMatch(ShardQueue::busy)) {
            try {
                Thread.sleep(5); // shutdown path only: waits for the sender tasks to empty the queues
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        senders.shutdown();
        try {
            senders.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
        StoreException closedEx = new StoreException("the HStreamDB store was closed before the append was sent");
        queues.values().forEach(q -> q.failAll(closedEx));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}

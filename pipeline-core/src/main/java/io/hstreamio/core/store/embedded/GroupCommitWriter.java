package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's only writer: one owned thread ({@code hstream-io-store-writer}) takes every queued write, puts as many
 * as are waiting (up to {@code maxGroupBytes}) into one {@link WriteBatch}, writes it with ONE WAL sync, then hands
 * the futures to a completion thread ({@code hstream-io-store-completer}) so user callbacks never delay the next sync.
 *
 * <p>Appends to one shard within a group are merged into one stored batch (up to {@code maxBatchBytes}), which keeps
 * keys and values few and reads sequential. Because one thread assigns batch ids in queue order, ids increase per
 * shard and records of one key keep the order in which their appends were queued.
 *
 * <p>An exclusive write (stream create/delete, subscription create, trim) ends its group, so it sees the effects of
 * every earlier write. If RocksDB fails a write, every write of that group fails and the writer refuses further work:
 * the store must be reopened.
 *
 * <p>Lifecycle: started by the store's open, {@link #close} fails writes still queued, lets the write in progress
 * finish and stops both threads within the timeout.
 */
final class GroupCommitWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Write<Void> STOP = new Write<>(0, true) {
        @Override
        void stage(Group g) {}
    };

    private final RocksDB db;
    private final ColumnFamilyHandle recordsCf;
    private final WriteOptions syncWrite;
    private final EmbeddedStoreOptions options;
    private final String dataDir;
    private final BlockingQueue<Write<?>> queue;
    private final Thread thread;
    private final ExecutorService completer;
    private volatile boolean stopping;
    private volatile Throwable failure;

    // Counters for tests and benchmarks; written by the writer thread only.
    private volatile long groups;
    private volatile long writes;

    GroupCommitWriter(RocksDB db, ColumnFamilyHandle recordsCf, EmbeddedStoreOptions options, String dataDir) {
        this.db = db;
        this.recordsCf = recordsCf;
        this.options = options;
        this.dataDir = dataDir;
        this.syncWrite = new WriteOptions().setSync(true);
        this.queue = new LinkedBlockingQueue<>(options.queueCapacity());
        this.completer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hstream-io-store-completer");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "hstream-io-store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * One queued write. {@link #stage} runs on the writer thread and adds to the group's batch; it may throw a
     * {@link StoreException} to fail this write alone, but then must not have added anything. {@link #applied} runs on
     * the writer thread after the batch is durable; the future completes on the completion thread.
     */
    abstract static class Write<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final int bytes;
        final boolean exclusive;
        T result;
        Throwable error;

        Write(int bytes, boolean exclusive) {
            this.bytes = bytes;
            this.exclusive = exclusive;
        }

        abstract void stage(Group g) throws RocksDBException;

        void applied() {}

        void complete() {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(result);
            }
        }
    }

    /** Queues a write; blocks while the queue is full (back-pressure). */
    <T> CompletableFuture<T> submit(Write<T> w) {
        try {
            while (!queue.offer(w, 100, TimeUnit.MILLISECONDS)) {
                checkRunning();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to queue a write to the embedded store in " + dataDir);
        }
        // close() may have drained the queue between our check and offer: take the write back and fail it.
        if ((stopping || failure != null) && queue.remove(w)) {
            w.future.completeExceptionally(notRunning());
        }
        return w.future;
    }

    void checkRunning() {
        if (stopping || failure != null) {
            throw notRunning();
        }
    }

    private StoreException notRunning() {
        if (failure != null) {
            return new StoreException("embedded store in " + dataDir + " failed a write (" + failure.getMessage()
                    + ") and takes no more; close and reopen it", failure);
        }
        return new StoreException("embedded store in " + dataDir + " is closed; the write was not made, retry after "
                + "reopening the store");
    }

    long groupCount() {
        return groups;
    }

    long writeCount() {
        return writes;
    }

    private void run() {
        List<Write<?>> group = new ArrayList<>();
        try {
            while (true) {
                Write<?> first = queue.take();
                if (first == STOP) {
                    break;
                }
                group.add(first);
                long bytes = first.bytes;
                while (!group.get(group.size() - 1).exclusive && bytes < options.maxGroupBytes()) {
                    Write<?> next = queue.peek();
                    if (next == null || next == STOP) {
                        break;
                    }
                    queue.poll();
                    group.add(next);
                    bytes += next.bytes;
                }
                commit(group);
                group.clear();
                if (failure != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("Embedded store writer for {} stopped on an unexpected error", dataDir, t);
            failure = t;
            List<Write<?>> lost = new ArrayList<>(group);
            failAll(lost, t);
        }
        List<Write<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(STOP);
        failAll(left, notRunning());
    }

    private void commit(List<Write<?>> group) {
        try (WriteBatch wb = new WriteBatch()) {
            Group g = new Group(wb);
            for (Write<?> w : group) {
                if (w.exclusive) {
                    g.sealAll();
                }
                try {
                    w.stage(g);
                } catch (StoreException e) {
                    w.error = e;
                }
            }
            g.sealAll();
            if (wb.count() > 0) {
                db.write(syncWrite, wb);
            }
            g.publish();
            for (Write<?> w : group) {
                if (w.error == null) {
                    w.applied();
                }
            }
            groups++;
            writes += group.size();
        } catch (RocksDBException | RuntimeException e) {
            LOG.error("Embedded store in {} could not write {} queued writes; it takes no more until reopened", dataDir,
                    group.size(), e);
            failure = e;
            StoreException err = new StoreException("embedded store in " + dataDir + " could not write: "
                    + e.getMessage() + "; check the disk and reopen the store", e);
            for (Write<?> w : group) {
                w.error = err;
            }
        }
        List<Write<?>> done = List.copyOf(group);
        completer.execute(() -> done.forEach(Write::complete));
    }

    private void failAll(List<Write<?>> ws, Throwable t) {
        if (ws.isEmpty()) {
            return;
        }
        for (Write<?> w : ws) {
            w.error = t;
        }
        try {
            completer.execute(() -> ws.forEach(Write::complete));
        } catch (RuntimeException rejected) {
            ws.forEach(Write::complete);
        }
    }

    /** Stops taking writes, fails those still queued, waits for the write in progress; false on timeout. */
    boolean close(Duration timeout) {
        stopping = true;
        List<Write<?>> queued = new ArrayList<>();
        queue.drainTo(queued);
        failAll(queued, notRunning());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!queue.offer(STOP, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            completer.shutdown();
            boolean done = !thread.isAlive() && completer.awaitTermination(
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            if (done) {
                syncWrite.close();
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The batch of one group commit being staged: places appended chunks into per-shard stored batches, and after the
     * write publishes the new last ids and wakes the streams' readers. Writer thread only.
     */
    final class Group {
        final WriteBatch wb;
        private final Map<StreamState.Shard, OpenBatch> open = new IdentityHashMap<>();
        private final List<OpenBatch> sealed = new ArrayList<>();

        Group(WriteBatch wb) {
            this.wb = wb;
        }

        /** Places a chunk; returns its batch id and the index of its first record in that batch. */
        RecordId place(StreamState stream, int shard, BatchCodec.Chunk chunk) {
            StreamState.Shard s = stream.shards[shard];
            OpenBatch b = open.get(s);
            if (b != null && b.bytes + chunk.size() > options.maxBatchBytes()) {
                seal(b);
                open.remove(s);
                b = null;
            }
            if (b == null) {
                b = new OpenBatch(stream, shard, s.nextBatchId++);
                open.put(s, b);
            }
            RecordId at = new RecordId(shard, b.batchId, b.count);
            b.chunks.add(chunk);
            b.bytes += chunk.size();
            b.count += chunk.count();
            return at;
        }

        /** The last record of the shard including this group's staged appends; null when none. */
        RecordId lastOf(StreamState stream, int shard) {
            StreamState.Shard s = stream.shards[shard];
            OpenBatch b = open.get(s);
            if (b != null) {
                return new RecordId(shard, b.batchId, b.count - 1);
            }
            for (int i = sealed.size() - 1; i >= 0; i--) {
                OpenBatch x = sealed.get(i);
                if (x.stream == stream && x.shard == shard) {
                    return new RecordId(shard, x.batchId, x.count - 1);
                }
            }
            return s.last;
        }

        void sealAll() throws RocksDBException {
            for (OpenBatch b : open.values()) {
                seal(b);
            }
            open.clear();
        }

        private void seal(OpenBatch b) {
            try {
                wb.put(recordsCf, Keys.record(b.stream.id, b.shard, b.batchId), BatchCodec.assemble(b.chunks));
            } catch (RocksDBException e) {
                // Not a StoreException: a half-staged group must fail as a whole, never one write of it.
                throw new IllegalStateException("could not stage a batch for stream '" + b.stream.name + "': "
                        + e.getMessage(), e);
            }
            sealed.add(b);
        }

        void publish() {
            Set<StreamState> touched = java.util.Collections.newSetFromMap(new LinkedHashMap<>());
            for (OpenBatch b : sealed) {
                b.stream.shards[b.shard].last = new RecordId(b.shard, b.batchId, b.count - 1);
                touched.add(b.stream);
            }
            touched.forEach(StreamState::signalChange);
        }
    }

    private static final class OpenBatch {
        final StreamState stream;
        final int shard;
        final long batchId;
        final List<BatchCodec.Chunk> chunks = new ArrayList<>(4);
        int bytes;
        int count;

        OpenBatch(StreamState stream, int shard, long batchId) {
            this.stream = stream;
            this.shard = shard;
            this.batchId = batchId;
        }
    }
}

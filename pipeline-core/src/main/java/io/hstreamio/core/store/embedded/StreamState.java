package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardRouting;
import io.hstreamio.core.store.StreamInfo;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-memory state of one stream: its definition, per-shard positions, and the condition readers wait on.
 *
 * <p>Only the writer thread changes shard positions; readers wait on {@link #awaitChange} and are woken by
 * {@link #signalChange} after each commit that touched the stream, its deletion, or the store closing.
 */
final class StreamState {
    final long id;
    final String name;
    final Instant creationTime;
    final ShardRouting routing;
    final Shard[] shards;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private long version;
    volatile boolean deleted;

    /** One shard's positions. */
    static final class Shard {
        /** Next batch id to assign; writer thread only. */
        long nextBatchId;
        /** Last record appended and durable; null when the shard never had one. */
        volatile RecordId last;
        /** Records before this id are trimmed; null when never trimmed. */
        volatile RecordId trimPoint;
    }

    StreamState(long id, String name, int shardCount, Instant creationTime) {
        this.id = id;
        this.name = name;
        this.creationTime = creationTime;
        this.routing = ShardRouting.forShardCount(shardCount);
        this.shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new Shard();
            shards[i].nextBatchId = 1;
        }
    }

    int shardCount() {
        return shards.length;
    }

    StreamInfo info() {
        return new StreamInfo(name, ShardRouting.splitKeySpace(shards.length), creationTime);
    }

    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    void signalChange() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the version differs from {@code seen}; false when the deadline passed first. */
    boolean awaitChange(long seen, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (version == seen) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}

package io.hstreamio.core.store.embedded;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the embedded store; immutable. {@link #defaults()} suits a small machine: RocksDB memory is bounded by
 * {@code blockCacheBytes + memtableBytes} plus per-file index overhead, whatever the streams' length.
 *
 * @param blockCacheBytes          shared RocksDB block cache (reads); default 64 MiB
 * @param memtableBytes            cap on all memtables together (a write buffer manager); default 128 MiB
 * @param compression              compress record files with LZ4 (the WAL is never compressed); default true
 * @param maxBatchBytes            appends to one shard in one group commit are merged into one stored batch up to this
 *                                 size; default 1 MiB
 * @param maxGroupBytes            one group commit (one WAL sync) takes queued writes up to this size; default 16 MiB
 * @param maxAppendBytes           one append call larger than this is refused; default 64 MiB
 * @param queueCapacity            writes waiting for the writer thread before appenders block; default 16384
 * @param maxUnackedPerSubscription records a subscription delivers without acknowledgement before poll pauses;
 *                                 default 100000
 * @param closeTimeout             how long close waits for the write in progress; default 10 s
 * @param clock                    stamps stream creation times
 */
public record EmbeddedStoreOptions(
        long blockCacheBytes,
        long memtableBytes,
        boolean compression,
        int maxBatchBytes,
        int maxGroupBytes,
        int maxAppendBytes,
        int queueCapacity,
        int maxUnackedPerSubscription,
        Duration closeTimeout,
        Clock clock) {

    public EmbeddedStoreOptions {
        requireAtLeast("blockCacheBytes", blockCacheBytes, 1 << 20);
        requireAtLeast("memtableBytes", memtableBytes, 4 << 20);
        requireAtLeast("maxBatchBytes", maxBatchBytes, 1024);
        requireAtLeast("maxGroupBytes", maxGroupBytes, maxBatchBytes);
        requireAtLeast("maxAppendBytes", maxAppendBytes, 1024);
        requireAtLeast("queueCapacity", queueCapacity, 1);
        requireAtLeast("maxUnackedPerSubscription", maxUnackedPerSubscription, 1);
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(clock, "clock");
        if (closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("closeTimeout must be positive, got " + closeTimeout);
        }
    }

    public static EmbeddedStoreOptions defaults() {
        return new EmbeddedStoreOptions(64L << 20, 128L << 20, true, 1 << 20, 16 << 20, 64 << 20, 16384, 100_000,
                Duration.ofSeconds(10), Clock.systemUTC());
    }

    public EmbeddedStoreOptions withCompression(boolean on) {
        return new EmbeddedStoreOptions(blockCacheBytes, memtableBytes, on, maxBatchBytes, maxGroupBytes,
                maxAppendBytes, queueCapacity, maxUnackedPerSubscription, closeTimeout, clock);
    }

    public EmbeddedStoreOptions withMaxBatchBytes(int bytes) {
        return new EmbeddedStoreOptions(blockCacheBytes, memtableBytes, compression, bytes, Math.max(maxGroupBytes, bytes),
                maxAppendBytes, queueCapacity, maxUnackedPerSubscription, closeTimeout, clock);
    }

    public EmbeddedStoreOptions withMaxUnackedPerSubscription(int records) {
        return new EmbeddedStoreOptions(blockCacheBytes, memtableBytes, compression, maxBatchBytes, maxGroupBytes,
                maxAppendBytes, queueCapacity, records, closeTimeout, clock);
    }

    public EmbeddedStoreOptions withCloseTimeout(Duration timeout) {
        return new EmbeddedStoreOptions(blockCacheBytes, memtableBytes, compression, maxBatchBytes, maxGroupBytes,
                maxAppendBytes, queueCapacity, maxUnackedPerSubscription, timeout, clock);
    }

    public EmbeddedStoreOptions withClock(Clock c) {
        return new EmbeddedStoreOptions(blockCacheBytes, memtableBytes, compression, maxBatchBytes, maxGroupBytes,
                maxAppendBytes, queueCapacity, maxUnackedPerSubscription, closeTimeout, c);
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException("embedded store option " + name + " must be at least " + min + ", got "
                    + value);
        }
    }
}

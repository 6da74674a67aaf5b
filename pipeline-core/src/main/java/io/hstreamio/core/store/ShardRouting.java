package io.hstreamio.core.store;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * HStreamDB's key routing, so every store puts a key in the same shard: the key hash is the MD5 of the partition key's
 * UTF-8 bytes read as an unsigned big-endian 128-bit number; {@code n} shards split {@code [0, 2^128-1]} into ranges of
 * {@code (2^128-1) / n} keys, the last range running to the end (HStreamDB {@code devideKeySpace}).
 *
 * <p>Stateless and thread-safe. {@link #forShardCount(int)} precomputes the range starts for a fast, exact lookup.
 */
public final class ShardRouting {
    private static final BigInteger MAX_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5 digest; shard routing needs it", e);
        }
    });

    // Range starts as (high, low) unsigned 64-bit halves, ascending; compared without BigInteger on the hot path.
    private final long[] startHigh;
    private final long[] startLow;

    private ShardRouting(List<ShardInfo> shards) {
        startHigh = new long[shards.size()];
        startLow = new long[shards.size()];
        for (int i = 0; i < shards.size(); i++) {
            BigInteger start = shards.get(i).startHashKey();
            startHigh[i] = start.shiftRight(64).longValue();
            startLow[i] = start.longValue();
        }
    }

    /** A router for {@code shardCount} evenly split shards (indexes {@code 0..shardCount-1}). */
    public static ShardRouting forShardCount(int shardCount) {
        return new ShardRouting(splitKeySpace(shardCount));
    }

    /** The shards' hash ranges, shard ids {@code 0..shardCount-1}, inclusive ends. */
    public static List<ShardInfo> splitKeySpace(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shard count must be at least 1, got " + shardCount);
        }
        BigInteger size = MAX_KEY.divide(BigInteger.valueOf(shardCount));
        List<ShardInfo> shards = new ArrayList<>(shardCount);
        for (int i = 0; i < shardCount; i++) {
            BigInteger start = size.multiply(BigInteger.valueOf(i));
            BigInteger end = i == shardCount - 1 ? MAX_KEY : start.add(size).subtract(BigInteger.ONE);
            shards.add(new ShardInfo(i, start, end));
        }
        return List.copyOf(shards);
    }

    /** The unsigned 128-bit MD5 hash of the key's UTF-8 bytes. */
    public static BigInteger hashKey(String partitionKey) {
        return new BigInteger(1, md5(partitionKey));
    }

    /** The index of the shard (of {@code shardCount} even shards) whose range holds the key's hash. */
    public static int shardIndex(String partitionKey, int shardCount) {
        return forShardCount(shardCount).shardOf(partitionKey);
    }

    /** The index of the shard whose range holds the key's hash. */
    public int shardOf(String partitionKey) {
        byte[] d = md5(partitionKey);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (d[i] & 0xFF);
            low = (low << 8) | (d[i + 8] & 0xFF);
        }
        // Last range whose start <= hash.
        int lo = 0;
        int hi = startHigh.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int c = Long.compareUnsigned(startHigh[mid], high);
            if (c < 0 || (c == 0 && Long.compareUnsigned(startLow[mid], low) <= 0)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    public int shardCount() {
        return startHigh.length;
    }

    private static byte[] md5(String key) {
        return MD5.get().digest(key.getBytes(StandardCharsets.UTF_8));
    }
}

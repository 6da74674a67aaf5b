package io.hstreamio.core.store.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key layouts, all big-endian so RocksDB's byte order is numeric order.
 *
 * <ul>
 *   <li>records: {@code streamId(8) shardId(8) batchId(8)} → one encoded batch ({@link BatchCodec})</li>
 *   <li>meta: {@code 'S' name} → stream; {@code 'N'} → next stream id; {@code 'C' streamId(8) name} → subscription;
 *       {@code 'T' streamId(8) shardId(8)} → trim point</li>
 *   <li>kv: {@code nsLength(4) namespace key}</li>
 * </ul>
 *
 * Streams are keyed by an id never reused, so a stream deleted and created again never sees old records.
 */
final class Keys {
    static final byte[] NEXT_STREAM_ID = {'N'};

    private Keys() {}

    static byte[] record(long streamId, long shardId, long batchId) {
        return ByteBuffer.allocate(24).putLong(streamId).putLong(shardId).putLong(batchId).array();
    }

    static long batchIdOf(byte[] recordKey) {
        return ByteBuffer.wrap(recordKey, 16, 8).getLong();
    }

    /** First key of the stream's records. */
    static byte[] streamStart(long streamId) {
        return ByteBuffer.allocate(8).putLong(streamId).array();
    }

    /** Exclusive upper bound of the stream's records. */
    static byte[] streamEnd(long streamId) {
        return ByteBuffer.allocate(8).putLong(streamId + 1).array();
    }

    static byte[] stream(String name) {
        return prefixed('S', name.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] subscription(long streamId, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + n.length).put((byte) 'C').putLong(streamId).put(n).array();
    }

    static byte[] subscriptionsStart(long streamId) {
        return ByteBuffer.allocate(9).put((byte) 'C').putLong(streamId).array();
    }

    static byte[] subscriptionsEnd(long streamId) {
        return ByteBuffer.allocate(9).put((byte) 'C').putLong(streamId + 1).array();
    }

    static byte[] trimPoint(long streamId, long shardId) {
        return ByteBuffer.allocate(17).put((byte) 'T').putLong(streamId).putLong(shardId).array();
    }

    static byte[] trimPointsStart(long streamId) {
        return ByteBuffer.allocate(9).put((byte) 'T').putLong(streamId).array();
    }

    static byte[] trimPointsEnd(long streamId) {
        return ByteBuffer.allocate(9).put((byte) 'T').putLong(streamId + 1).array();
    }

    static byte[] kvPrefix(String namespace, String keyPrefix) {
        byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
        byte[] k = keyPrefix.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + ns.length + k.length).putInt(ns.length).put(ns).put(k).array();
    }

    static String kvKeyOf(byte[] kvKey) {
        int nsLength = ByteBuffer.wrap(kvKey, 0, 4).getInt();
        int from = 4 + nsLength;
        return new String(kvKey, from, kvKey.length - from, StandardCharsets.UTF_8);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] prefixed(char tag, byte[] rest) {
        return ByteBuffer.allocate(1 + rest.length).put((byte) tag).put(rest).array();
    }
}

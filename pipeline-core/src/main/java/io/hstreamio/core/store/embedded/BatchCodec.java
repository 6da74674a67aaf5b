package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The stored form of a batch: all records appended to one shard in one group commit, as one RocksDB value.
 *
 * <pre>
 * value  := magic(1) count(4) record* crc32c(4)        crc over everything before it
 * record := varint keyLen, key, format(1), varint attrCount, (varint len, bytes)*2 per attr, varint len, payload
 * </pre>
 *
 * RocksDB checksums its WAL and files too; the CRC here makes a batch that is not whole unreadable rather than wrong.
 */
final class BatchCodec {
    private static final byte MAGIC = 1;
    static final int OVERHEAD = 9;

    private BatchCodec() {}

    /** Records of one append bound for one shard, encoded by the appending thread. */
    static final class Chunk {
        private byte[] buf = new byte[128];
        private int size;
        private int count;

        void add(StreamRecord r) {
            byte[] key = r.partitionKey().getBytes(StandardCharsets.UTF_8);
            putBytes(key);
            ensure(1);
            buf[size++] = (byte) (r.format() == PayloadFormat.JSON ? 0 : 1);
            putVarint(r.attributes().size());
            for (Map.Entry<String, String> a : r.attributes().entrySet()) {
                putBytes(a.getKey().getBytes(StandardCharsets.UTF_8));
                putBytes(a.getValue().getBytes(StandardCharsets.UTF_8));
            }
            putBytes(r.payload());
            count++;
        }

        int size() {
            return size;
        }

        int count() {
            return count;
        }

        private void putBytes(byte[] b) {
            putVarint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        private void putVarint(int v) {
            ensure(5);
            while ((v & ~0x7F) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /** Concatenates chunks into one stored batch. */
    static byte[] assemble(List<Chunk> chunks) {
        int bytes = OVERHEAD;
        int count = 0;
        for (Chunk c : chunks) {
            bytes += c.size;
            count += c.count;
        }
        byte[] value = new byte[bytes];
        value[0] = MAGIC;
        putInt(value, 1, count);
        int at = 5;
        for (Chunk c : chunks) {
            System.arraycopy(c.buf, 0, value, at, c.size);
            at += c.size;
        }
        CRC32C crc = new CRC32C();
        crc.update(value, 0, at);
        putInt(value, at, (int) crc.getValue());
        return value;
    }

    /** Receives decoded records in order. */
    interface Sink {
        void accept(int index, StreamRecord record);
    }

    /**
     * Decodes records {@code from} onwards, at most {@code max}; returns how many were passed to the sink.
     *
     * @throws CorruptBatchException when the batch is not whole
     */
    static int decode(byte[] value, int from, int max, Sink sink) {
        if (value.length < OVERHEAD || value[0] != MAGIC) {
            throw new CorruptBatchException("bad header");
        }
        CRC32C crc = new CRC32C();
        crc.update(value, 0, value.length - 4);
        if ((int) crc.getValue() != getInt(value, value.length - 4)) {
            throw new CorruptBatchException("checksum mismatch");
        }
        int count = getInt(value, 1);
        Reader in = new Reader(value, 5, value.length - 4);
        int delivered = 0;
        for (int i = 0; i < count && delivered < max; i++) {
            if (i < from) {
                in.skipRecord();
                continue;
            }
            String key = in.string();
            PayloadFormat format = in.u8() == 0 ? PayloadFormat.JSON : PayloadFormat.RAW;
            int attrCount = in.varint();
            Map<String, String> attrs = attrCount == 0 ? Map.of() : new HashMap<>(attrCount * 2);
            for (int a = 0; a < attrCount; a++) {
                attrs.put(in.string(), in.string());
            }
            byte[] payload = in.bytes();
            sink.accept(i, new StreamRecord(key, format, payload, attrs));
            delivered++;
        }
        return delivered;
    }

    static int recordCount(byte[] value) {
        return getInt(value, 1);
    }

    static final class CorruptBatchException extends RuntimeException {
        CorruptBatchException(String message) {
            super(message);
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int at;
        private final int end;

        Reader(byte[] b, int at, int end) {
            this.b = b;
            this.at = at;
            this.end = end;
        }

        int u8() {
            check(1);
            return b[at++] & 0xFF;
        }

        int varint() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int x = u8();
                v |= (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    if (v < 0) {
                        throw new CorruptBatchException("negative length");
                    }
                    return v;
                }
            }
            throw new CorruptBatchException("bad varint");
        }

        byte[] bytes() {
            int n = varint();
            check(n);
            byte[] r = Arrays.copyOfRange(b, at, at + n);
            at += n;
            return r;
        }

        String string() {
            int n = varint();
            check(n);
            String s = new String(b, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }

        void skip() {
            int n = varint();
            check(n);
            at += n;
        }

        void skipRecord() {
            skip();
            u8();
            int attrs = varint();
            for (int a = 0; a < attrs * 2; a++) {
                skip();
            }
            skip();
        }

        private void check(int n) {
            if (n > end - at) {
                throw new CorruptBatchException("record runs past the batch end");
            }
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}

package io.hstreamio.core.codec;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A growable output buffer with the primitive encodings of the binary format: unsigned LEB128 varints, zigzag for
 * signed values, big-endian fixed-width numbers and length-prefixed UTF-8. One instance per encode call.
 */
final class ByteWriter {
    private byte[] buf;
    private int pos;

    ByteWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    int position() {
        return pos;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeBoolean(boolean b) {
        writeByte(b ? 1 : 0);
    }

    /** Unsigned LEB128: 7 bits a byte, low bits first; at most 10 bytes. */
    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** Zigzag maps small magnitudes of either sign to small varints. */
    void writeZigZag(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    void writeFixed32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void writeFixed64(long v) {
        writeFixed32((int) (v >>> 32));
        writeFixed32((int) v);
    }

    byte[] copy(int from, int to) {
        return java.util.Arrays.copyOfRange(buf, from, to);
    }

    void writeRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    void writeBytes(byte[] bytes) {
        writeVarLong(bytes.length);
        writeRaw(bytes);
    }

    /** Length-prefixed UTF-8. Refuses unpaired surrogates, which UTF-8 cannot carry, instead of writing '?'. */
    void writeString(String s) {
        int utf8 = utf8Length(s);
        writeVarLong(utf8);
        writeUtf8(s, utf8);
    }

    /** Null as 0, else UTF-8 length + 1 and the bytes. */
    void writeNullableString(String s) {
        if (s == null) {
            writeVarLong(0);
            return;
        }
        int utf8 = utf8Length(s);
        writeVarLong(utf8 + 1L);
        writeUtf8(s, utf8);
    }

    private void writeUtf8(String s, int utf8) {
        int n = s.length();
        ensure(utf8);
        if (utf8 == n) {
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[pos++] = (byte) c;
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xC0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[pos++] = (byte) (0xF0 | (cp >> 18));
                buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buf[pos++] = (byte) (0xE0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** Null as 0, else zigzag(value) + 1. */
    void writeNullableInt(Integer v) {
        writeVarLong(v == null ? 0 : ((((long) v) << 1) ^ (((long) v) >> 63)) + 1);
    }

    static int utf8Length(String s) {
        int n = s.length();
        int len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    len += 1;
                } else if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                        throw new CodecException("text has an unpaired UTF-16 surrogate at index " + i
                                + ", which UTF-8 cannot carry; fix the source value");
                    }
                    len += 2; // four bytes for the two chars
                    i++;
                } else {
                    len += 2;
                }
            }
        }
        return len;
    }

    /** Appends the CRC32C of everything written so far. */
    void writeChecksum() {
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, pos);
        writeFixed32((int) crc.getValue());
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}

package io.hstreamio.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote, checking every length against what is left, so a truncated or corrupt input
 * ends in a {@link CodecException} naming the offset, never in an out-of-bounds read or a huge allocation.
 */
final class ByteReader {
    private final byte[] buf;
    private final int limit;
    private final String what;
    private int pos;

    /** Reads {@code buf[from, limit)}; {@code what} names the input in messages ("change event", "schema"). */
    ByteReader(byte[] buf, int from, int limit, String what) {
        this.buf = buf;
        this.pos = from;
        this.limit = limit;
        this.what = what;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    CodecException corrupt(String problem) {
        return new CodecException("corrupt " + what + " at byte " + pos + " of " + limit + ": " + problem);
    }

    private void need(int n) {
        if (n > limit - pos) {
            throw corrupt("needs " + n + " more byte(s), only " + (limit - pos) + " left (truncated?)");
        }
    }

    int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw corrupt("boolean byte is " + b);
        }
        return b == 1;
    }

    long readVarLong() {
        // Fast path: most varints are one byte.
        if (pos < limit) {
            byte b = buf[pos];
            if (b >= 0) {
                pos++;
                return b;
            }
        }
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            if (shift == 63 && b > 1) {
                throw corrupt("varint longer than 64 bits");
            }
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw corrupt("varint longer than 10 bytes");
    }

    long readZigZag() {
        long z = readVarLong();
        return (z >>> 1) ^ -(z & 1);
    }

    int readZigZagInt() {
        long v = readZigZag();
        if (v != (int) v) {
            throw corrupt("value " + v + " does not fit 32 bits");
        }
        return (int) v;
    }

    /** An unsigned varint that must lie in [0, max]. */
    int readUnsigned(int max, String name) {
        long v = readVarLong();
        if (v < 0 || v > max) {
            throw corrupt(name + " " + Long.toUnsignedString(v) + " is out of range 0.." + max);
        }
        return (int) v;
    }

    /** A length that must fit in what is left of the input. */
    int readLength(String name) {
        long v = readVarLong();
        if (v < 0 || v > limit - pos) {
            throw corrupt(name + " length " + Long.toUnsignedString(v) + " exceeds the " + (limit - pos)
                    + " byte(s) left (truncated?)");
        }
        return (int) v;
    }

    /** A count of items that take at least {@code minItemBytes} each, so it too is bounded by what is left. */
    int readCount(String name, int minItemBytes) {
        long v = readVarLong();
        // Divide rather than multiply: a corrupt count near 2^63 would overflow the product and pass.
        if (v < 0 || v > (limit - pos) / minItemBytes) {
            throw corrupt(name + " count " + Long.toUnsignedString(v) + " cannot fit in the " + (limit - pos)
                    + " byte(s) left (truncated?)");
        }
        return (int) v;
    }

    int readFixed32() {
        need(4);
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long readFixed64() {
        return ((long) readFixed32() << 32) | (readFixed32() & 0xFFFFFFFFL);
    }

    byte[] readRaw(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    byte[] readBytes(String name) {
        return readRaw(readLength(name));
    }

    String readString(String name) {
        return utf8(readLength(name), name);
    }

    /** Moves past a string without decoding it. */
    void skipString(String name) {
        int n = readLength(name);
        pos += n;
    }

    /** Goes back to {@code position}, one this reader has passed. */
    void seek(int position) {
        if (position < 0 || position > pos) {
            throw new IllegalArgumentException("seek to " + position + " from " + pos);
        }
        pos = position;
    }

    /** Whether the bytes in [from, to) equal {@code other}. */
    boolean bytesEqual(int from, int to, byte[] other) {
        return Arrays.equals(buf, from, to, other, 0, other.length);
    }

    byte[] copy(int from, int to) {
        return Arrays.copyOfRange(buf, from, to);
    }

    String readNullableString(String name) {
        long v = readVarLong();
        if (v == 0) {
            return null;
        }
        if (v < 0 || v - 1 > limit - pos) {
            throw corrupt(name + " length " + Long.toUnsignedString(v - 1) + " exceeds the " + (limit - pos)
                    + " byte(s) left (truncated?)");
        }
        return utf8((int) (v - 1), name);
    }

    Integer readNullableInt(String name) {
        long v = readVarLong();
        if (v == 0) {
            return null;
        }
        long z = v - 1;
        long value = (z >>> 1) ^ -(z & 1);
        if (value != (int) value) {
            throw corrupt(name + " " + value + " does not fit 32 bits");
        }
        return (int) value;
    }

    private String utf8(int n, String name) {
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        // The lenient decoder above is the fast path; a replacement char means either real U+FFFD or bad bytes.
        if (s.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, n));
            } catch (CharacterCodingException e) {
                throw corrupt(name + " is not valid UTF-8");
            }
        }
        pos += n;
        return s;
    }
}

package io.hstreamio.core.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * A bit string of a fixed length (MySQL BIT(n), PostgreSQL bit(n)/varbit).
 *
 * <p>Bits are packed big-endian: bit 0 of the string is the most significant bit of {@code bytes[0]}; unused low bits
 * of the last byte are zero. This is how MySQL sends BIT(n) values once left-aligned, and how PostgreSQL prints them.
 */
public final class BitString {
    private final int length;
    private final byte[] bytes;

    public BitString(int length, byte[] bytes) {
        if (length < 0) {
            throw new IllegalArgumentException("bit string length must be >= 0, got " + length);
        }
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != (length + 7) / 8) {
            throw new IllegalArgumentException(
                    "bit string of length " + length + " needs " + (length + 7) / 8 + " bytes, got " + bytes.length);
        }
        this.length = length;
        this.bytes = bytes.clone();
        int unused = bytes.length * 8 - length;
        if (unused > 0) {
            this.bytes[this.bytes.length - 1] &= (byte) (0xFF << unused);
        }
    }

    /** Parses a string of '0' and '1' characters, most significant first. */
    public static BitString parse(String bits) {
        byte[] out = new byte[(bits.length() + 7) / 8];
        for (int i = 0; i < bits.length(); i++) {
            char c = bits.charAt(i);
            if (c == '1') {
                out[i / 8] |= (byte) (0x80 >>> (i % 8));
            } else if (c != '0') {
                throw new IllegalArgumentException("not a bit string: '" + bits + "'");
            }
        }
        return new BitString(bits.length(), out);
    }

    public int length() {
        return length;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean get(int index) {
        Objects.checkIndex(index, length);
        return (bytes[index / 8] & (0x80 >>> (index % 8))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitString b && b.length == length && Arrays.equals(b.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * length + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(get(i) ? '1' : '0');
        }
        return sb.toString();
    }
}

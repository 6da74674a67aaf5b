package io.hstreamio.sink.write;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * COPY data (text as UTF-8, or binary), appended straight into one growable array that goes to the driver as it is. It replaced
 * a StringBuilder whose chars were copied into a String and encoded again for every slice: on a 1M-row load those
 * two copies and the append calls were a sixth of the workers' CPU. Not thread-safe.
 */
final class CopyBuffer {
    /** Tens and ones digit of 0..99: loads Hotspot's C1 (which load runs on) compiles far cheaper than divisions. */
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private byte[] buf;
    private int len;
    private final byte[] digits = new byte[20];

    CopyBuffer(int capacity) {
        buf = new byte[capacity];
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        len = 0;
    }

    /** One ASCII character. */
    CopyBuffer put(char ascii) {
        ensure(1);
        buf[len++] = (byte) ascii;
        return this;
    }

    /** {@code s} as UTF-8, unescaped. */
    CopyBuffer put(String s) {
        return putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code s} as UTF-8 with COPY text's escapes for backslash, tab, newline and carriage return. */
    CopyBuffer putEscaped(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        // In UTF-8 these ASCII bytes never occur inside a multi-byte character, so a byte scan finds exactly them.
        while (i < b.length && !special(b[i])) {
            i++;
        }
        if (i == b.length) {
            return putBytes(b); // the common case: nothing to escape, one bulk copy
        }
        ensure(b.length + (b.length - i));
        System.arraycopy(b, 0, buf, len, i);
        len += i;
        for (; i < b.length; i++) {
            byte c = b[i];
            switch (c) {
                case '\\' -> { buf[len++] = '\\'; buf[len++] = '\\'; }
                case '\t' -> { buf[len++] = '\\'; buf[len++] = 't'; }
                case '\n' -> { buf[len++] = '\\'; buf[len++] = 'n'; }
                case '\r' -> { buf[len++] = '\\'; buf[len++] = 'r'; }
                default -> buf[len++] = c;
            }
        }
        return this;
    }

    /** {@code v} in decimal, as {@link Long#toString(long)}. */
    CopyBuffer put(long v) {
        if (v == Long.MIN_VALUE) {
            return put(Long.toString(v));
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int p = digits.length;
        while (v >= 100) {
            int r = (int) (v % 100);
            v /= 100;
            digits[--p] = ONES[r];
            digits[--p] = TENS[r];
        }
        int r = (int) v;
        digits[--p] = ONES[r];
        if (r >= 10) {
            digits[--p] = TENS[r];
        }
        System.arraycopy(digits, p, buf, len, digits.length - p);
        len += digits.length - p;
        return this;
    }

    /**
     * {@code unscaled} scaled down by {@code scale} decimal places, as {@link java.math.BigDecimal#toPlainString}
     * writes it (0 <= scale < 19).
     */
    CopyBuffer putDecimal(long unscaled, int scale) {
        if (scale == 0) {
            return put(unscaled);
        }
        if (unscaled == Long.MIN_VALUE) {
            return put(new java.math.BigDecimal(java.math.BigInteger.valueOf(unscaled), scale).toPlainString());
        }
        if (unscaled < 0) {
            put('-');
            unscaled = -unscaled;
        }
        int start = len;
        put(unscaled);
        int n = len - start; // digits written
        if (n <= scale) { // 0.00ddd: move the digits right and write the leading zeros
            int zeros = scale - n + 2; // "0." and the zeros after the point
            ensure(zeros);
            System.arraycopy(buf, start, buf, start + zeros, n);
            buf[start] = '0';
            buf[start + 1] = '.';
            for (int i = start + 2; i < start + zeros; i++) {
                buf[i] = '0';
            }
            len += zeros;
        } else { // ddd.ddd: open a gap for the point
            ensure(1);
            int point = len - scale;
            System.arraycopy(buf, point, buf, point + 1, scale);
            buf[point] = '.';
            len++;
        }
        return this;
    }

    /** Non-negative {@code v} in exactly {@code width} digits, zero-padded ({@code v} has no more digits than that). */
    CopyBuffer pad(int v, int width) {
        ensure(width);
        int i = len + width;
        while (i - len >= 2) {
            int r = v % 100;
            v /= 100;
            buf[--i] = ONES[r];
            buf[--i] = TENS[r];
        }
        if (i > len) {
            buf[--i] = (byte) ('0' + v);
        }
        len += width;
        return this;
    }

    /** Non-negative {@code v} below 100 in two digits. */
    CopyBuffer pad2(int v) {
        ensure(2);
        buf[len++] = TENS[v];
        buf[len++] = ONES[v];
        return this;
    }

    /** Binary COPY: big-endian integers and raw bytes. */
    CopyBuffer putByte(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    CopyBuffer putShort(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    CopyBuffer putInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    CopyBuffer putLong(long v) {
        return putInt((int) (v >>> 32)).putInt((int) v);
    }

    CopyBuffer putBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    private static boolean special(byte c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** The text so far (for tests and messages). */
    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
}

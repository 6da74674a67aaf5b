package io.hstreamio.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Generated test input for {@link RandomCases}: uniform values mixed with the edge cases that break code (0, ±1,
 * extremes, empty, surrogate pairs). Deterministic for a seed. Not thread-safe.
 */
public final class Gen {
    private final SplittableRandom random;
    private int caseIndex;
    private int cases;

    Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    void startCase(int index, int total) {
        this.caseIndex = index;
        this.cases = total;
    }

    /** Early cases lean to edge values; later ones are mostly uniform. */
    private boolean edge() {
        return caseIndex < 20 ? random.nextInt(2) == 0 : random.nextInt(8) == 0;
    }

    public SplittableRandom random() {
        return random;
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    public int anyInt() {
        if (edge()) {
            int[] edges = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1};
            return edges[random.nextInt(edges.length)];
        }
        return random.nextInt();
    }

    public long anyLong() {
        if (edge()) {
            long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1,
                Integer.MIN_VALUE, Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1};
            return edges[random.nextInt(edges.length)];
        }
        // Mix magnitudes so small and large values both appear.
        return random.nextLong() >> random.nextInt(64);
    }

    /** A long in {@code [min, max]}, inclusive, with the bounds as edge cases. */
    public long longIn(long min, long max) {
        if (edge()) {
            return random.nextBoolean() ? min : max;
        }
        if (max < Long.MAX_VALUE) {
            return random.nextLong(min, max + 1);
        }
        return min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1;
    }

    public int intIn(int min, int max) {
        return (int) longIn(min, max);
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    public <E extends Enum<E>> E oneOf(Class<E> type) {
        E[] all = type.getEnumConstants();
        return all[random.nextInt(all.length)];
    }

    /** A string of up to {@code maxLength} chars from {@code alphabet}. */
    public String string(int minLength, int maxLength, String alphabet) {
        int n = intIn(minLength, maxLength);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    public String alphanumeric(int minLength, int maxLength) {
        return string(minLength, maxLength, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    }

    /**
     * Any valid Unicode text of up to {@code maxCodePoints}: ASCII, accents, CJK, emoji (surrogate pairs), quotes,
     * backslashes, control characters and NUL.
     */
    public String text(int maxCodePoints) {
        int n = edge() ? random.nextInt(2) : random.nextInt(maxCodePoints + 1);
        String punctuation = "'\"\\`%_;,{}[]";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            int cp = switch (kind) {
                case 0 -> random.nextInt(0x20);                        // control, NUL included
                case 1 -> punctuation.charAt(random.nextInt(punctuation.length()));
                case 2 -> 0xA0 + random.nextInt(0x500);               // Latin-1 .. Cyrillic
                case 3 -> 0x4E00 + random.nextInt(0x5000);            // CJK
                case 4 -> 0x1F300 + random.nextInt(0x300);            // emoji: outside the BMP
                default -> 0x20 + random.nextInt(0x5F);               // printable ASCII
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    public byte[] bytes(int maxLength) {
        byte[] b = new byte[edge() ? random.nextInt(2) : random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    public <T> List<T> list(int maxSize, Supplier<T> element) {
        int n = edge() ? random.nextInt(2) : random.nextInt(maxSize + 1);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.get());
        }
        return out;
    }

    /** {@code null} about one time in six, else a value. */
    public <T> T nullOr(Supplier<T> value) {
        return random.nextInt(6) == 0 ? null : value.get();
    }

    @Override
    public String toString() {
        return "case " + caseIndex + " of " + cases;
    }
}

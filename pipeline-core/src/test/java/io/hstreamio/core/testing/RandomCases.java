package io.hstreamio.core.testing;

import java.util.function.Consumer;

/**
 * Property tests without a framework: runs a check over many generated cases from one seed, and on failure names the
 * seed and the case so that {@code -Dhstreamio.seed=<seed>} replays exactly that run.
 *
 * <p>(The project does not use jqwik: its engine asks AI agents not to use it, and we respect that.)
 */
public final class RandomCases {
    public static final int DEFAULT_TRIES = 300;

    private RandomCases() {}

    /** Runs {@code check} {@link #DEFAULT_TRIES} times with fresh generated input. */
    public static void forAll(Consumer<Gen> check) {
        forAll(DEFAULT_TRIES, check);
    }

    public static void forAll(int tries, Consumer<Gen> check) {
        String fixed = System.getProperty("hstreamio.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime() ^ Thread.currentThread().getId();
        Gen gen = new Gen(seed);
        for (int i = 0; i < tries; i++) {
            gen.startCase(i, tries);
            try {
                check.accept(gen);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("property failed on case " + i + " of " + tries + " (replay with -Dhstreamio.seed="
                        + seed + "): " + e.getMessage(), e);
            }
        }
    }
}

package io.hstreamio.runtime.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Where a command's progress goes: {@link ProgressBars} redrawn in place on stderr (mode {@code BARS}), a plain line
 * every few seconds ({@code LINES}), or nowhere ({@code NONE}). {@link #bars()} tells the caller which of the two it
 * is to feed.
 *
 * <p>Bars are drawn with a few ANSI escapes, a whole frame per write (no flicker), at most width - 1 columns per line
 * (no wrap, whatever the terminal does at its last column), the width read again before each frame (a resized
 * terminal is followed). While bars are up, writes to {@code System.err} from elsewhere (log lines) erase the frame
 * first and the next frame is drawn under them, so nothing is overdrawn. {@link #finish} draws the final frame once
 * and leaves it on the screen; after that the command's one-line errors and summary follow as usual.
 *
 * <p>Threads: one thread renders ({@link #update}, {@link #finish}); any thread may write to {@code System.err}.
 */
final class LiveProgress implements AutoCloseable {
    /** Columns and lines when bars are forced onto something that is not a terminal (tests, {@code --progress=bars}). */
    static final int DEFAULT_WIDTH = 120;
    static final int DEFAULT_HEIGHT = 40;

    private final ProgressMode mode;
    private final PrintWriter err;
    private final PrintWriter linesTo;
    private final ProgressBars bars;
    private final IntSupplier width;
    private final IntSupplier height;
    private final Object lock = new Object();
    private PrintStream previousSystemErr;
    private int drawn; // lines of the frame on screen, guarded by lock

    private LiveProgress(ProgressMode mode, PrintWriter err, PrintWriter linesTo, Clock clock, IntSupplier width,
            IntSupplier height) {
        this.mode = mode;
        this.err = err;
        this.linesTo = linesTo;
        this.bars = new ProgressBars(clock, Duration.ofSeconds(10));
        this.width = width;
        this.height = height;
    }

    /**
     * @param requested {@code --progress}
     * @param err       where the command writes stderr (bars go there)
     * @param linesTo   where plain lines go ({@code load}: stderr; {@code sync}: stdout, as before bars existed)
     */
    static LiveProgress open(ProgressMode requested, PrintWriter err, PrintWriter linesTo, Clock clock) {
        // Only bars need the terminal (auto: whether there is one); lines and none never load JLine's native library.
        StderrTerminal terminal = requested == ProgressMode.LINES || requested == ProgressMode.NONE ? null
                : StderrTerminal.detect();
        ProgressMode mode = requested.resolve(terminal != null);
        IntSupplier width = terminal != null ? terminal::width : () -> envInt("COLUMNS", DEFAULT_WIDTH);
        IntSupplier height = terminal != null ? terminal::height : () -> envInt("LINES", DEFAULT_HEIGHT);
        LiveProgress p = new LiveProgress(mode, err, linesTo, clock, width, height);
        if (mode == ProgressMode.BARS && terminal != null) {
            p.guardSystemErr(); // logs share the terminal with the frame
        }
        return p;
    }

    /** Plain lines to {@code to}, no detection: what callers without a --progress option get. */
    static LiveProgress lines(PrintWriter to) {
        return new LiveProgress(ProgressMode.LINES, to, to, Clock.systemUTC(), () -> DEFAULT_WIDTH,
                () -> DEFAULT_HEIGHT);
    }

    /** For tests: a fixed terminal size, no detection. */
    static LiveProgress forTest(ProgressMode mode, PrintWriter err, Clock clock, int width, int height) {
        return new LiveProgress(mode, err, err, clock, () -> width, () -> height);
    }

    /** Whether to feed {@link #update} (bars); otherwise plain lines through {@link #line}, if any. */
    boolean bars() {
        return mode == ProgressMode.BARS;
    }

    boolean silent() {
        return mode == ProgressMode.NONE;
    }

    /** Redraws the bars in place. */
    void update(List<ProgressBars.Item> items, List<String> extra) {
        draw(items, extra, false);
    }

    /** Draws the final frame and leaves it; later output goes below it. */
    void finish(List<ProgressBars.Item> items, List<String> extra) {
        draw(items, extra, true);
    }

    /** One plain progress line (mode {@code LINES}). */
    void line(String text) {
        if (mode == ProgressMode.LINES) {
            synchronized (lock) {
                linesTo.println(text);
                linesTo.flush();
            }
        }
    }

    /** Redraws {@code lines} in place as the frame (no bars: e.g. sync's streaming state); {@code last} leaves it. */
    void frame(List<String> lines, boolean last) {
        if (mode == ProgressMode.BARS) {
            int w = Math.max(20, width.getAsInt()) - 1;
            show(lines.stream().map(l -> l.length() <= w ? l : l.substring(0, w - 1) + "~").toList(), last);
        }
    }

    private void draw(List<ProgressBars.Item> items, List<String> extra, boolean last) {
        if (mode == ProgressMode.BARS) {
            synchronized (lock) {
                int w = Math.max(20, width.getAsInt()) - 1;
                show(bars.render(items, extra, w, Math.max(3, height.getAsInt() - 1)), last);
            }
        }
    }

    private void show(List<String> lines, boolean last) {
        synchronized (lock) {
            StringBuilder frame = new StringBuilder();
            if (drawn > 0) {
                frame.append("\r\033[").append(drawn).append('A');
            }
            for (String l : lines) {
                frame.append("\r\033[2K").append(l).append('\n');
            }
            if (lines.size() < drawn) {
                frame.append("\033[J"); // the frame shrank: erase what is left of the old one
            }
            err.print(frame);
            err.flush();
            drawn = last ? 0 : lines.size();
        }
    }

    /**
     * {@code out} for text printed while bars may be up (on the same terminal): each write erases the frame first and
     * is flushed at once, so it lands above the next frame instead of inside it. {@code out} itself when no bars.
     */
    PrintWriter above(PrintWriter out) {
        if (mode != ProgressMode.BARS) {
            return out;
        }
        return new PrintWriter(new java.io.Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                synchronized (lock) {
                    erase();
                    out.write(buf, off, len);
                    out.flush();
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        }, true);
    }

    /** Erases the frame (the next {@link #update} draws it again), so that other output starts on a clean line. */
    private void erase() {
        if (drawn > 0) {
            err.print("\r\033[" + drawn + "A\033[J");
            err.flush();
            drawn = 0;
        }
    }

    private void guardSystemErr() {
        PrintStream original = System.err;
        previousSystemErr = original;
        OutputStream guarded = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (lock) {
                    erase();
                    original.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (lock) {
                    erase();
                    original.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(guarded, true, Charset.defaultCharset()));
    }

    @Override
    public void close() {
        if (previousSystemErr != null) {
            System.setErr(previousSystemErr);
            previousSystemErr = null;
        }
    }

    private static int envInt(String name, int otherwise) {
        try {
            String v = System.getenv(name);
            return v == null ? otherwise : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /**
     * Stderr as a terminal, asked through JLine's native provider: no terminal is opened, no signal handler or mode
     * is changed (the {@code sql} client's JLine terminal would take over SIGINT, which {@code sync} needs). Null when
     * stderr is not a terminal, TERM is dumb, or the native check is unavailable (then we assume it is not).
     */
    static final class StderrTerminal {
        private final TerminalProvider provider;
        private long checkedAt;
        private int width;
        private int height;

        private StderrTerminal(TerminalProvider provider) {
            this.provider = provider;
        }

        static StderrTerminal detect() {
            if ("dumb".equals(System.getenv("TERM")) || redirected()) {
                return null;
            }
            try {
                TerminalProvider p = TerminalProvider.load("jni");
                return p.isSystemStream(SystemStream.Error) ? new StderrTerminal(p) : null;
            } catch (Throwable unavailable) {
                return null; // no native library for this platform: plain lines are always safe
            }
        }

        /**
         * Whether stderr surely is no terminal, told without JLine's native library (loading it costs a 1-row load
         * ~30 ms): on Linux, a redirected stderr links to a file or pipe, not to a device. False when unsure.
         */
        static boolean redirected() {
            try {
                java.nio.file.Path fd = java.nio.file.Path.of("/proc/self/fd/2");
                return java.nio.file.Files.isSymbolicLink(fd)
                        && !java.nio.file.Files.readSymbolicLink(fd).toString().startsWith("/dev/");
            } catch (java.io.IOException | RuntimeException e) {
                return false;
            }
        }

        /** Columns, asked again at most every 500 ms (an ioctl, cheap, but frames may come often): resizes show. */
        synchronized int width() {
            refresh();
            return width;
        }

        /** Lines, asked as the columns are. */
        synchronized int height() {
            refresh();
            return height;
        }

        private void refresh() {
            long now = System.nanoTime();
            if (width > 0 && now - checkedAt < 500_000_000L) {
                return;
            }
            checkedAt = now;
            int w = provider.systemStreamWidth(SystemStream.Error);
            width = w > 0 ? w : envInt("COLUMNS", 80);
            int rows = 0;
            try {
                if (provider instanceof org.jline.terminal.impl.jni.JniTerminalProvider jni) {
                    rows = jni.current(SystemStream.Error).getSize().getRows();
                }
            } catch (Throwable e) {
                rows = 0; // unknown: the environment's or a classic 24
            }
            height = rows > 0 ? rows : envInt("LINES", 24);
        }
    }
}

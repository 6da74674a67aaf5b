package io.hstreamio.runtime.cli;

import io.hstreamio.snapshot.BadInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code --progress}: how {@code load}, {@code sync} and {@code demo} show progress on stderr. {@code auto} draws bars
 * when stderr is a terminal and prints plain lines otherwise (piped, redirected, CI). It asks about stderr itself, not
 * {@code System.console()}: the console exists only when stdin and stdout are terminals, so {@code load ... > out.txt}
 * would lose its bars although stderr still shows them, and {@code load ... 2> log.txt} would write escape codes into
 * the file.
 */
enum ProgressMode {
    AUTO, BARS, LINES, NONE;

    static final String DESCRIPTION = "auto, bars, lines or none. auto: live bars when stderr is a terminal, "
            + "otherwise a plain line every few seconds";

    static ProgressMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--progress '" + text + "' is not one of " + Arrays.stream(values())
                    .map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                    + ": use --progress=auto (bars on a terminal, lines otherwise)");
        }
    }

    /** {@code AUTO} decided: {@code BARS} when {@code stderrIsTerminal}, else {@code LINES}. */
    ProgressMode resolve(boolean stderrIsTerminal) {
        return this == AUTO ? (stderrIsTerminal ? BARS : LINES) : this;
    }
}

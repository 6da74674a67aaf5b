package io.hstreamio.runtime.cli;

import io.hstreamio.snapshot.BadInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size option such as {@code --chunk-bytes 64MB}: a number with an optional k/M/G unit (powers of 1024). */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)i?b?", Pattern.CASE_INSENSITIVE);

    private ByteSize() {}

    static long parse(String option, String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new BadInputException(option + " '" + text + "' is not a size: use bytes or a number with k, MB or "
                    + "GB, e.g. " + option + " 64MB");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
            throw new BadInputException(option + " '" + text + "' must be above zero and below 8 EB, e.g. " + option
                    + " 64MB");
        }
        return n << shift;
    }
}

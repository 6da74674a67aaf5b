package io.hstreamio.core.options;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Converts raw config values (String, Number, Boolean, List from JSON or SQL) and renders values for messages. */
final class Values {

    /** A raw value that cannot be converted; carries only a "must be ..." phrase, never the value itself. */
    static final class BadValue extends RuntimeException {
        final String requirement;

        BadValue(String requirement) {
            super(requirement, null, false, false);
            this.requirement = requirement;
        }
    }

    /** Converts one raw value; throws {@link BadValue}. */
    @FunctionalInterface
    interface Converter<T> {
        T convert(Object raw);
    }

    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
    // Units are matched case-insensitively; the schema's pattern spells the same grammar out.
    private static final Pattern DURATION =
            Pattern.compile("([0-9]+)\\s*(ms|s|m|min|h|d)?", Pattern.CASE_INSENSITIVE);
    static final String DURATION_SCHEMA_PATTERN =
            "^[0-9]+ *([mM][sS]|[sS]|[mM]|[mM][iI][nN]|[hH]|[dD])?$";
    private static final int MAX_SHOWN = 80;

    private Values() {
    }

    static String toText(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (raw instanceof Number || raw instanceof Boolean || raw instanceof Character) {
            return raw.toString();
        }
        throw new BadValue("must be " + OptionType.STRING.expected());
    }

    static Integer toInt(Object raw) {
        BigInteger v = toWhole(raw, OptionType.INTEGER);
        if (v.bitLength() > 31) {
            throw new BadValue("must be an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return v.intValue();
    }

    static Long toLong(Object raw) {
        BigInteger v = toWhole(raw, OptionType.LONG);
        if (v.bitLength() > 63) {
            throw new BadValue("must be an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
        }
        return v.longValue();
    }

    private static BigInteger toWhole(Object raw, OptionType type) {
        String mustBe = "must be " + type.expected();
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return BigInteger.valueOf(((Number) raw).longValue());
        }
        if (raw instanceof BigInteger b) {
            return b;
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (!Double.isFinite(d)) {
                throw new BadValue(mustBe);
            }
            return wholeOrFail(new BigDecimal(d), mustBe);
        }
        if (raw instanceof BigDecimal d) {
            return wholeOrFail(d, mustBe);
        }
        if (raw instanceof String s && WHOLE.matcher(s.strip()).matches()) {
            return new BigInteger(s.strip());
        }
        throw new BadValue(mustBe);
    }

    // JSON 5.0 is a whole number; 5.5 is not.
    private static BigInteger wholeOrFail(BigDecimal d, String mustBe) {
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new BadValue(mustBe);
        }
    }

    static Boolean toBool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof String s) {
            String t = s.strip();
            if (t.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (t.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
        }
        throw new BadValue("must be " + OptionType.BOOLEAN.expected());
    }

    static Duration toDuration(Object raw) {
        String mustBe = "must be " + OptionType.DURATION.expected();
        long millis;
        if (raw instanceof String s) {
            Matcher m = DURATION.matcher(s.strip());
            if (!m.matches()) {
                throw new BadValue(mustBe);
            }
            try {
                long amount = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
                millis = Math.multiplyExact(amount, unitMillis(unit));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new BadValue(mustBe);
            }
        } else if (raw instanceof Number) {
            try {
                millis = toLong(raw);
            } catch (BadValue e) {
                throw new BadValue(mustBe);
            }
            if (millis < 0) {
                throw new BadValue(mustBe);
            }
        } else {
            throw new BadValue(mustBe);
        }
        return Duration.ofMillis(millis);
    }

    private static long unitMillis(String unit) {
        return switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m", "min" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> throw new IllegalStateException("unit " + unit);
        };
    }

    /** The shortest exact text the parser reads back: "0s", "500ms", "90s", "5m", "1h", "2d". */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }

    static <E extends Enum<E>> E toEnum(Object raw, Class<E> type) {
        if (raw instanceof String s) {
            String t = s.strip();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(t)) {
                    return constant;
                }
            }
        }
        throw new BadValue("must be one of " + enumNames(type));
    }

    static String enumNames(Class<? extends Enum<?>> type) {
        List<String> names = new ArrayList<>();
        for (Enum<?> constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        return String.join(", ", names);
    }

    /** A JSON array keeps its items as given; a string is split at commas, items trimmed, empty items dropped. */
    static List<String> toList(Object raw) {
        String mustBe = "must be " + OptionType.LIST.expected();
        if (raw instanceof Collection<?> items) {
            List<String> out = new ArrayList<>(items.size());
            for (Object item : items) {
                if (item == null || item instanceof Collection || item instanceof Map) {
                    throw new BadValue(mustBe);
                }
                out.add(toText(item));
            }
            return List.copyOf(out);
        }
        if (raw instanceof String s) {
            List<String> out = new ArrayList<>();
            for (String part : s.split(",", -1)) {
                String t = part.strip();
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
            return List.copyOf(out);
        }
        throw new BadValue(mustBe);
    }

    /** A given value as a message shows it: strings quoted and escaped to one line, long ones cut. */
    static String show(Object raw) {
        if (raw instanceof String s) {
            return quote(s);
        }
        if (raw instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (raw instanceof Number || raw instanceof Boolean) {
            return raw.toString();
        }
        if (raw instanceof Collection<?> c) {
            List<String> items = new ArrayList<>();
            for (Object item : c) {
                items.add(item instanceof Collection || item instanceof Map ? "[...]" : show(item));
            }
            return cut("[" + String.join(", ", items) + "]");
        }
        if (raw instanceof Map) {
            return "an object";
        }
        return "a value of type " + raw.getClass().getSimpleName();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                });
            } else {
                sb.append(c);
            }
        }
        return cut(sb.append('\'').toString());
    }

    private static String cut(String s) {
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN - 3) + "...";
    }
}

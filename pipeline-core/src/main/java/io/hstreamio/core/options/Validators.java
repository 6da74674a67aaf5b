package io.hstreamio.core.options;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The common validators. Each one's message says what is allowed; each also adds the matching JSON Schema keyword
 * ({@code minimum}/{@code maximum}, {@code minLength}, {@code enum}, {@code pattern}) to the option's schema.
 */
public final class Validators {

    private Validators() {
    }

    /** A number in {@code [min, max]}. */
    public static Validator<Number> range(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("range min " + min + " is greater than max " + max);
        }
        String requirement = max == Long.MAX_VALUE ? "must be at least " + min
                : min == Long.MIN_VALUE ? "must be at most " + max
                : "must be between " + min + " and " + max;
        return new Range(min, max, requirement);
    }

    /** A number of at least {@code min}. */
    public static Validator<Number> min(long min) {
        return range(min, Long.MAX_VALUE);
    }

    /** A number greater than zero. */
    public static Validator<Number> positive() {
        return new Range(1, Long.MAX_VALUE, "must be greater than 0");
    }

    /** A number of zero or more. */
    public static Validator<Number> nonNegative() {
        return new Range(0, Long.MAX_VALUE, "must be 0 or greater");
    }

    /** A TCP port, 1 to 65535. */
    public static Validator<Number> port() {
        return new Range(1, 65_535, "must be a port number between 1 and 65535");
    }

    /** A string that is not empty or only spaces, or a list with at least one item. */
    public static Validator<Object> nonEmpty() {
        return new NonEmpty();
    }

    /** One of the given strings, compared exactly (use {@link OptionDef#enumeration} for case-insensitive choices). */
    public static Validator<String> oneOf(String... allowed) {
        if (allowed.length == 0) {
            throw new IllegalArgumentException("oneOf needs at least one allowed value");
        }
        return new OneOf(List.of(allowed));
    }

    /**
     * A string that matches {@code regex} as a whole; {@code description} completes "must be ...", e.g.
     * {@code pattern("[A-Za-z_][A-Za-z0-9_]*", "an identifier (letters, digits, _)")}.
     */
    public static Validator<String> pattern(String regex, String description) {
        return new Matches(Pattern.compile(regex), Objects.requireNonNull(description, "description"));
    }

    /** A duration in {@code [min, max]}. */
    public static Validator<Duration> durationRange(Duration min, Duration max) {
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("duration range min " + min + " is greater than max " + max);
        }
        return new DurationRange(min, max);
    }

    /** Applies {@code element} to each item of a list. */
    public static Validator<List<String>> each(Validator<? super String> element) {
        return new Each(Objects.requireNonNull(element, "element"));
    }

    private record Range(long min, long max, String requirement) implements Validator<Number>, SchemaHint {
        @Override
        public void validate(String optionName, Number value) {
            long v = value.longValue();
            if (v < min || v > max) {
                throw OptionException.invalid(optionName, requirement);
            }
        }

        @Override
        public void describe(ObjectNode property, OptionType type) {
            // Only what is narrower than the type's own range is worth saying.
            if (min != Long.MIN_VALUE && !(type == OptionType.INTEGER && min <= Integer.MIN_VALUE)) {
                property.set("minimum", OptionsDefinition.number(min));
            }
            if (max != Long.MAX_VALUE && !(type == OptionType.INTEGER && max >= Integer.MAX_VALUE)) {
                property.set("maximum", OptionsDefinition.number(max));
            }
        }
    }

    private record NonEmpty() implements Validator<Object>, SchemaHint {
        @Override
        public void validate(String optionName, Object value) {
            boolean empty = value instanceof CharSequence s ? s.toString().isBlank()
                    : value instanceof Collection<?> c ? c.isEmpty()
                    : value instanceof Map<?, ?> m && m.isEmpty();
            if (empty) {
                throw OptionException.invalid(optionName, "must not be empty");
            }
        }

        @Override
        public void describe(ObjectNode property, OptionType type) {
            if (type == OptionType.LIST) {
                property.put("minItems", 1);
            } else if (type == OptionType.STRING) {
                property.put("minLength", 1);
            }
        }
    }

    private record OneOf(List<String> allowed) implements Validator<String>, SchemaHint {
        @Override
        public void validate(String optionName, String value) {
            if (!allowed.contains(value)) {
                throw OptionException.invalid(optionName, "must be one of " + String.join(", ", allowed));
            }
        }

        @Override
        public void describe(ObjectNode property, OptionType type) {
            ArrayNode values = property.putArray("enum");
            allowed.forEach(values::add);
        }
    }

    private record Matches(Pattern regex, String description) implements Validator<String>, SchemaHint {
        @Override
        public void validate(String optionName, String value) {
            if (!regex.matcher(value).matches()) {
                throw OptionException.invalid(optionName, "must be " + description);
            }
        }

        @Override
        public void describe(ObjectNode property, OptionType type) {
            // JSON Schema patterns match anywhere; anchor them to match the whole value as Java's matches() does.
            property.put("pattern", "^(?:" + regex.pattern() + ")$");
        }
    }

    private record DurationRange(Duration min, Duration max) implements Validator<Duration> {
        @Override
        public void validate(String optionName, Duration value) {
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw OptionException.invalid(optionName, "must be between " + Values.formatDuration(min)
                        + " and " + Values.formatDuration(max));
            }
        }
    }

    private record Each(Validator<? super String> element) implements Validator<List<String>>, SchemaHint {
        @Override
        public void validate(String optionName, List<String> value) {
            for (String item : value) {
                try {
                    element.validate(optionName, item);
                } catch (OptionException e) {
                    String why = e.requirement() != null ? "it " + e.requirement() : e.getMessage();
                    throw new OptionException(optionName, "option '" + optionName + "' has an invalid item "
                            + Values.quote(item) + ": " + why);
                }
            }
        }

        @Override
        public void describe(ObjectNode property, OptionType type) {
            if (element instanceof SchemaHint hint && property.get("items") instanceof ObjectNode items) {
                hint.describe(items, OptionType.STRING);
            }
        }
    }
}

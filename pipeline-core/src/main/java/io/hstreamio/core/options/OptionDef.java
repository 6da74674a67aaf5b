package io.hstreamio.core.options;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One option of a connector: its name (case-sensitive, kept as given, e.g. {@code task.error.skipStrategy}), type,
 * default, whether it is required or secret, its documentation and validators. Immutable and thread-safe; define
 * each once as a constant and list it in the connector's {@link OptionsDefinition}.
 *
 * <pre>{@code
 * static final OptionDef<Integer> PORT = OptionDef.integer("port")
 *         .doc("MySQL port").defaultValue(3306).validator(Validators.port()).build();
 * }</pre>
 *
 * <p>{@link Options#get} identifies options by this object, so use the same instance everywhere.
 */
public final class OptionDef<T> {

    /** The {@code ui:type} of secret options. */
    public static final String UI_SECRET = "secret";
    /** The {@code ui:type} of options that name a stream. */
    public static final String UI_STREAM = "stream";

    private final String name;
    private final OptionType type;
    private final Values.Converter<T> converter;
    private final Function<T, Object> canonical;
    private final Class<? extends Enum<?>> enumType;
    private final T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String doc;
    private final String displayName;
    private final String uiType;
    private final List<Validator<? super T>> validators;

    private OptionDef(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.converter = b.converter;
        this.canonical = b.canonical;
        this.enumType = b.enumType;
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.secret = b.secret;
        this.doc = b.doc;
        this.displayName = b.displayName;
        this.uiType = b.secret ? UI_SECRET : b.uiType;
        this.validators = List.copyOf(b.validators);
    }

    public static Builder<String> string(String name) {
        return new Builder<>(name, OptionType.STRING, Values::toText, v -> v, null);
    }

    /** A secret string: its value never shows in messages, {@link Options#masked()} or logs. */
    public static Builder<String> password(String name) {
        return string(name).secret();
    }

    public static Builder<Integer> integer(String name) {
        return new Builder<>(name, OptionType.INTEGER, Values::toInt, v -> v, null);
    }

    public static Builder<Long> longInt(String name) {
        return new Builder<>(name, OptionType.LONG, Values::toLong, v -> v, null);
    }

    public static Builder<Boolean> bool(String name) {
        return new Builder<>(name, OptionType.BOOLEAN, Values::toBool, v -> v, null);
    }

    /** Accepts "500ms", "10s", "5m" (or "5min"), "1h", "2d" in any case, or a whole number of milliseconds. */
    public static Builder<Duration> duration(String name) {
        return new Builder<>(name, OptionType.DURATION, Values::toDuration, Values::formatDuration, null);
    }

    /** Matches constant names case-insensitively; the schema lists the names as declared. */
    public static <E extends Enum<E>> Builder<E> enumeration(String name, Class<E> type) {
        Objects.requireNonNull(type, "type");
        Set<String> seen = new HashSet<>();
        for (E constant : type.getEnumConstants()) {
            if (!seen.add(constant.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("enum " + type.getSimpleName() + " of option '" + name
                        + "' has constants that differ only in case; rename one");
            }
        }
        return new Builder<>(name, OptionType.ENUM, raw -> Values.toEnum(raw, type), Enum::name, type);
    }

    /** Accepts a JSON array (items kept as given) or a comma-separated string (items trimmed, empty ones dropped). */
    public static Builder<List<String>> list(String name) {
        return new Builder<>(name, OptionType.LIST, Values::toList, v -> v, null);
    }

    public String name() {
        return name;
    }

    public OptionType type() {
        return type;
    }

    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean required() {
        return required;
    }

    public boolean secret() {
        return secret;
    }

    /** Never null; empty when no doc was given. */
    public String doc() {
        return doc;
    }

    /** The name a UI shows; the option's name unless one was set. */
    public String displayName() {
        return displayName != null ? displayName : name;
    }

    /** {@code "secret"} for secret options, otherwise the ui type set ({@code "stream"}, ...) or null. */
    public String uiType() {
        return uiType;
    }

    boolean hasDisplayName() {
        return displayName != null;
    }

    Class<? extends Enum<?>> enumType() {
        return enumType;
    }

    List<Validator<? super T>> validators() {
        return validators;
    }

    /** Converts a raw (non-null) config value; throws {@link Values.BadValue} naming what is allowed. */
    T convert(Object raw) {
        return converter.convert(raw);
    }

    /** The JSON-friendly form of a value (String, Integer, Long, Boolean, List), which {@link #convert} reads back. */
    Object canonical(T value) {
        return canonical.apply(value);
    }

    @SuppressWarnings("unchecked")
    Object canonicalUnchecked(Object value) {
        return canonical((T) value);
    }

    void validate(T value) {
        for (Validator<? super T> v : validators) {
            v.validate(name, value);
        }
    }

    @Override
    public String toString() {
        return "option '" + name + "' (" + type.name().toLowerCase(Locale.ROOT) + ")";
    }

    /** Collects an option's properties; {@link #build()} checks that they fit together. Not thread-safe. */
    public static final class Builder<T> {
        private final String name;
        private final OptionType type;
        private final Values.Converter<T> converter;
        private final Function<T, Object> canonical;
        private final Class<? extends Enum<?>> enumType;
        private final List<Validator<? super T>> validators = new ArrayList<>();
        private T defaultValue;
        private boolean required;
        private boolean secret;
        private String doc = "";
        private String displayName;
        private String uiType;

        private Builder(String name, OptionType type, Values.Converter<T> converter,
                        Function<T, Object> canonical, Class<? extends Enum<?>> enumType) {
            Objects.requireNonNull(name, "option name");
            if (name.isBlank() || !name.strip().equals(name)) {
                throw new IllegalArgumentException("option name '" + name
                        + "' must not be blank or start or end with spaces");
            }
            this.name = name;
            this.type = type;
            this.converter = converter;
            this.canonical = canonical;
            this.enumType = enumType;
        }

        /** One sentence for users; shown in the JSON Schema and when a required option is missing. */
        public Builder<T> doc(String doc) {
            this.doc = doc == null ? "" : doc.strip();
            return this;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = Objects.requireNonNull(value, () -> "default of option '" + name + "'");
            return this;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> displayName(String name) {
            this.displayName = name;
            return this;
        }

        /** The {@code ui:type}, e.g. {@code "stream"} or {@code "group"}; {@code "secret"} is the same as {@link #secret()}. */
        public Builder<T> uiType(String uiType) {
            if (UI_SECRET.equals(uiType)) {
                this.secret = true;
            } else {
                this.uiType = uiType;
            }
            return this;
        }

        /** May be called several times; all validators apply, in order. */
        public Builder<T> validator(Validator<? super T> v) {
            validators.add(Objects.requireNonNull(v, "validator"));
            return this;
        }

        /** @throws IllegalArgumentException when the properties contradict each other or the default is invalid */
        public OptionDef<T> build() {
            if (required && defaultValue != null) {
                throw new IllegalArgumentException("option '" + name
                        + "' is required and has a default; drop one of the two");
            }
            if (secret && uiType != null) {
                throw new IllegalArgumentException("option '" + name + "' is secret and has ui:type '" + uiType
                        + "'; a secret option's ui:type is always 'secret'");
            }
            if (uiType != null && uiType.isBlank()) {
                throw new IllegalArgumentException("option '" + name + "' has a blank ui:type; leave it unset");
            }
            if (defaultValue instanceof Duration d && (d.isNegative() || d.toNanos() % 1_000_000L != 0)) {
                throw new IllegalArgumentException("default of option '" + name
                        + "' must be a non-negative whole number of milliseconds, got " + d);
            }
            OptionDef<T> def = new OptionDef<>(this);
            if (defaultValue != null) {
                try {
                    def.validate(defaultValue);
                } catch (OptionException e) {
                    throw new IllegalArgumentException("default of option '" + name + "' breaks its own validator: "
                            + (secret ? "(secret value hidden)" : e.getMessage()));
                }
            }
            return def;
        }
    }
}

package io.hstreamio.core.options;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A component's options, parsed and validated by {@link OptionsDefinition#parse}. Immutable and thread-safe.
 * Values are read with the {@link OptionDef} constants of the definition.
 */
public final class Options {

    /** What {@link #masked()} and {@link #toString()} show instead of a secret value. */
    public static final String MASK = "******";

    private final OptionsDefinition definition;
    // Given values, converted to the option's Java type, in definition order.
    private final Map<String, Object> given;

    Options(OptionsDefinition definition, Map<String, Object> given) {
        this.definition = definition;
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
    }

    /**
     * The given value, else the default, else null (an optional option with no default).
     *
     * @throws IllegalStateException when {@code def} is not part of this component's definition
     */
    @SuppressWarnings("unchecked")
    public <T> T get(OptionDef<T> def) {
        checkMember(def);
        Object value = given.get(def.name());
        return value != null ? (T) value : def.defaultValue().orElse(null);
    }

    public <T> Optional<T> find(OptionDef<T> def) {
        return Optional.ofNullable(get(def));
    }

    /** Whether the option was given explicitly (a default does not count). */
    public boolean isSet(OptionDef<?> def) {
        checkMember(def);
        return given.containsKey(def.name());
    }

    /** The definition these options were parsed by. */
    public OptionsDefinition definition() {
        return definition;
    }

    /**
     * All given options in definition order, each in its JSON form (durations as "10s", enums by name), with secret
     * values replaced by {@value #MASK}: for logs, SHOW and DESCRIBE.
     */
    public Map<String, Object> masked() {
        return render(true);
    }

    /**
     * All given options in their JSON form, secrets included; {@link OptionsDefinition#parse} reads this map back to
     * equal options. Only for handing config to a child process: never log it.
     */
    public Map<String, Object> raw() {
        return render(false);
    }

    private Map<String, Object> render(boolean mask) {
        Map<String, Object> out = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            OptionDef<?> def = definition.find(name).orElseThrow();
            out.put(name, mask && def.secret() ? MASK : def.canonicalUnchecked(value));
        });
        return Collections.unmodifiableMap(out);
    }

    private void checkMember(OptionDef<?> def) {
        Objects.requireNonNull(def, "option");
        if (definition.find(def.name()).orElse(null) != def) {
            throw new IllegalStateException("option '" + def.name() + "' is not defined for "
                    + definition.componentName() + "; add it to that component's OptionsDefinition");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Options other && other.definition == definition && other.given.equals(given);
    }

    @Override
    public int hashCode() {
        return given.hashCode();
    }

    /** The masked form: secrets never show. */
    @Override
    public String toString() {
        return definition.componentName() + " options " + masked();
    }
}

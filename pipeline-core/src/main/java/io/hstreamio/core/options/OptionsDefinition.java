package io.hstreamio.core.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * All options of one component (a connector, the sink toolkit, ...), in the order a UI shows them, plus its
 * cross-field rules. Parses raw config into {@link Options} and renders the JSON Schema that the {@code spec}
 * command prints. Immutable and thread-safe; build it once per component, typically as a constant.
 */
public final class OptionsDefinition {

    static final String SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String componentName;
    private final Map<String, OptionDef<?>> byName;
    private final List<OptionDef<?>> options;
    private final List<CrossRule> rules;
    private final ObjectNode schema;

    private OptionsDefinition(String componentName, Map<String, OptionDef<?>> byName, List<CrossRule> rules) {
        this.componentName = componentName;
        this.byName = Map.copyOf(byName);
        this.options = List.copyOf(byName.values());
        this.rules = List.copyOf(rules);
        this.schema = renderSchema();
    }

    /** {@code componentName} appears in every message, e.g. "mysql source" gives "option 'port' of mysql source ...". */
    public static Builder builder(String componentName) {
        return new Builder(componentName);
    }

    public String componentName() {
        return componentName;
    }

    /** In definition order. */
    public List<OptionDef<?>> options() {
        return options;
    }

    public Optional<OptionDef<?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Converts and checks raw config (values String, Number, Boolean or List, as JSON or SQL {@code WITH (...)} give
     * them; a null value counts as not given). Collects every problem (unknown names, wrong types, missing required
     * options, validators) and throws them together; cross rules run only once all options are valid.
     *
     * @param raw the config; null is taken as empty
     * @throws OptionException naming every problem, in one line; secret values never appear in it
     */
    public Options parse(Map<String, ?> raw) throws OptionException {
        Map<String, ?> config = raw == null ? Map.of() : raw;
        List<String> problems = new ArrayList<>();
        String firstBad = null;

        for (Object key : config.keySet()) {
            String name = String.valueOf(key);
            if (!byName.containsKey(name)) {
                problems.add(unknownOption(name));
                firstBad = firstBad != null ? firstBad : name;
            }
        }

        Set<String> secretTexts = secretTexts(config);
        Map<String, Object> given = new LinkedHashMap<>();
        for (OptionDef<?> def : options) {
            Object value = config.get(def.name());
            String problem = value == null ? missing(def) : convert(def, value, given, secretTexts);
            if (problem != null) {
                problems.add(problem);
                firstBad = firstBad != null ? firstBad : def.name();
            }
        }

        if (problems.isEmpty()) {
            Options parsed = new Options(this, given);
            for (CrossRule rule : rules) {
                try {
                    rule.check(parsed);
                } catch (OptionException e) {
                    OptionDef<?> def = e.optionName() == null ? null : byName.get(e.optionName());
                    problems.add(describe(def, e, def == null ? null : config.get(def.name()), secretTexts));
                    firstBad = firstBad != null ? firstBad : e.optionName();
                }
            }
            if (problems.isEmpty()) {
                return parsed;
            }
        }
        throw OptionException.of(firstBad, problems);
    }

    /** The JSON Schema 2020-12 of these options with HStream's UI keys; a fresh copy the caller may change. */
    public ObjectNode jsonSchema() {
        return schema.deepCopy();
    }

    @Override
    public String toString() {
        return "options of " + componentName + " " + options.stream().map(OptionDef::name).toList();
    }

    // ---- parsing helpers --------------------------------------------------------------------------------------

    private String missing(OptionDef<?> def) {
        if (!def.required()) {
            return null;
        }
        String message = "option '" + def.name() + "' of " + componentName + " is required";
        return def.doc().isEmpty() ? message : message + ": " + oneLine(def.doc());
    }

    private <T> String convert(OptionDef<T> def, Object value, Map<String, Object> given, Set<String> secretTexts) {
        T converted;
        try {
            converted = def.convert(value);
        } catch (Values.BadValue e) {
            return subject(def) + " " + e.requirement + got(def, value);
        }
        try {
            def.validate(converted);
        } catch (OptionException e) {
            return describe(def, e, value, secretTexts);
        }
        given.put(def.name(), converted);
        return null;
    }

    /** One problem from a validator or cross rule: a "must ..." phrase gets subject and value added. */
    private String describe(OptionDef<?> def, OptionException e, Object value, Set<String> secretTexts) {
        if (def != null && e.requirement() != null) {
            return subject(def) + " " + e.requirement() + (value == null ? "" : got(def, value));
        }
        String message = e.getMessage() == null ? "invalid options" : e.getMessage();
        if (def != null) {
            // "option 'x' ..." from a custom validator gets the component, like the framework's own messages.
            String prefix = "option '" + def.name() + "' ";
            String withComponent = prefix + "of " + componentName + " ";
            if (message.startsWith(prefix) && !message.startsWith(withComponent)) {
                message = withComponent + message.substring(prefix.length());
            }
        }
        return oneLine(redact(message, secretTexts));
    }

    private String subject(OptionDef<?> def) {
        return "option '" + def.name() + "' of " + componentName;
    }

    private static String got(OptionDef<?> def, Object value) {
        return def.secret() ? " (the value is secret and not shown)" : ", got " + Values.show(value);
    }

    private String unknownOption(String name) {
        StringBuilder sb = new StringBuilder("unknown option ").append(Values.quote(name))
                .append(" for ").append(componentName);
        suggest(name).ifPresent(s -> sb.append("; did you mean '").append(s).append("'?"));
        return sb.append(" (known: ").append(String.join(", ", new TreeSet<>(byName.keySet()))).append(')')
                .toString();
    }

    /** The closest known name, ignoring case, if it is close enough to be a typo. */
    private Optional<String> suggest(String name) {
        String given = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : new TreeSet<>(byName.keySet())) {
            int d = editDistance(given, known.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        int allowed = Math.min(3, Math.max(1, name.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance that also counts swapping two neighbours as one edit ("hots" vs "host"). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Every text form in which a given secret value could show up in a custom message. */
    private Set<String> secretTexts(Map<String, ?> config) {
        Set<String> texts = new TreeSet<>(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder()));
        for (OptionDef<?> def : options) {
            Object value = config.get(def.name());
            if (def.secret() && value != null) {
                addTexts(value, texts);
            }
        }
        texts.removeIf(String::isEmpty);
        return texts;
    }

    private static void addTexts(Object value, Set<String> texts) {
        if (value instanceof Collection<?> items) {
            items.forEach(item -> addTexts(item, texts));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(item -> addTexts(item, texts));
        } else if (value != null) {
            String text = value instanceof String s ? s : Values.show(value);
            texts.add(text);
            texts.add(text.strip());
        }
    }

    // Longest first, so a secret that contains another is replaced whole.
    private static String redact(String message, Set<String> secretTexts) {
        String out = message;
        for (String secret : secretTexts) {
            out = out.replace(secret, Options.MASK);
        }
        return out;
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
    }

    // ---- JSON Schema --------------------------------------------------------------------------------------------

    private ObjectNode renderSchema() {
        ObjectNode root = JSON.objectNode();
        root.put("$schema", SCHEMA_DIALECT);
        root.put("title", componentName);
        root.put("description", "the options of " + componentName);
        root.put("type", "object");
        ObjectNode properties = root.putObject("properties");
        ArrayNode required = JSON.arrayNode();
        ArrayNode order = JSON.arrayNode();
        for (OptionDef<?> def : options) {
            properties.set(def.name(), property(def));
            if (def.required()) {
                required.add(def.name());
            }
            order.add(def.name());
        }
        root.set("required", required);
        root.put("additionalProperties", false);
        root.set("ui:order", order);
        return root;
    }

    private static ObjectNode property(OptionDef<?> def) {
        ObjectNode p = JSON.objectNode();
        p.put("type", def.type().jsonType());
        if (def.hasDisplayName()) {
            p.put("title", def.displayName());
        }
        if (!def.doc().isEmpty()) {
            p.put("description", def.doc());
        }
        switch (def.type()) {
            case ENUM -> {
                ArrayNode names = p.putArray("enum");
                for (Enum<?> constant : def.enumType().getEnumConstants()) {
                    names.add(constant.name());
                }
            }
            case LIST -> p.putObject("items").put("type", "string");
            case DURATION -> p.put("pattern", Values.DURATION_SCHEMA_PATTERN);
            default -> {
            }
        }
        // A secret's default is as secret as a given value.
        if (!def.secret()) {
            def.defaultValue().ifPresent(v -> p.set("default", toJson(def.canonicalUnchecked(v))));
        }
        for (Validator<?> v : def.validators()) {
            if (v instanceof SchemaHint hint) {
                hint.describe(p, def.type());
            }
        }
        if (def.uiType() != null) {
            p.put("ui:type", def.uiType());
        }
        if (def.hasDisplayName()) {
            p.put("ui:showName", def.displayName());
        }
        return p;
    }

    /** The node a JSON reader would make of this number (int when it fits), so schemas compare equal after I/O. */
    static JsonNode number(long value) {
        return value == (int) value ? JSON.numberNode((int) value) : JSON.numberNode(value);
    }

    private static JsonNode toJson(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return number(((Number) value).longValue());
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        if (value instanceof List<?> items) {
            ArrayNode array = JSON.arrayNode();
            items.forEach(item -> array.add(toJson(item)));
            return array;
        }
        return JSON.textNode(String.valueOf(value));
    }

    /** Collects options and rules; {@link #build()} rejects two different options with one name. Not thread-safe. */
    public static final class Builder {
        private final String componentName;
        private final List<OptionDef<?>> defs = new ArrayList<>();
        private final Set<CrossRule> rules = new LinkedHashSet<>();

        private Builder(String componentName) {
            Objects.requireNonNull(componentName, "componentName");
            if (componentName.isBlank()) {
                throw new IllegalArgumentException("component name must not be blank");
            }
            this.componentName = componentName;
        }

        public Builder add(OptionDef<?>... defs) {
            for (OptionDef<?> def : defs) {
                this.defs.add(Objects.requireNonNull(def, "option"));
            }
            return this;
        }

        /** Adds another definition's options (after the ones added so far) and its cross rules. */
        public Builder addAll(OptionsDefinition other) {
            defs.addAll(other.options);
            rules.addAll(other.rules);
            return this;
        }

        /** A cross-field rule; rules run in the order added. */
        public Builder rule(CrossRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** @throws IllegalArgumentException when two different options share a name */
        public OptionsDefinition build() {
            Map<String, OptionDef<?>> byName = new LinkedHashMap<>();
            for (OptionDef<?> def : defs) {
                OptionDef<?> earlier = byName.putIfAbsent(def.name(), def);
                if (earlier != null && earlier != def) {
                    throw new IllegalArgumentException("option '" + def.name() + "' is defined twice in "
                            + componentName + "; keep one definition");
                }
            }
            return new OptionsDefinition(componentName, byName, new ArrayList<>(rules));
        }
    }
}

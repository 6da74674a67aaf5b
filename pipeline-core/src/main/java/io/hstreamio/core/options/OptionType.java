package io.hstreamio.core.options;

/** The kind of value an option holds; fixes how raw config is converted and how the JSON Schema types it. */
public enum OptionType {
    /** {@link String}; numbers and booleans given for it are taken as their text. */
    STRING("string", "a string"),
    /** {@link Integer}: a whole number, as a JSON number or its digits in a string. */
    INTEGER("integer", "an integer"),
    /** {@link Long}: a whole number, as a JSON number or its digits in a string. */
    LONG("integer", "an integer"),
    /** {@link Boolean}: true/false, or those words in any case. */
    BOOLEAN("boolean", "true or false"),
    /** {@link java.time.Duration}: "500ms", "10s", "5m", "1h", "2d", or a number of milliseconds. */
    DURATION("string", "a duration like 500ms, 10s, 5m, 1h or a number of milliseconds"),
    /** An enum constant, matched by name in any case. */
    ENUM("string", "one of the listed values"),
    /** {@code List<String>}: a JSON array, or one string of comma-separated items. */
    LIST("array", "a list of strings or a comma-separated string");

    private final String jsonType;
    private final String expected;

    OptionType(String jsonType, String expected) {
        this.jsonType = jsonType;
        this.expected = expected;
    }

    /** The JSON Schema {@code type} keyword for options of this kind. */
    public String jsonType() {
        return jsonType;
    }

    /** What a value must look like, phrased to follow "must be". */
    String expected() {
        return expected;
    }
}

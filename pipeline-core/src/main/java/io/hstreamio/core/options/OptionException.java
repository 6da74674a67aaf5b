package io.hstreamio.core.options;

import java.util.List;

/**
 * A connector's options are wrong. The message is one line that names each bad option and what is allowed;
 * when {@link OptionsDefinition#parse} finds several problems they are all in the message, joined with "; ".
 * Messages never contain the value of a secret option.
 *
 * <p>Validators and cross rules throw it through {@link #invalid(String, String)} ("must be ..."), which lets the
 * framework add the component's name and, for non-secret options, the value that was given.
 */
public class OptionException extends IllegalArgumentException {

    private final String optionName;
    private final String requirement;
    private final transient List<String> problems;

    /** A problem described by a complete sentence, used as given. {@code optionName} may be null. */
    public OptionException(String optionName, String message) {
        this(optionName, message, null, List.of(message));
    }

    /** A problem that concerns no single option (e.g. a cross rule over several of them). */
    public OptionException(String message) {
        this(null, message);
    }

    private OptionException(String optionName, String message, String requirement, List<String> problems) {
        super(message);
        this.optionName = optionName;
        this.requirement = requirement;
        this.problems = problems;
    }

    /**
     * A value that breaks a rule, with the rule phrased to follow the option's name, e.g. {@code invalid("port",
     * "must be between 1 and 65535")}. Do not put the value in {@code requirement}: the framework appends it
     * unless the option is secret.
     */
    public static OptionException invalid(String optionName, String requirement) {
        String message = "option '" + optionName + "' " + requirement;
        return new OptionException(optionName, message, requirement, List.of(message));
    }

    /** All problems found by one parse, joined into one message. */
    static OptionException of(String optionName, List<String> problems) {
        return new OptionException(optionName, String.join("; ", problems), null, List.copyOf(problems));
    }

    /** The (first) option at fault; null when the problem concerns no single option. */
    public String optionName() {
        return optionName;
    }

    /** Each problem on its own, in the order of the message. */
    public List<String> problems() {
        return problems == null ? List.of(getMessage()) : problems;
    }

    /** The "must be ..." phrase given to {@link #invalid}; null for a message given whole. */
    String requirement() {
        return requirement;
    }
}

package io.hstreamio.core.options;

/**
 * Checks one option's parsed value. Runs inside {@link OptionsDefinition#parse} on the caller's thread, only for
 * values that were given (defaults are checked once, when the {@link OptionDef} is built). Must be stateless.
 *
 * <p>Throw {@link OptionException#invalid(String, String)} with a "must ..." phrase that says what is allowed; the
 * framework adds the component and the given value, and keeps secret values out of the message.
 */
@FunctionalInterface
public interface Validator<T> {
    void validate(String optionName, T value) throws OptionException;
}

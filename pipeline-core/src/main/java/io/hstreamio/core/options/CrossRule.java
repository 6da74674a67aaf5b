package io.hstreamio.core.options;

/**
 * A rule over several options ("table.include and table.exclude cannot both be set"). Runs inside
 * {@link OptionsDefinition#parse} on the caller's thread, after every option parsed and passed its validators, so
 * {@code options} is complete. Throw an {@link OptionException} whose message a user understands; never put the
 * value of a secret option into it.
 */
@FunctionalInterface
public interface CrossRule {
    void check(Options options) throws OptionException;
}

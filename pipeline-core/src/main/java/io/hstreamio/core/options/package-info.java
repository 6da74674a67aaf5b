/**
 * Declarative connector options: each component lists its {@link io.hstreamio.core.options.OptionDef}s once in an
 * {@link io.hstreamio.core.options.OptionsDefinition}, which parses raw config (JSON or SQL {@code WITH (...)}) into
 * immutable {@link io.hstreamio.core.options.Options} and renders the JSON Schema of the {@code spec} command.
 *
 * <p>Parsing reports every problem at once, in one line. Secret options never show their values: not in messages,
 * not in {@link io.hstreamio.core.options.Options#masked()}, not in {@code toString()}.
 */
package io.hstreamio.core.options;

package io.hstreamio.runtime.server;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;

/** The options of {@code CREATE STREAM name WITH (…)}. */
final class StreamOptions {
    private StreamOptions() {}

    static final OptionDef<Integer> SHARDS = OptionDef.integer("shards")
            .doc("How many shards the stream has; one shard keeps every record in one total order.")
            .defaultValue(1)
            .validator(Validators.range(1, 1024))
            .build();

    static final OptionsDefinition DEFINITION = OptionsDefinition.builder("stream").add(SHARDS).build();
}

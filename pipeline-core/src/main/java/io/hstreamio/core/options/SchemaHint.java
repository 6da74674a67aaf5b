package io.hstreamio.core.options;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A built-in validator that can also say its rule in JSON Schema keywords (minimum, pattern, enum, ...). */
interface SchemaHint {
    /** Adds keywords to the option's property node. */
    void describe(ObjectNode property, OptionType type);
}

package io.hstreamio.core.runner;

import io.hstreamio.core.codec.BinaryChangeEventCodec;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.codec.KeyValueSchemaRegistry;
import io.hstreamio.core.store.StreamStore;

/** The codec that sources and sinks of one store share, with its schema registry kept in that store. */
public final class StreamCodecs {
    /** The key/value namespace that holds every table shape row events refer to by fingerprint. */
    public static final String SCHEMA_NAMESPACE = "schemas";

    private StreamCodecs() {}

    public static ChangeEventCodec binary(StreamStore store) {
        return new BinaryChangeEventCodec(new KeyValueSchemaRegistry(store.keyValueStore(SCHEMA_NAMESPACE)));
    }
}

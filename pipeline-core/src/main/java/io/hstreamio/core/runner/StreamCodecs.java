package io.hstreamio.core.runner;

import io.hstreamio.core.codec.BinaryChangeEventCodec;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.codec.KeyValueSchemaRegistry;
import io.hstreamio.core.codec.SchemaRegistry;
import io.hstreamio.core.store.StreamStore;

/** The codec that sources and sinks of one store share, with its schema registry kept in that store. */
public final class StreamCodecs {
    /** The key/value namespace that holds every table shape row events refer to by fingerprint. */
    public static final String SCHEMA_NAMESPACE = "schemas";

    private StreamCodecs() {}

    public static ChangeEventCodec binary(StreamStore store) {
        return new BinaryChangeEventCodec(registry(store));
    }

    /** The schema registry kept in {@code store}, the one {@link #binary} uses. */
    public static SchemaRegistry registry(StreamStore store) {
        return new KeyValueSchemaRegistry(store.keyValueStore(SCHEMA_NAMESPACE));
    }

    /**
     * Reads and writes records of both stream formats; {@code binary} is the store's binary codec (usually
     * {@link #binary}), and JSON records register their schemas in the store's registry alongside it.
     */
    public static StreamRecordCodec records(StreamStore store, ChangeEventCodec binary) {
        return new StreamRecordCodec(binary, registry(store));
    }
}

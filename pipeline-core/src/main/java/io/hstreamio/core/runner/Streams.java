package io.hstreamio.core.runner;

import io.hstreamio.core.store.StreamStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams that tasks write to are made on first use. */
final class Streams {
    private static final Logger log = LoggerFactory.getLogger(Streams.class);

    /** One shard keeps a stream in total order, which sinks of CDC streams rely on for schema changes. */
    static final int DEFAULT_SHARDS = 1;

    private Streams() {}

    static void ensureExists(StreamStore store, String stream) {
        if (store.findStream(stream).isEmpty()) {
            log.info("Creating stream {} with {} shard(s)", stream, DEFAULT_SHARDS);
            store.createStream(stream, DEFAULT_SHARDS);
        }
    }
}

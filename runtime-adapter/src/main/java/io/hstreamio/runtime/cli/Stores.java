package io.hstreamio.runtime.cli;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.runtime.hstream.StreamStores;

/** Opens the store a command works on: the embedded store in a data directory, or HStreamDB. */
final class Stores {
    private Stores() {}

    /**
     * {@code hstream://host:port[,...][?options]} or a data directory. Opening failures (directory not writable or
     * in use, cluster unreachable) are the user's to fix: they surface as usage errors.
     */
    static StreamStore open(String urlOrDataDir) {
        try {
            return StreamStores.open(urlOrDataDir);
        } catch (StoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static ChangeEventCodec codecFor(StreamStore store) {
        return StreamCodecs.binary(store);
    }
}

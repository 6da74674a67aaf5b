package io.hstreamio.runtime.cli;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.file.Path;

/** Opens the store a command works on. Later: {@code --store hstream://…} selects HStreamDB. */
final class Stores {
    private Stores() {}

    /** Opening failures (directory not writable, in use) are the user's to fix: they surface as usage errors. */
    static StreamStore openEmbedded(Path dataDir) {
        try {
            return EmbeddedStreamStore.open(dataDir);
        } catch (StoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static ChangeEventCodec codecFor(StreamStore store) {
        return StreamCodecs.binary(store);
    }
}

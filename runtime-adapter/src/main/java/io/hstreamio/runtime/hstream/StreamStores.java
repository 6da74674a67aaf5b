package io.hstreamio.runtime.hstream;

import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.file.Path;

/** Opens the store a {@code --store} value names: {@code hstream://host:port[,...][?options]} or a data directory. */
public final class StreamStores {
    private StreamStores() {}

    /**
     * {@code hstream://...} opens {@link HStreamDbStreamStore} (options in the URL's query, see
     * {@link HStreamDbOptions}); anything else is the embedded store's data directory.
     */
    public static StreamStore open(String urlOrPath) {
        if (urlOrPath.startsWith(HStreamDbStreamStore.SCHEME)) {
            return HStreamDbStreamStore.open(urlOrPath);
        }
        return EmbeddedStreamStore.open(Path.of(urlOrPath));
    }
}

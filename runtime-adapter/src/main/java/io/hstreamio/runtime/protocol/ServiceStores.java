package io.hstreamio.runtime.protocol;

import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.runtime.hstream.StreamStores;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The stream store a task's {@code serviceUrl} names: {@code hstream://host:port[,…][?options]} is an HStreamDB
 * cluster, reached with our client ({@link StreamStores});
 * {@code embedded:PATH} (or no URL: {@code data/} beside the config file) is the embedded store in that directory,
 * which only one process may have open.
 */
public final class ServiceStores {
    public static final String EMBEDDED_SCHEME = "embedded:";
    public static final String HSTREAM_SCHEME = "hstream://";

    private ServiceStores() {}

    /** @throws IllegalArgumentException when the URL is of no known kind or the store cannot be opened */
    public static StreamStore open(Optional<String> serviceUrl, Path configDir) {
        String url = serviceUrl.orElse(EMBEDDED_SCHEME + configDir.resolve("data"));
        if (url.startsWith(HSTREAM_SCHEME)) {
            try {
                return StreamStores.open(url);
            } catch (StoreException e) {
                throw new IllegalArgumentException("serviceUrl " + url + ": " + e.getMessage(), e);
            }
        }
        if (!url.startsWith(EMBEDDED_SCHEME)) {
            throw new IllegalArgumentException("serviceUrl '" + url + "' is neither hstream://HOST:PORT nor "
                    + "embedded:PATH");
        }
        Path dir = Path.of(url.substring(EMBEDDED_SCHEME.length()));
        try {
            return EmbeddedStreamStore.open(dir);
        } catch (StoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}

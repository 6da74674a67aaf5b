package io.hstreamio.runtime.hstream;

import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.ForwardingStreamStore;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.StreamStore;
import java.util.Map;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store that a {@link StoreBackedHStreamServer} serves, as the runtime's own (in-process) tasks must see it: the
 * schema registry's namespace ({@link StreamCodecs#SCHEMA_NAMESPACE}) is kept where the server's clients, the tasks
 * in child processes, keep it through our HStreamDB client: in the internal stream
 * {@link StoreBackedHStreamServer#CLIENT_KV_STREAM} ({@link StreamKeyValueStore}). Every other namespace (catalog,
 * task state, the server's own) stays in the store.
 *
 * <p>Why: binary stream records name their table shape by fingerprint only. With two registries, one per way of
 * running tasks, a sink started in one mode could not resolve the rows a source wrote in the other, which is what a
 * server restarted with the other {@code --tasks} mode over the same data directory does.
 *
 * <p>Opening copies the entries that in-process tasks of earlier versions wrote into the store's own namespace into
 * the shared one (once; entries are immutable, so a copy is always right). Thread-safe.
 */
public final class RegistrySharingStore extends ForwardingStreamStore {
    private static final Logger log = LoggerFactory.getLogger(RegistrySharingStore.class);

    private final KeyValueStore schemas;

    public RegistrySharingStore(StreamStore store) {
        super(store);
        this.schemas = new StreamKeyValueStore(store, StoreBackedHStreamServer.CLIENT_KV_STREAM,
                StreamCodecs.SCHEMA_NAMESPACE);
        SortedMap<String, byte[]> shared = schemas.scan("");
        int copied = 0;
        for (Map.Entry<String, byte[]> e : store.keyValueStore(StreamCodecs.SCHEMA_NAMESPACE).scan("").entrySet()) {
            if (!shared.containsKey(e.getKey())) {
                schemas.put(e.getKey(), e.getValue());
                copied++;
            }
        }
        if (copied > 0) {
            log.info("Copied {} table shapes of the schema registry into the stream {}, which tasks in child processes"
                    + " and in this process share", copied, StoreBackedHStreamServer.CLIENT_KV_STREAM);
        }
    }

    @Override
    public KeyValueStore keyValueStore(String namespace) {
        return namespace.equals(StreamCodecs.SCHEMA_NAMESPACE) ? schemas : delegate.keyValueStore(namespace);
    }
}

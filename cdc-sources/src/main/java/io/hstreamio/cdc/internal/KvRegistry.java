package io.hstreamio.cdc.internal;

import io.hstreamio.core.store.KeyValueStore;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands a task's {@link KeyValueStore} to the storage classes Debezium instantiates by class name.
 *
 * <p>Debezium builds its offset store and schema history reflectively from configuration, so they cannot receive the
 * store through a constructor. A task registers its store under a fresh id, passes the id in the engine properties,
 * and unregisters it when the engine has stopped. Thread-safe.
 */
public final class KvRegistry {
    /** Engine property (also read with the {@code schema.history.internal.} prefix) naming the registered store. */
    public static final String ID_PROPERTY = "hstreamio.kv.id";

    private static final Map<String, KeyValueStore> STORES = new ConcurrentHashMap<>();

    private KvRegistry() {}

    public static String register(KeyValueStore store) {
        String id = UUID.randomUUID().toString();
        STORES.put(id, store);
        return id;
    }

    public static void unregister(String id) {
        STORES.remove(id);
    }

    static KeyValueStore lookup(Object id) {
        KeyValueStore store = id == null ? null : STORES.get(id.toString());
        if (store == null) {
            throw new IllegalStateException("no key/value store registered under '" + id
                    + "': Debezium storage must be created by a CDC task that registered its store first");
        }
        return store;
    }
}

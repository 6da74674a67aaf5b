package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.KeyValueStore;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** One namespace of the store's key/value column family; writes go through the group-commit writer (synced). */
final class EmbeddedKeyValueStore implements KeyValueStore {
    private final EmbeddedStreamStore store;
    private final String namespace;

    EmbeddedKeyValueStore(EmbeddedStreamStore store, String namespace) {
        this.store = store;
        this.namespace = namespace;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(store.kvGet(Keys.kvPrefix(namespace, Objects.requireNonNull(key, "key"))));
    }

    @Override
    public void put(String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        store.kvWrite(Keys.kvPrefix(namespace, Objects.requireNonNull(key, "key")), value);
    }

    @Override
    public void delete(String key) {
        store.kvWrite(Keys.kvPrefix(namespace, Objects.requireNonNull(key, "key")), null);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        store.kvScan(Keys.kvPrefix(namespace, Objects.requireNonNull(prefix, "prefix")),
                (k, v) -> out.put(Keys.kvKeyOf(k), v));
        return out;
    }
}

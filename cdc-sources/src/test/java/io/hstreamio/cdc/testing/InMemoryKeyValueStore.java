package io.hstreamio.cdc.testing;

import io.hstreamio.core.store.KeyValueStore;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link KeyValueStore} in memory, standing in for the embedded RocksDB store in tests. Thread-safe. */
public final class InMemoryKeyValueStore implements KeyValueStore {
    private final ConcurrentSkipListMap<String, byte[]> map = new ConcurrentSkipListMap<>();

    /** An independent copy of the current contents. */
    public InMemoryKeyValueStore copy() {
        InMemoryKeyValueStore c = new InMemoryKeyValueStore();
        c.map.putAll(map);
        return c;
    }

    @Override
    public Optional<byte[]> get(String key) {
        byte[] v = map.get(key);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public void put(String key, byte[] value) {
        map.put(key, value.clone());
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        TreeMap<String, byte[]> out = new TreeMap<>();
        for (var e : map.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.put(e.getKey(), e.getValue().clone());
        }
        return Collections.unmodifiableSortedMap(out);
    }
}

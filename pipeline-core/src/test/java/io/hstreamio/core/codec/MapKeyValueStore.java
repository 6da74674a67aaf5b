package io.hstreamio.core.codec;

import io.hstreamio.core.store.KeyValueStore;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A KeyValueStore in a map, counting writes so tests can see how often the store is touched. */
final class MapKeyValueStore implements KeyValueStore {
    private final SortedMap<String, byte[]> map = Collections.synchronizedSortedMap(new TreeMap<>());
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger gets = new AtomicInteger();

    @Override
    public Optional<byte[]> get(String key) {
        gets.incrementAndGet();
        return Optional.ofNullable(map.get(key)).map(byte[]::clone);
    }

    @Override
    public void put(String key, byte[] value) {
        puts.incrementAndGet();
        map.put(key, value.clone());
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        synchronized (map) {
            SortedMap<String, byte[]> out = new TreeMap<>();
            map.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k, v.clone());
                }
            });
            return out;
        }
    }
}

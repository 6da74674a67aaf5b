package io.hstreamio.core.store;

import java.util.Optional;
import java.util.SortedMap;

/**
 * Durable per-task state (source offsets, schema history, sink checkpoints), one namespace per task.
 *
 * <p>Thread-safe. A write is durable when the call returns.
 */
public interface KeyValueStore {
    Optional<byte[]> get(String key);

    void put(String key, byte[] value);

    void delete(String key);

    /** All entries whose key starts with {@code prefix}, in key order. */
    SortedMap<String, byte[]> scan(String prefix);
}

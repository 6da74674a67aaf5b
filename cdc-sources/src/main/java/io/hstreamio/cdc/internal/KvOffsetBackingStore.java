package io.hstreamio.cdc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.store.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

/**
 * Debezium's offsets in the task's {@link KeyValueStore}, under the stock key {@value #KEY}.
 *
 * <p>The value is one JSON object mapping each offset key to its offset value, both as the JSON text the engine's
 * internal converter produced (e.g. {@code ["engine",{"server":"s1"}]} → {@code {"file":"mysql-bin.000003",...}}).
 * Keeping all partitions under one key makes every flush a single atomic write.
 *
 * <p>Created reflectively by the engine from {@code offset.storage}; {@link #configure} finds the store through
 * {@link KvRegistry}. The engine calls {@code get} and {@code set} from its own threads; both are synchronized.
 * Writes are durable when {@code set}'s future completes, since {@link KeyValueStore#put} is.
 */
public final class KvOffsetBackingStore implements OffsetBackingStore {
    public static final String KEY = "debezium_offsets";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {};

    private KeyValueStore store;

    /** For the engine's reflective construction. */
    public KvOffsetBackingStore() {}

    /** For direct use in tests and tools. */
    public KvOffsetBackingStore(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public void configure(WorkerConfig config) {
        if (store == null) {
            store = KvRegistry.lookup(config.originals().get(KvRegistry.ID_PROPERTY));
        }
    }

    @Override
    public void start() {}

    @Override
    public void stop() {}

    @Override
    public synchronized Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        try {
            Map<String, String> all = readAll();
            Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
            for (ByteBuffer key : keys) {
                String value = all.get(text(key));
                if (value != null) {
                    out.put(key, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
                }
            }
            return CompletableFuture.completedFuture(out);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        try {
            Map<String, String> all = readAll();
            for (Map.Entry<ByteBuffer, ByteBuffer> e : values.entrySet()) {
                if (e.getValue() == null) {
                    all.remove(text(e.getKey()));
                } else {
                    all.put(text(e.getKey()), text(e.getValue()));
                }
            }
            store.put(KEY, JSON.writeValueAsBytes(new TreeMap<>(all)));
        } catch (JsonProcessingException | RuntimeException e) {
            if (callback != null) {
                callback.onCompletion(e, null);
            }
            return CompletableFuture.failedFuture(e);
        }
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        // Only used by Kafka Connect's REST API for offset management, which the embedded engine does not run.
        return Set.of();
    }

    /** The stored offsets as JSON texts (key → value), for diagnostics and tests. */
    public synchronized Map<String, String> readAll() {
        return store.get(KEY).map(KvOffsetBackingStore::parse).orElseGet(LinkedHashMap::new);
    }

    /**
     * Where a binlog stream resumes by the offsets stored in {@code store}: [file number, position], as
     * {@link RecordMapper#progress} reports records; null when there is none or more than one. A parallel snapshot's
     * engine stores its schema-only (no_data) snapshot's offset, marked as a snapshot's, and streams from exactly there.
     */
    static long[] storedBinlogProgress(KeyValueStore store) {
        Map<String, String> all = store.get(KEY).map(KvOffsetBackingStore::parse).orElse(null);
        if (all == null || all.size() != 1) {
            return null;
        }
        try {
            Map<String, Object> offset = JSON.readValue(all.values().iterator().next(),
                    new TypeReference<LinkedHashMap<String, Object>>() {});
            return RecordMapper.binlogPosition(offset);
        } catch (java.io.IOException | RuntimeException e) {
            return null; // not a binlog offset: the stream reports its own position
        }
    }

    private static LinkedHashMap<String, String> parse(byte[] bytes) {
        try {
            return JSON.readValue(bytes, MAP);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("key '" + KEY + "' does not hold a JSON object of offsets; delete it to "
                    + "re-snapshot, or restore it from a backup", e);
        }
    }

    private static String text(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

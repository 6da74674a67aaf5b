package io.hstreamio.core.codec;

import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.KeyValueStore;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SchemaRegistry} kept in a {@link KeyValueStore}, so that a reader that starts anywhere in a stream, in any
 * process, resolves the fingerprints of the events it reads. Entries are {@code schema/<fingerprint as 16 hex digits>}
 * → {@link TableSchemaCodec} bytes; they are never removed, since old events may still refer to them.
 *
 * <p>Thread-safe. Schemas are cached in memory once written or read, so the store is touched once per schema and
 * process. {@link #register} blocks until the store has made the entry durable.
 */
public final class KeyValueSchemaRegistry implements SchemaRegistry {
    public static final String KEY_PREFIX = "schema/";

    private final KeyValueStore store;
    private final Map<Long, TableSchema> cache = new ConcurrentHashMap<>();

    public KeyValueSchemaRegistry(KeyValueStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public static String key(long fingerprint) {
        return KEY_PREFIX + SchemaFingerprints.hex(fingerprint);
    }

    @Override
    public void register(TableSchema schema) {
        long fingerprint = schema.fingerprint();
        TableSchema known = cache.get(fingerprint);
        if (known == null) {
            known = find(fingerprint).orElse(null);
            if (known == null) {
                // Two writers racing here put the same bytes under the same key: harmless.
                store.put(key(fingerprint), TableSchemaCodec.encode(schema));
                cache.putIfAbsent(fingerprint, schema);
                return;
            }
        }
        if (!known.equals(schema)) {
            throw SchemaFingerprints.collision(fingerprint, known, schema);
        }
    }

    @Override
    public Optional<TableSchema> find(long fingerprint) {
        TableSchema cached = cache.get(fingerprint);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<byte[]> bytes = store.get(key(fingerprint));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        TableSchema schema;
        try {
            schema = TableSchemaCodec.decode(bytes.get());
        } catch (CodecException e) {
            throw new CodecException("schema registry entry " + key(fingerprint) + " cannot be read: "
                    + e.getMessage(), e);
        }
        // The key is trusted over a recomputed fingerprint: the CRC already guards the bytes, and a later change to
        // the record classes' toString (which the fingerprint hashes) must not make old streams unreadable.
        TableSchema earlier = cache.putIfAbsent(fingerprint, schema);
        return Optional.of(earlier != null ? earlier : schema);
    }
}

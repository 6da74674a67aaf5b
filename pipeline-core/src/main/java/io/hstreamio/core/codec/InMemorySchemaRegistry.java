package io.hstreamio.core.codec;

import io.hstreamio.core.record.TableSchema;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link SchemaRegistry} that lives as long as the JVM: for tests and for streams read by the process that wrote them. */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<Long, TableSchema> byFingerprint = new ConcurrentHashMap<>();

    @Override
    public void register(TableSchema schema) {
        long fingerprint = schema.fingerprint();
        TableSchema earlier = byFingerprint.putIfAbsent(fingerprint, schema);
        if (earlier != null && !earlier.equals(schema)) {
            throw SchemaFingerprints.collision(fingerprint, earlier, schema);
        }
    }

    @Override
    public Optional<TableSchema> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }
}

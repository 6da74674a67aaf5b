package io.hstreamio.core.codec;

import io.hstreamio.core.record.TableSchema;
import java.util.Optional;

/**
 * Resolves {@link TableSchema#fingerprint()}s back to schemas, so that row events on a stream carry an 8-byte
 * fingerprint instead of their whole schema.
 *
 * <p>Thread-safe: codecs call both methods from whichever thread encodes or decodes. Registering is idempotent and
 * must happen before any event that refers to the schema is written; a durable implementation may block on its store
 * and is durable when {@link #register} returns.
 */
public interface SchemaRegistry {

    /** Makes {@code schema} resolvable by its fingerprint; registering the same schema again is a no-op. */
    void register(TableSchema schema);

    /** The schema with this fingerprint, or empty when none was registered. */
    Optional<TableSchema> find(long fingerprint);
}

package io.hstreamio.core.codec;

import io.hstreamio.core.record.TableSchema;

/** Shared spelling of fingerprints in keys and messages. */
final class SchemaFingerprints {
    private SchemaFingerprints() {}

    static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    static CodecException collision(long fingerprint, TableSchema earlier, TableSchema later) {
        return new CodecException("schema fingerprint " + hex(fingerprint) + " is shared by two different schemas ("
                + earlier.id() + " and " + later.id() + "); this 64-bit collision cannot be resolved, rename or alter"
                + " one of the tables");
    }
}

package io.hstreamio.core.store;

/** HStreamDB's record flag: JSON payloads are {@code google.protobuf.Struct} on its wire, RAW are opaque bytes. */
public enum PayloadFormat {
    JSON,
    RAW
}

package io.hstreamio.core.store;

/** A record read back from a stream, with its id. */
public record ReceivedRecord(RecordId id, StreamRecord record) {}

package io.hstreamio.core.task;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.store.RecordId;

/** A change event read from a stream, with where it came from (a sink keeps per-shard checkpoints of {@code id}). */
public record SinkRecord(String stream, RecordId id, ChangeEvent event) {}

/**
 * The Debezium adapter: engine wrapper ({@link io.hstreamio.cdc.internal.DebeziumCapture}), record mapping to the
 * core model ({@link io.hstreamio.cdc.internal.RecordMapper}, {@code ValueDecoder}, {@code SourceTypes}), key/value
 * backed offset store and schema history, engine properties and preflight checks. Implementation detail of this
 * module; nothing outside {@code io.hstreamio.cdc} may use it.
 */
package io.hstreamio.cdc.internal;

/**
 * Serialization of {@link io.hstreamio.core.record.ChangeEvent}s for streams.
 *
 * <ul>
 *   <li>{@link io.hstreamio.core.codec.ChangeEventCodec}: the codec SPI; {@link
 *       io.hstreamio.core.codec.BinaryChangeEventCodec} is the production implementation (compact, versioned,
 *       checksummed, exact for every logical type).
 *   <li>{@link io.hstreamio.core.codec.SchemaRegistry}: resolves the schema fingerprints that row events carry instead
 *       of whole schemas; {@link io.hstreamio.core.codec.InMemorySchemaRegistry} for one process, {@link
 *       io.hstreamio.core.codec.KeyValueSchemaRegistry} over a durable {@link io.hstreamio.core.store.KeyValueStore}
 *       for readers that start anywhere. {@link io.hstreamio.core.codec.TableSchemaCodec} is the schemas' binary form.
 *   <li>{@link io.hstreamio.core.codec.JsonEnvelopeCodec}: HStream's {@code {"key":..,"value":..}} JSON for consumers
 *       outside this project.
 * </ul>
 *
 * Every failure to encode or decode is a {@link io.hstreamio.core.codec.CodecException}.
 */
package io.hstreamio.core.codec;

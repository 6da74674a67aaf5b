package io.hstreamio.core.codec;

import io.hstreamio.core.record.ChangeEvent;

/**
 * Turns {@link ChangeEvent}s into stream payloads and back.
 *
 * <p>Thread-safe: any thread may encode and decode concurrently; an implementation keeps no per-call state. Both
 * methods may block briefly when they consult a durable {@link SchemaRegistry} for a schema seen for the first time.
 */
public interface ChangeEventCodec {

    /** Encodes one event; fails with {@link CodecException} when a value does not fit its column's logical type. */
    byte[] encode(ChangeEvent event);

    /**
     * Decodes a payload made by {@link #encode}. Fails with {@link CodecException} on a payload that is truncated,
     * corrupt, of an unknown format version, or that refers to a schema this codec cannot resolve.
     */
    ChangeEvent decode(byte[] payload);
}

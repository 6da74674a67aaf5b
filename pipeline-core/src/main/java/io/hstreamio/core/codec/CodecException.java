package io.hstreamio.core.codec;

/**
 * An event or schema could not be encoded or decoded. The message names the thing (table, column, fingerprint, byte
 * offset) and, where there is one, the fix. Decoders throw this instead of returning a value they cannot vouch for.
 */
public class CodecException extends RuntimeException {
    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}

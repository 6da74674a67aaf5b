package io.hstreamio.core.store;

/** A stream-store operation failed; the message names the stream or key and what to do. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

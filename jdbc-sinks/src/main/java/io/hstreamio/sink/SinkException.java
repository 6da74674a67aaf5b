package io.hstreamio.sink;

/**
 * A write to the target failed. {@link #retriable()} says whether running the same flush again may succeed
 * (connection lost, deadlock, serialization failure, server restart); otherwise the records need fixing or skipping.
 */
public class SinkException extends RuntimeException {
    private final boolean retriable;

    public SinkException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}

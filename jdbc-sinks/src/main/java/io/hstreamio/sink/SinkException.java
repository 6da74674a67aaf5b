package io.hstreamio.sink;

/**
 * A write to the target failed. {@link #retriable()} says whether running the same flush again may succeed
 * (connection lost, deadlock, serialization failure, server restart); otherwise the records need fixing or skipping.
 * {@link #unreachable()} narrows retriable to "the target cannot be reached": an outage, to be waited out.
 */
public class SinkException extends RuntimeException {
    private final boolean retriable;
    private final boolean unreachable;

    public SinkException(String message, boolean retriable, Throwable cause) {
        this(message, retriable, false, cause);
    }

    public SinkException(String message, boolean retriable, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable || unreachable;
        this.unreachable = unreachable;
    }

    public boolean retriable() {
        return retriable;
    }

    /** The target could not be reached or went away (connection refused or lost, shutting down, out of connections). */
    public boolean unreachable() {
        return unreachable;
    }
}

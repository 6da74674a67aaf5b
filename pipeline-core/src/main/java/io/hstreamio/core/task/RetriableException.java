package io.hstreamio.core.task;

/**
 * A transient failure (connection lost, server restarting, deadlock, serialization failure): the operation may succeed
 * when tried again, and the runner does so with capped backoff ({@code task.error.maxRetries}). Anything else a task
 * throws is permanent. A target that cannot be reached at all is the subclass {@link UnavailableException}, retried
 * for a bounded time instead.
 */
public class RetriableException extends RuntimeException {
    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RetriableException(Throwable cause) {
        super(cause);
    }
}

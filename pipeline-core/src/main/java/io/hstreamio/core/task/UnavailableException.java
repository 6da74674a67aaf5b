package io.hstreamio.core.task;

/**
 * The system a task talks to cannot be reached right now: connection refused or lost, server shutting down or out
 * of connections. Nothing is wrong with the records, so this is never a record error. The runners retry it with capped
 * backoff for a bounded <em>time</em> ({@code connection.retry.timeout}) instead of {@code task.error.maxRetries}
 * times, because an outage lasts as long as it lasts, not a number of attempts. The message names the target (never
 * a password).
 */
public class UnavailableException extends RetriableException {
    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public UnavailableException(String message) {
        super(message);
    }
}

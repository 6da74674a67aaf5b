package io.hstreamio.core.task;

import io.hstreamio.core.options.Options;
import java.util.List;

/**
 * Writes stream records into a target.
 *
 * <p>Lifecycle, in order:
 * <ol>
 *   <li>{@link #start} once, on the task thread.
 *   <li>{@link #write} then {@link #flush}, repeatedly, on the task thread. {@code write} may buffer; {@code flush}
 *       makes everything written since the last flush durable in the target, after which the toolkit acknowledges
 *       those records in the stream.
 *   <li>{@link #stop} once, from any thread.
 * </ol>
 * If {@code write} or {@code flush} throws, nothing since the last successful flush may stay half-applied (one target
 * transaction per flush does it): the toolkit retries on {@link RetriableException}, and otherwise replays the batch
 * one record at a time to find the bad record and apply {@code task.error.skipStrategy} to it.
 */
public interface SinkTask {
    void start(Options options, SinkContext context) throws Exception;

    void write(List<SinkRecord> records) throws Exception;

    void flush() throws Exception;

    void stop();
}

package io.hstreamio.core.task;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.SourcePosition;
import java.util.List;

/**
 * Reads a source. The toolkit does the rest: it writes the events to the stream, commits positions once durable,
 * reports counters and retries.
 *
 * <p>Lifecycle, in order:
 * <ol>
 *   <li>{@link #start} once, on the task thread. Resume from {@link SourceContext#committedPosition()}.
 *   <li>{@link #poll} repeatedly on the task thread; {@link #committed} between polls on the same thread.
 *   <li>{@link #stop} once, from any thread, possibly while {@code poll} blocks; {@code poll} must return soon after.
 * </ol>
 * A {@link RetriableException} from {@code poll} is retried with backoff; any other exception fails the task, which
 * the runtime restarts from the committed position.
 */
public interface SourceTask {
    void start(Options options, SourceContext context) throws Exception;

    /**
     * The next events in source order; empty when nothing arrived within a short wait (at most about a second);
     * {@code null} when a bounded source has nothing more to read, after which the task completes. The position of
     * the last event that has one becomes the resume point once the batch is durable.
     */
    List<ChangeEvent> poll() throws Exception;

    void stop();

    /** Everything up to {@code position} is durable in the stream. Default: nothing to do. */
    default void committed(SourcePosition position) {}
}

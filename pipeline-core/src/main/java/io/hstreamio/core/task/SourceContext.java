package io.hstreamio.core.task;

import io.hstreamio.core.record.SourcePosition;
import java.util.Optional;

/** A source task's context. */
public interface SourceContext extends TaskContext {
    /** The position of the last event made durable in the stream: where a restarted task resumes. */
    Optional<SourcePosition> committedPosition();
}

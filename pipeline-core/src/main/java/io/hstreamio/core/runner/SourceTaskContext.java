package io.hstreamio.core.runner;

import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.TaskMetrics;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** What a source runner hands its task: the record's accessors are the context's methods. */
record SourceTaskContext(String taskId, KeyValueStore state, Clock clock, TaskMetrics metrics,
        Supplier<Optional<SourcePosition>> positions) implements SourceContext {
    @Override
    public Optional<SourcePosition> committedPosition() {
        return positions.get();
    }
}

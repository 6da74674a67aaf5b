package io.hstreamio.core.task;

import io.hstreamio.core.store.KeyValueStore;
import java.time.Clock;

/** What the toolkit gives every task. Thread-safe. */
public interface TaskContext {
    /** The task's id: stable across restarts of the same connector. */
    String taskId();

    /** The task's own durable key/value space (offsets, schema history, checkpoints). */
    KeyValueStore state();

    Clock clock();

    TaskMetrics metrics();
}

package io.hstreamio.core.runner;

import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.TaskMetrics;
import java.time.Clock;

/** What a sink runner hands its task: the record's accessors are the context's methods. */
record SinkTaskContext(String taskId, KeyValueStore state, Clock clock, TaskMetrics metrics) implements SinkContext {}

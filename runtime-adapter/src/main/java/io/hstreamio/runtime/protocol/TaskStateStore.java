package io.hstreamio.runtime.protocol;

import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.ForwardingStreamStore;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.StreamStore;

/**
 * A stream store whose one task namespace ({@link TaskStates#namespace}) lives elsewhere: in a connector image, the
 * runtime's key/value store over the channel. Streams and every other namespace (the shared schema registry) stay in
 * the delegate. Does not close the task state; closes the delegate.
 */
final class TaskStateStore extends ForwardingStreamStore {
    private final String taskNamespace;
    private final KeyValueStore taskState;

    TaskStateStore(StreamStore delegate, String taskId, KeyValueStore taskState) {
        super(delegate);
        this.taskNamespace = TaskStates.namespace(taskId);
        this.taskState = taskState;
    }

    @Override
    public KeyValueStore keyValueStore(String namespace) {
        return namespace.equals(taskNamespace) ? taskState : delegate.keyValueStore(namespace);
    }
}

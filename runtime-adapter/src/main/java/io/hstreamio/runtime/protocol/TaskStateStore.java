package io.hstreamio.runtime.protocol;

import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A stream store whose one task namespace ({@link TaskStates#namespace}) lives elsewhere: in a connector image, the
 * runtime's key/value store over the channel. Streams and every other namespace (the shared schema registry) stay in
 * the delegate. Does not close the task state; closes the delegate.
 */
final class TaskStateStore implements StreamStore {
    private final StreamStore delegate;
    private final String taskNamespace;
    private final KeyValueStore taskState;

    TaskStateStore(StreamStore delegate, String taskId, KeyValueStore taskState) {
        this.delegate = delegate;
        this.taskNamespace = TaskStates.namespace(taskId);
        this.taskState = taskState;
    }

    @Override
    public KeyValueStore keyValueStore(String namespace) {
        return namespace.equals(taskNamespace) ? taskState : delegate.keyValueStore(namespace);
    }

    @Override
    public StreamInfo createStream(String name, int shardCount) {
        return delegate.createStream(name, shardCount);
    }

    @Override
    public Optional<StreamInfo> findStream(String name) {
        return delegate.findStream(name);
    }

    @Override
    public List<StreamInfo> listStreams() {
        return delegate.listStreams();
    }

    @Override
    public boolean deleteStream(String name) {
        return delegate.deleteStream(name);
    }

    @Override
    public CompletableFuture<List<RecordId>> append(String stream, List<StreamRecord> records) {
        return delegate.append(stream, records);
    }

    @Override
    public ShardReader openShardReader(String stream, long shardId, RecordId startAfter) {
        return delegate.openShardReader(stream, shardId, startAfter);
    }

    @Override
    public StreamSubscription subscribe(String stream, String subscriptionName, StartPosition start) {
        return delegate.subscribe(stream, subscriptionName, start);
    }

    @Override
    public void trim(String stream, long shardId, RecordId before) {
        delegate.trim(stream, shardId, before);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

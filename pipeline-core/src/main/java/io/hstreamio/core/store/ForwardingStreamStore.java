package io.hstreamio.core.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A store that forwards every call to another; subclasses override what they change (e.g. where one task's key/value
 * state lives, or when appends are acknowledged in tests). Thread-safety is the delegate's.
 */
public abstract class ForwardingStreamStore implements StreamStore {
    protected final StreamStore delegate;

    protected ForwardingStreamStore(StreamStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
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
    public KeyValueStore keyValueStore(String namespace) {
        return delegate.keyValueStore(namespace);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.hstreamio.core.runner;

import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A real store whose append acknowledgements the test holds back: appends are queued until {@link #open()} sends
 * them to the store, or {@link #failAll} fails them.
 */
final class GatedStore implements StreamStore {
    private record Pending(String stream, List<StreamRecord> records, CompletableFuture<List<RecordId>> result) {}

    private final StreamStore delegate;
    private final List<Pending> pending = new ArrayList<>();
    private boolean open;
    private Throwable failure;

    GatedStore(StreamStore delegate) {
        this.delegate = delegate;
    }

    synchronized int pendingAppends() {
        return pending.size();
    }

    synchronized void open() {
        open = true;
        pending.forEach(p -> forward(p.stream(), p.records(), p.result()));
        pending.clear();
    }

    synchronized void failAll(Throwable cause) {
        failure = cause;
        pending.forEach(p -> p.result().completeExceptionally(cause));
        pending.clear();
    }

    private void forward(String stream, List<StreamRecord> records, CompletableFuture<List<RecordId>> result) {
        delegate.append(stream, records).whenComplete((ids, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(ids);
            }
        });
    }

    @Override
    public synchronized CompletableFuture<List<RecordId>> append(String stream, List<StreamRecord> records) {
        CompletableFuture<List<RecordId>> result = new CompletableFuture<>();
        if (failure != null) {
            result.completeExceptionally(failure);
        } else if (open) {
            forward(stream, records, result);
        } else {
            pending.add(new Pending(stream, records, result));
        }
        return result;
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
    public void close() {}
}

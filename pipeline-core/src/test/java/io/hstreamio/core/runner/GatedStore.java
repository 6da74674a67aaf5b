package io.hstreamio.core.runner;

import io.hstreamio.core.store.ForwardingStreamStore;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real store whose append acknowledgements the test holds back: appends are queued until {@link #open()} sends
 * them to the store, or {@link #failAll} fails them.
 */
final class GatedStore extends ForwardingStreamStore {
    private record Pending(String stream, List<StreamRecord> records, CompletableFuture<List<RecordId>> result) {}

    private final List<Pending> pending = new ArrayList<>();
    private boolean open;
    private Throwable failure;

    GatedStore(StreamStore delegate) {
        super(delegate);
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

    /** The test owns the real store and closes it. */
    @Override
    public void close() {}
}

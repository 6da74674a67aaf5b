package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads one shard; waits on the stream's condition (woken by commits), never polls. Owned by one thread. */
final class EmbeddedShardReader implements ShardReader {
    private final EmbeddedStreamStore store;
    private final StreamState stream;
    private final int shard;
    private RecordId position;
    private boolean closed;

    EmbeddedShardReader(EmbeddedStreamStore store, StreamState stream, int shard, RecordId startAfter) {
        this.store = store;
        this.stream = stream;
        this.shard = shard;
        this.position = startAfter;
    }

    @Override
    public List<ReceivedRecord> read(int maxRecords, long timeoutMillis) throws InterruptedException {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1, got " + maxRecords);
        }
        if (closed) {
            throw new IllegalStateException("shard reader of stream '" + stream.name + "' shard " + shard
                    + " is closed; open a new one");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        while (true) {
            long seen = stream.version();
            List<ReceivedRecord> out = new ArrayList<>(Math.min(maxRecords, 1024));
            store.fetch(stream, shard, position, maxRecords, out);
            if (!out.isEmpty()) {
                position = out.get(out.size() - 1).id();
                return out;
            }
            if (store.isClosed()) {
                throw store.closedError();
            }
            if (!stream.awaitChange(seen, deadline)) {
                return List.of();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}

package io.hstreamio.runtime.hstream;

import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;

/**
 * Per-task key/value state kept in a small internal stream of HStreamDB, for when no IO runtime keeps it (under
 * HStreamDB's IO runtime the runtime's KvGet/KvSet serve it instead).
 *
 * <p>Semantics: the stream ({@code kv.stream}, one shard) is a log of writes. Each put or delete appends one RAW
 * record whose partition key is the namespace, with attributes {@code kv.op} ({@code put}/{@code delete}) and
 * {@code kv.key}, the value as payload. Opening a namespace appends a {@code sync} marker and replays the log up to
 * it, so it sees every write acknowledged before; the last write per key wins. A write is durable when the call
 * returns (its append was acknowledged). A get of a key this store does not hold, and a scan, first catch up with the
 * log the same way (a sync marker, then the records after the last one read), so writes by other processes are seen
 * (a sink finds the schema a source registered after the sink opened the namespace); keys this store holds are not
 * re-read, so a namespace whose existing keys others change still needs one writer at a time (one task owns its
 * state). The log is never compacted: it grows by one record per write, which suits offsets, checkpoints and
 * schemas but not bulk data.
 *
 * <p>Thread-safe.
 */
final class StreamKeyValueStore implements KeyValueStore {
    static final String OP = "kv.op";
    static final String KEY = "kv.key";

    private final StreamStore store;
    private final String stream;
    private final String namespace;
    // @GuardedBy("this")
    private final TreeMap<String, byte[]> entries = new TreeMap<>();
    /** The last record of the log applied; the next catch-up reads after it. @GuardedBy("this") */
    private RecordId applied;

    StreamKeyValueStore(StreamStore store, String stream, String namespace) {
        this.store = store;
        this.stream = stream;
        this.namespace = namespace;
        StreamInfo info = store.findStream(stream).orElseGet(() -> store.createStream(stream, 1));
        synchronized (this) {
            catchUp(info);
        }
    }

    /** Applies the log up to a sync marker appended now: every write acknowledged before is then seen. */
    private void catchUp(StreamInfo info) {
        RecordId marker = write("sync", "", new byte[0]);
        ShardInfo shard = info.shards().stream().filter(s -> s.shardId() == marker.shardId()).findFirst()
                .orElseThrow(() -> new StoreException("key/value stream '" + stream + "' has no shard "
                        + marker.shardId() + "; delete the stream and let it be created again"));
        try (ShardReader reader = store.openShardReader(stream, shard.shardId(), applied)) {
            while (true) {
                List<ReceivedRecord> got = reader.read(1000, 10_000);
                if (got.isEmpty()) {
                    throw new StoreException("key/value stream '" + stream + "' ended before the sync marker "
                            + marker + " of namespace '" + namespace + "'; check that it is not being trimmed");
                }
                for (ReceivedRecord r : got) {
                    applied = r.id();
                    if (r.id().equals(marker)) {
                        return;
                    }
                    apply(r.record());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("loading key/value namespace '" + namespace + "' interrupted", e);
        }
    }

    private StreamInfo info() {
        return store.findStream(stream).orElseThrow(() -> new StoreException("key/value stream '" + stream
                + "' was deleted while namespace '" + namespace + "' was open; restart the task"));
    }

    private void apply(StreamRecord r) {
        if (!r.partitionKey().equals(namespace)) {
            return;
        }
        String op = r.attributes().get(OP);
        String key = r.attributes().get(KEY);
        if ("put".equals(op)) {
            entries.put(key, r.payload());
        } else if ("delete".equals(op)) {
            entries.remove(key);
        }
    }

    private RecordId write(String op, String key, byte[] value) {
        StreamRecord r = new StreamRecord(namespace, io.hstreamio.core.store.PayloadFormat.RAW, value,
                Map.of(OP, op, KEY, key));
        try {
            return store.append(stream, List.of(r)).join().get(0);
        } catch (CompletionException e) {
            throw new StoreException("writing key '" + key + "' of namespace '" + namespace + "' to stream '" + stream
                    + "' failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        byte[] v = entries.get(key);
        if (v == null) {
            catchUp(info());
            v = entries.get(key);
        }
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public synchronized void put(String key, byte[] value) {
        write("put", key, value);
        entries.put(key, value.clone());
    }

    @Override
    public synchronized void delete(String key) {
        write("delete", key, new byte[0]);
        entries.remove(key);
    }

    @Override
    public synchronized SortedMap<String, byte[]> scan(String prefix) {
        catchUp(info());
        SortedMap<String, byte[]> out = new TreeMap<>();
        entries.tailMap(prefix, true).forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, Arrays.copyOf(v, v.length));
            }
        });
        return out;
    }
}

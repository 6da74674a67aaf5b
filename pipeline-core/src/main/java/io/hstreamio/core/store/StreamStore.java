package io.hstreamio.core.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where streams live: the embedded RocksDB store in the data directory, or HStreamDB.
 *
 * <p>Thread-safe: any thread may append, read and manage streams concurrently. Implementations are contract-tested
 * by one suite ({@code StreamStoreContract}).
 */
public interface StreamStore extends AutoCloseable {

    /** Creates a stream with {@code shardCount} shards that split the key-hash space evenly. */
    StreamInfo createStream(String name, int shardCount);

    Optional<StreamInfo> findStream(String name);

    List<StreamInfo> listStreams();

    /** Deletes the stream, its records and its subscriptions; false when there was none. */
    boolean deleteStream(String name);

    /**
     * Appends records, each to the shard its partition key hashes to. The future completes with one id per record,
     * in input order, once all of them are durable; it completes exceptionally when none of them was appended.
     * Records with one partition key keep their append order.
     */
    CompletableFuture<List<RecordId>> append(String stream, List<StreamRecord> records);

    /** Reads a shard from {@code startAfter} (exclusive); null starts at the earliest record still kept. */
    ShardReader openShardReader(String stream, long shardId, RecordId startAfter);

    /** Opens (creating on first use) a named subscription; {@code start} applies only when it is new. */
    StreamSubscription subscribe(String stream, String subscriptionName, StartPosition start);

    /** Removes the shard's records before {@code before} (exclusive). */
    void trim(String stream, long shardId, RecordId before);

    /** The durable key/value space of one task or component. */
    KeyValueStore keyValueStore(String namespace);

    @Override
    void close();
}

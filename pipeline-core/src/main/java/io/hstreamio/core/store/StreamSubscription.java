package io.hstreamio.core.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A named, durable reader of all shards of one stream.
 *
 * <p>Records are delivered from the subscription's committed checkpoint. Acknowledging records advances, per shard,
 * the checkpoint over the longest acknowledged prefix; records delivered but not acknowledged are delivered again
 * after a reopen (and, in stores that have an ack timeout, after it expires). Owned by one thread; not thread-safe.
 */
public interface StreamSubscription extends AutoCloseable {
    String name();

    String stream();

    /** Up to {@code maxRecords} records from any shards, per-shard order kept; empty after the timeout. */
    List<ReceivedRecord> poll(int maxRecords, long timeoutMillis) throws InterruptedException;

    /** Marks records processed; the checkpoint is durable when this returns. */
    void ack(Collection<RecordId> ids);

    /** The durable checkpoint: per shard, the last record id whose whole prefix is acknowledged. */
    Map<Long, RecordId> committed();

    @Override
    void close();
}

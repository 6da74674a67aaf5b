package io.hstreamio.core.store;

import java.util.List;

/**
 * Reads one shard in order from a start point. Owned by one thread; not thread-safe.
 */
public interface ShardReader extends AutoCloseable {
    /**
     * Returns up to {@code maxRecords} next records, waiting up to {@code timeoutMillis} for the first one when none
     * is there; empty when none arrived in time.
     */
    List<ReceivedRecord> read(int maxRecords, long timeoutMillis) throws InterruptedException;

    @Override
    void close();
}

package io.hstreamio.snapshot;

import io.hstreamio.core.record.Row;
import java.sql.Connection;
import java.util.List;

/**
 * Takes the rows a snapshot worker reads. {@link SnapshotReader#run} makes one consumer per worker and calls it only
 * on that worker's thread, so an implementation needs no locking of its own.
 *
 * <p>Lifecycle per consumer, in order: {@link #beforeRead}, then {@link #rows} zero or more times per chunk (batches of
 * the chunk in read order), then {@link #afterRead} and {@link #chunkDone} for that chunk; the next chunk follows. {@link #close} once at the end, also after a failure.
 * Any exception fails the whole snapshot: the other workers stop after their current batch.
 */
public interface ChunkConsumer extends AutoCloseable {
    /**
     * On the worker's connection, before the chunk's SELECT: a watermarking consumer opens the transaction the SELECT
     * then reads in and records where the change log stands (see {@code cdc-sources}' hand-off).
     */
    default void beforeRead(Connection connection, Chunk chunk) throws Exception {}

    /** On the worker's connection, once the chunk's result set is read and before its transaction ends. */
    default void afterRead(Connection connection, Chunk chunk) throws Exception {}

    /** A batch of rows of {@code chunk}; the list is the consumer's to keep. */
    void rows(Chunk chunk, List<Row> rows) throws Exception;

    /** {@code chunk} was read completely ({@code rows} rows). */
    default void chunkDone(Chunk chunk, long rows) throws Exception {}

    @Override
    default void close() throws Exception {}
}

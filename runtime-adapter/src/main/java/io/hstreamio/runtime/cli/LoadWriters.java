package io.hstreamio.runtime.cli;

import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.JdbcSinkWriter;
import io.hstreamio.sink.write.EncodedRows;
import io.hstreamio.snapshot.Chunk;
import io.hstreamio.snapshot.ChunkConsumer;
import io.hstreamio.snapshot.SnapshotReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The target side of {@code load}: a few writers (each a sink writer with at most one open bulk write, i.e. one
 * target transaction with a COPY stream into PostgreSQL) shared by more reading workers. Readers decode and encode
 * (COPY data) in parallel; a reader holding an encoded batch takes a free writer, sends the bytes into the writer's
 * open bulk write and hands the writer back, so a writer's connection is busy sending, not waiting for encoding.
 * Fewer writers than readers because the target pays for concurrent COPY streams into one table: on 2 cores,
 * PostgreSQL 15 spent 1.5 s of CPU on 1M rows through one stream, 2.3 s through two and 3.0 s through four.
 *
 * <p>A bulk write commits when it switches table, when it holds {@code commitRows} rows, and at {@link #finish}. Load is
 * not resumed, so a transaction may hold rows of several chunks, and fewer, larger transactions are cheaper: 1M rows
 * through one session in 20 COPY transactions cost PostgreSQL 1.84 s of CPU, in one 1.50 s. Rows count as written
 * once sent, so that progress moves; a rolled-back transaction moves its rows from written to errors.
 *
 * <p>Threading: {@link #consumer} is called by the snapshot reader per worker; its consumers run on the workers'
 * threads, encode with the first writer's plans (read-only once every table is prepared) and take writers from a
 * blocking queue, so one writer is used by one thread at a time. {@link #finish} and {@link #close} once the reader
 * has returned.
 */
final class LoadWriters implements AutoCloseable {
    private final SnapshotReader reader;
    private final JdbcSinkWriter encoder;
    private final long commitRows;
    private final List<Slot> slots = new ArrayList<>();
    private final BlockingQueue<Slot> free;

    LoadWriters(List<JdbcSinkWriter> writers, SnapshotReader reader, long commitRows) {
        this.reader = reader;
        this.encoder = writers.get(0);
        this.commitRows = commitRows;
        this.free = new ArrayBlockingQueue<>(writers.size());
        for (JdbcSinkWriter w : writers) {
            Slot s = new Slot(w);
            slots.add(s);
            free.add(s);
        }
    }

    /** A reading worker's consumer. */
    ChunkConsumer consumer() {
        return new ChunkConsumer() {
            @Override
            public void rows(Chunk chunk, List<Row> rows) throws InterruptedException {
                EncodedRows encoded = encoder.encode(chunk.table(), rows); // null: rows go as they are (MySQL)
                Slot s = free.take();
                try {
                    s.write(chunk.table(), rows, encoded);
                } finally {
                    free.add(s);
                }
            }
        };
    }

    /** Commits what every writer holds; after the reader has returned without failure. */
    void finish() {
        for (Slot s : slots) {
            s.commit();
        }
    }

    /** Rolls back what a failure left uncommitted and counts it as errors. */
    @Override
    public void close() {
        for (Slot s : slots) {
            s.failed();
        }
    }

    /** One writer and its open bulk write; used by one thread at a time (the one that took it from the queue). */
    private final class Slot {
        private final JdbcSinkWriter writer;
        private JdbcSinkWriter.BulkWrite open;
        private TableSchema table;
        private long pending;

        Slot(JdbcSinkWriter writer) {
            this.writer = writer;
        }

        void write(TableSchema t, List<Row> rows, EncodedRows encoded) {
            boolean sent = false;
            try {
                if (open != null && !table.id().equals(t.id())) {
                    commit();
                }
                if (open == null) {
                    open = writer.bulkWrite(t);
                    table = t;
                }
                if (encoded != null) {
                    open.rows(encoded);
                } else {
                    open.rows(rows);
                }
                sent = true;
                pending += rows.size();
                reader.stats(t.id()).addWritten(rows.size());
                if (pending >= commitRows) {
                    commit();
                }
            } catch (RuntimeException e) {
                if (!sent) {
                    reader.stats(t.id()).addErrors(rows.size());
                }
                failed();
                throw e;
            }
        }

        void commit() {
            if (open == null) {
                return;
            }
            open.commit();
            open.close();
            open = null;
            pending = 0;
        }

        void failed() {
            if (open == null) {
                return;
            }
            open.close(); // rolls back
            open = null;
            reader.stats(table.id()).addWritten(-pending);
            reader.stats(table.id()).addErrors(pending);
            pending = 0;
        }
    }
}

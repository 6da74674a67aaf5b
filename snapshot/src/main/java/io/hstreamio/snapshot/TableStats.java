package io.hstreamio.snapshot;

import io.hstreamio.core.record.TableId;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counters of one table during a snapshot, for progress lines and the summary. Thread-safe: workers add, the
 * progress thread reads.
 */
public final class TableStats {
    private final TableId table;
    private final long estimatedRows;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong chunksSplit = new AtomicLong(-1);
    private final AtomicLong firstNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicReference<String> note = new AtomicReference<>();

    public TableStats(TableId table, long estimatedRows) {
        this.table = table;
        this.estimatedRows = estimatedRows;
    }

    public TableId table() {
        return table;
    }

    /** The server's estimate before reading; -1 when unknown. */
    public long estimatedRows() {
        return estimatedRows;
    }

    public long read() {
        return read.get();
    }

    public long written() {
        return written.get();
    }

    public long errors() {
        return errors.get();
    }

    public long chunksDone() {
        return chunks.get();
    }

    /** Whether every chunk of the table was read and handed over (the splitter has handed out its last one). */
    public boolean complete() {
        long split = chunksSplit.get();
        return split >= 0 && chunks.get() >= split;
    }

    /** Work time from the first chunk started to the last one finished, in nanoseconds. */
    public long activeNanos() {
        long f = firstNanos.get();
        long l = lastNanos.get();
        return f == Long.MIN_VALUE || l == Long.MIN_VALUE ? 0 : Math.max(0, l - f);
    }

    /** A remark for the summary (e.g. at-least-once), or null. */
    public String note() {
        return note.get();
    }

    public void note(String text) {
        note.compareAndSet(null, text);
    }

    void started(long nanos) {
        firstNanos.compareAndSet(Long.MIN_VALUE, nanos);
    }

    void finished(long nanos) {
        lastNanos.accumulateAndGet(nanos, Math::max);
        chunks.incrementAndGet();
    }

    void split(long chunkCount) {
        chunksSplit.set(chunkCount);
    }

    void addRead(long n) {
        read.addAndGet(n);
    }

    public void addWritten(long n) {
        written.addAndGet(n);
    }

    public void addErrors(long n) {
        errors.addAndGet(n);
    }
}

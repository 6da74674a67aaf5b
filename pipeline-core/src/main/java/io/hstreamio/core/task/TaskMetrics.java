package io.hstreamio.core.task;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A task's counters. Thread-safe: the task thread adds, any thread reads. The runner counts records in, records
 * delivered, retries and skips; a task adds only counters of its own with {@link #increment}. The HStream IO protocol reports deliveries as
 * deltas since the last report; {@link #takeDeliveredDelta()} gives them.
 */
public final class TaskMetrics {
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder recordsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong reportedRecords = new AtomicLong();
    private final AtomicLong reportedBytes = new AtomicLong();
    private final Map<String, LongAdder> custom = new java.util.concurrent.ConcurrentHashMap<>();

    /** Records read from the source or the stream. */
    public void recordsIn(long n) {
        recordsIn.add(n);
    }

    /** Records delivered: made durable in the stream (sources) or written to the target (sinks). */
    public void delivered(long records, long bytes) {
        recordsOut.add(records);
        bytesOut.add(bytes);
    }

    public void retried() {
        retries.increment();
    }

    public void skipped(long n) {
        skipped.add(n);
    }

    public void failed() {
        failures.increment();
    }

    /** A connector's own counter, e.g. {@code zero_dates}. */
    public void increment(String name, long n) {
        custom.computeIfAbsent(name, k -> new LongAdder()).add(n);
    }

    public long deliveredRecords() {
        return recordsOut.sum();
    }

    public long deliveredBytes() {
        return bytesOut.sum();
    }

    public long skippedRecords() {
        return skipped.sum();
    }

    /** Deliveries since the previous call: {@code [records, bytes]}. */
    public synchronized long[] takeDeliveredDelta() {
        long r = recordsOut.sum();
        long b = bytesOut.sum();
        long[] delta = {r - reportedRecords.get(), b - reportedBytes.get()};
        reportedRecords.set(r);
        reportedBytes.set(b);
        return delta;
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("records_in", recordsIn.sum());
        m.put("records_delivered", recordsOut.sum());
        m.put("bytes_delivered", bytesOut.sum());
        m.put("retries", retries.sum());
        m.put("records_skipped", skipped.sum());
        m.put("failures", failures.sum());
        custom.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.core.task.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the runtime knows of a connector's task, persisted like the stock runtime's reports but durably: state, how
 * often it was restarted, the last error, total deliveries and skipped records since the connector was created, its
 * offsets, and how far behind its source it is.
 *
 * @param skippedRecords records a sink skipped under {@code task.error.skipStrategy}; image tasks report none (the
 *                       protocol's Report has no such field), so theirs stays 0
 * @param lag            the running task's lag ({@link io.hstreamio.core.runner.LagTracker#lag()}) as of
 *                       {@code updatedAt}; null when no task runs or it is unknown (a stock image does not report
 *                       it). A live value: it is not persisted
 * @param lastCommitTime the commit time of the newest change delivered, kept across runs; null before the first
 */
public record TaskStatus(TaskState state, int restarts, String lastError, long deliveredRecords, long deliveredBytes,
        long skippedRecords, List<Map<String, Object>> offsets, Duration lag, Instant lastCommitTime,
        Instant updatedAt) {
    public TaskStatus {
        offsets = offsets == null ? List.of() : List.copyOf(offsets);
    }

    public static TaskStatus created(Instant now) {
        return new TaskStatus(TaskState.NEW, 0, null, 0, 0, 0, List.of(), null, null, now);
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.core.task.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the runtime knows of a connector's task, persisted like the stock runtime's reports but durably: state, how
 * often it was restarted, the last error, total deliveries and skipped records since the connector was created, and its
 * offsets.
 *
 * @param skippedRecords records a sink skipped under {@code task.error.skipStrategy}; image tasks report none (the
 *                       protocol's Report has no such field), so theirs stays 0
 */
public record TaskStatus(TaskState state, int restarts, String lastError, long deliveredRecords, long deliveredBytes,
        long skippedRecords, List<Map<String, Object>> offsets, Instant updatedAt) {
    public TaskStatus {
        offsets = offsets == null ? List.of() : List.copyOf(offsets);
    }

    public static TaskStatus created(Instant now) {
        return new TaskStatus(TaskState.NEW, 0, null, 0, 0, 0, List.of(), now);
    }
}

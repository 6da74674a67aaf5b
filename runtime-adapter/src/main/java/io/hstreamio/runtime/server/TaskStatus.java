package io.hstreamio.runtime.server;

import io.hstreamio.core.task.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the runtime knows of a connector's task, persisted like the stock runtime's reports but durably: state, how
 * often it was restarted, the last error, total deliveries since the connector was created, and its offsets.
 */
public record TaskStatus(TaskState state, int restarts, String lastError, long deliveredRecords, long deliveredBytes,
        List<Map<String, Object>> offsets, Instant updatedAt) {
    public TaskStatus {
        offsets = offsets == null ? List.of() : List.copyOf(offsets);
    }

    public static TaskStatus created(Instant now) {
        return new TaskStatus(TaskState.NEW, 0, null, 0, 0, List.of(), now);
    }
}

package io.hstreamio.core.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SkipStrategy;
import io.hstreamio.core.task.TaskMetrics;
import io.hstreamio.core.task.ToolkitOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code task.error.skipStrategy} to a record that failed for good: skip it (sending it with its error to
 * {@code task.error.stream} when set) or stop the task with a message naming the record and the cause. Used by the
 * task thread only.
 */
final class RecordErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(RecordErrorHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String taskId;
    private final SkipStrategy strategy;
    private final int skipCount;
    private final String errorStream;
    private final StreamStore store;
    private final TaskMetrics metrics;
    private int skipped;

    RecordErrorHandler(String taskId, Options options, StreamStore store, TaskMetrics metrics) {
        this.taskId = taskId;
        this.strategy = options.get(ToolkitOptions.SKIP_STRATEGY);
        this.skipCount = options.get(ToolkitOptions.SKIP_COUNT);
        this.errorStream = options.find(ToolkitOptions.ERROR_STREAM).orElse(null);
        this.store = store;
        this.metrics = metrics;
    }

    /** Returns when the record is skipped; throws {@link TaskFailedException} when the task must stop. */
    void handle(String stream, ReceivedRecord record, String what, Throwable cause) {
        metrics.failed();
        String where = "record " + record.id() + " of stream " + stream + " (" + what + ")";
        boolean skip = switch (strategy) {
            case SkipAll -> true;
            case SkipSome -> skipped < skipCount;
            case NeverSkip -> false;
        };
        if (!skip) {
            String hint = strategy == SkipStrategy.NeverSkip
                    ? "fix the cause, or set task.error.skipStrategy to SkipSome/SkipAll to skip such records"
                    : "task.error.skipCount=" + skipCount + " records were skipped already";
            throw new TaskFailedException(taskId, where + " failed: " + rootMessage(cause) + "; " + hint, cause);
        }
        skipped++;
        metrics.skipped(1);
        log.warn("Sink task {}: skipping {} ({} of {}): {}", taskId, where, skipped,
                strategy == SkipStrategy.SkipAll ? "unbounded" : skipCount, rootMessage(cause));
        if (errorStream != null) {
            sendToErrorStream(stream, record, cause);
        }
    }

    private void sendToErrorStream(String stream, ReceivedRecord record, Throwable cause) {
        ObjectNode n = JSON.createObjectNode();
        n.put("stream", stream);
        n.put("recordId", record.id().toString());
        n.put("task", taskId);
        n.put("error", rootMessage(cause));
        n.put("payload", Base64.getEncoder().encodeToString(record.record().payload()));
        StreamRecord out = new StreamRecord(record.record().partitionKey(), PayloadFormat.JSON,
                n.toString().getBytes(StandardCharsets.UTF_8), Map.of("source.stream", stream));
        try {
            Streams.ensureExists(store, errorStream);
            store.append(errorStream, List.of(out)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Acknowledging a record that reached neither the target nor the error stream would lose it.
            throw new TaskFailedException(taskId, "cannot write the failed record " + record.id()
                    + " to task.error.stream " + errorStream + ": " + rootMessage(e), e);
        }
    }

    static String describe(SinkRecord r) {
        ChangeEvent e = r.event();
        StringBuilder sb = new StringBuilder().append(e.type()).append(" on table ").append(e.table());
        Row row = e.keyRow();
        if (row != null && e.schema() != null && e.schema().hasPrimaryKey()) {
            sb.append(", key {");
            int[] pk = e.schema().primaryKeyPositions();
            for (int i = 0; i < pk.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(e.schema().primaryKey().get(i)).append('=')
                        .append(row.get(pk[i]));
            }
            sb.append('}');
        }
        return sb.toString();
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? m : t.getMessage() + " (cause: " + m + ")";
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.core.task.TaskState;
import io.hstreamio.runtime.protocol.ConnectorTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A task run in this process through the toolkit's runners: the same {@link ConnectorTask} an image runs. */
record InProcessTask(ConnectorTask task) implements SupervisedTask {
    @Override
    public void run() {
        task.run();
    }

    @Override
    public void stop() {
        task.stop();
    }

    @Override
    public TaskState state() {
        return task.state();
    }

    @Override
    public Optional<Throwable> failure() {
        return task.failure();
    }

    @Override
    public long deliveredRecords() {
        return task.metrics().deliveredRecords();
    }

    @Override
    public long deliveredBytes() {
        return task.metrics().deliveredBytes();
    }

    @Override
    public long skippedRecords() {
        return task.metrics().skippedRecords();
    }

    @Override
    public List<Map<String, Object>> offsets() {
        return task.offsets();
    }

    @Override
    public Optional<Duration> lag() {
        return task.lag().lag();
    }

    @Override
    public Optional<Instant> lastCommitTime() {
        return task.lag().lastCommitTime();
    }
}

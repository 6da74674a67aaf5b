package io.hstreamio.runtime.protocol;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.LagTracker;
import io.hstreamio.core.runner.SinkTaskRunner;
import io.hstreamio.core.runner.SourceTaskRunner;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.TaskMetrics;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One run of one connector's task, source or sink, over the toolkit's runners: the single implementation of tasks that
 * both a connector image ({@code connector … run}) and the server's supervisor use. A task object runs once; a
 * restart makes a new one with the same task id, which resumes from the state kept under that id.
 *
 * <p>{@link #run()} runs on the caller's thread and returns when the task stopped, completed or failed;
 * {@link #stop()}, {@link #state()}, {@link #metrics()} and {@link #offsets()} may be called from any thread.
 */
public final class ConnectorTask implements Runnable {
    private final ConnectorKind kind;
    private final String taskId;
    private final Options options;
    private final SourceTaskRunner source;
    private final SinkTaskRunner sink;

    private ConnectorTask(ConnectorKind kind, String taskId, Options options, SourceTaskRunner source,
            SinkTaskRunner sink) {
        this.kind = kind;
        this.taskId = taskId;
        this.options = options;
        this.source = source;
        this.sink = sink;
    }

    /** The full options of a connector (its own plus the toolkit's): what SQL, {@code spec} and {@code check} use. */
    public static OptionsDefinition definition(Connectors connectors, ConnectorKind kind, String target) {
        return kind == ConnectorKind.SOURCE ? ToolkitOptions.forSource(connectors.source(target))
                : ToolkitOptions.forSink(connectors.sink(target));
    }

    /**
     * @param config raw options (the SQL {@code WITH} or config.json's {@code connector}); parsed here, so bad input
     *               throws {@link io.hstreamio.core.options.OptionException} before anything runs
     */
    public static ConnectorTask create(Connectors connectors, ConnectorKind kind, String target, String taskId,
            Map<String, ?> config, StreamStore store, Clock clock) {
        Options options = definition(connectors, kind, target).parse(config);
        if (kind == ConnectorKind.SOURCE) {
            return new ConnectorTask(kind, taskId, options, new SourceTaskRunner(taskId,
                    connectors.source(target).createTask(), options, store, StreamCodecs.binary(store), clock), null);
        }
        return new ConnectorTask(kind, taskId, options, null, new SinkTaskRunner(taskId,
                connectors.sink(target).createTask(), options, store, StreamCodecs.binary(store), clock));
    }

    public ConnectorKind kind() {
        return kind;
    }

    public String taskId() {
        return taskId;
    }

    public Options options() {
        return options;
    }

    @Override
    public void run() {
        if (source != null) {
            source.run();
        } else {
            sink.run();
        }
    }

    /** Asks the task to stop; returns at once. */
    public void stop() {
        if (source != null) {
            source.stop();
        } else {
            sink.stop();
        }
    }

    public TaskState state() {
        return source != null ? source.state() : sink.state();
    }

    public Optional<Throwable> failure() {
        return source != null ? source.failure() : sink.failure();
    }

    public TaskMetrics metrics() {
        return source != null ? source.metrics() : sink.metrics();
    }

    /** A source's lag behind its database, or a sink's end-to-end lag ({@link LagTracker}). */
    public LagTracker lag() {
        return source != null ? source.lag() : sink.lag();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return source != null ? source.awaitTermination(timeout, unit) : sink.awaitTermination(timeout, unit);
    }

    /**
     * What a Report carries as {@code offsets}: for a source the resume position it committed last (its source, its
     * order and the source's own offset fields); for a sink, per shard, the last record id acknowledged durably.
     */
    public List<Map<String, Object>> offsets() {
        if (source == null) {
            List<Map<String, Object>> out = new java.util.ArrayList<>();
            sink.committed().forEach((shard, id) -> out.add(Map.of("shardId", shard, "recordId", id.toString())));
            return out;
        }
        return source.committedPosition().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", p.source());
            m.put("order", p.order());
            m.putAll(p.offset());
            return List.of(m);
        }).orElse(List.of());
    }
}

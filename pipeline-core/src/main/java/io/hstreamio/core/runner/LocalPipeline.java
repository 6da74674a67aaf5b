package io.hstreamio.core.runner;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source and one sink joined by a stream, in this process: the job that {@code hstream-io pipeline} and
 * {@code demo} run. Owns two named threads. A bounded source ends the pipeline once the sink has delivered or skipped
 * everything the source made durable; {@link #stop()} ends it at any time.
 */
public final class LocalPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

    private final StreamStore store;
    private final String stream;
    private final SourceTaskRunner source;
    private final SinkTaskRunner sink;
    private final Thread sourceThread;
    private final Thread sinkThread;

    /**
     * @param name          names the tasks (their state survives restarts under these names)
     * @param sourceOptions raw source options; parsed and validated here, so bad input fails before anything runs
     */
    public LocalPipeline(String name, StreamStore store, ChangeEventCodec codec, Clock clock,
            SourceConnector sourceConnector, Map<String, ?> sourceOptions,
            SinkConnector sinkConnector, Map<String, ?> sinkOptions) {
        Options so = ToolkitOptions.forSource(sourceConnector).parse(sourceOptions);
        Options ko = ToolkitOptions.forSink(sinkConnector).parse(sinkOptions);
        if (!so.get(ToolkitOptions.STREAM).equals(ko.get(ToolkitOptions.STREAM))) {
            throw new IllegalArgumentException("the source writes stream '" + so.get(ToolkitOptions.STREAM)
                    + "' but the sink reads '" + ko.get(ToolkitOptions.STREAM) + "'; give both the same stream");
        }
        this.store = store;
        this.stream = so.get(ToolkitOptions.STREAM);
        this.source = new SourceTaskRunner(name + "-source", sourceConnector.createTask(), so, store, codec, clock);
        this.sink = new SinkTaskRunner(name + "-sink", sinkConnector.createTask(), ko, store, codec, clock);
        this.sourceThread = new Thread(source, "hstream-io-" + name + "-source");
        this.sinkThread = new Thread(sink, "hstream-io-" + name + "-sink");
    }

    public SourceTaskRunner source() {
        return source;
    }

    public SinkTaskRunner sink() {
        return sink;
    }

    public void start() {
        // The sink subscribes at once, so the stream must exist before either task runs.
        Streams.ensureExists(store, stream);
        sinkThread.start();
        sourceThread.start();
    }

    /**
     * Waits until the source completed and the sink caught up with it, either task failed, or {@link #stop()}; then
     * stops both. Returns the first failure, if any.
     */
    public Optional<Throwable> awaitCompletion(Duration progressEvery, ProgressListener progress)
            throws InterruptedException {
        while (true) {
            TaskState s = source.state();
            if (s == TaskState.FAILED || sink.state() == TaskState.FAILED) {
                break;
            }
            if (s == TaskState.STOPPED) {
                break;
            }
            long produced = source.metrics().deliveredRecords();
            long consumed = sink.metrics().deliveredRecords() + sink.metrics().skippedRecords();
            if (s == TaskState.COMPLETED && consumed >= produced) {
                break;
            }
            if (sink.state().isTerminal()) {
                break;
            }
            progress.onProgress(produced, consumed);
            source.awaitTermination(progressEvery.toMillis(), TimeUnit.MILLISECONDS);
            if (source.state().isTerminal()) {
                // Poll the sink more often once the source is done, so a short job ends promptly.
                sink.awaitTermination(Math.min(50, progressEvery.toMillis()), TimeUnit.MILLISECONDS);
            }
        }
        close();
        return source.failure().or(sink::failure);
    }

    /** Asks both tasks to stop; returns at once. */
    public void stop() {
        source.stop();
        sink.stop();
    }

    /** Stops both tasks and waits for their threads (bounded). */
    @Override
    public void close() throws InterruptedException {
        stop();
        sourceThread.join(TimeUnit.SECONDS.toMillis(30));
        sinkThread.join(TimeUnit.SECONDS.toMillis(30));
        if (sourceThread.isAlive() || sinkThread.isAlive()) {
            log.warn("Pipeline threads did not stop within 30 s: source {}, sink {}", source.state(), sink.state());
        }
    }

    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(long produced, long consumed);
    }
}

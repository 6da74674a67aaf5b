package io.hstreamio.core.connectors;

import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.core.options.Options;
import java.util.List;

/** A sink that counts records by change type and discards them: measures the pipeline without a target. */
public final class BlackholeSink implements SinkConnector {
    private static final OptionsDefinition OPTIONS = OptionsDefinition.builder("blackhole sink").build();

    @Override
    public String name() {
        return "blackhole";
    }

    @Override
    public OptionsDefinition options() {
        return OPTIONS;
    }

    @Override
    public SinkTask createTask() {
        return new Task();
    }

    static final class Task implements SinkTask {
        private SinkContext context;

        @Override
        public void start(Options options, SinkContext context) {
            this.context = context;
        }

        @Override
        public void write(List<SinkRecord> records) {
            for (SinkRecord r : records) {
                context.metrics().increment("events_" + r.event().type().name().toLowerCase(java.util.Locale.ROOT), 1);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void stop() {}
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SinkTask;
import java.util.List;

/**
 * A test sink that refuses every row whose first column (the generator's {@code id}) is a multiple of 10 and discards
 * the rest: with {@code task.error.skipStrategy=SkipAll}, a generator of N rows makes exactly N / 10 skipped records.
 */
public final class PickySink implements SinkConnector {
    private static final OptionsDefinition OPTIONS = OptionsDefinition.builder("picky sink").build();

    @Override
    public String name() {
        return "picky";
    }

    @Override
    public OptionsDefinition options() {
        return OPTIONS;
    }

    @Override
    public SinkTask createTask() {
        return new SinkTask() {
            @Override
            public void start(Options options, SinkContext context) {}

            @Override
            public void write(List<SinkRecord> records) {
                for (SinkRecord r : records) {
                    Row row = r.event().keyRow();
                    if (row != null && ((Number) row.get(0)).longValue() % 10 == 0) {
                        throw new IllegalArgumentException("picky sink refuses row " + row.get(0));
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void stop() {}
        };
    }
}

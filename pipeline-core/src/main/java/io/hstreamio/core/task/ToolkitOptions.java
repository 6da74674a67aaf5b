package io.hstreamio.core.task;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;
import io.hstreamio.core.store.StartPosition;
import java.time.Duration;

/**
 * The options the toolkit adds to every connector, with HStream IO's stock names and defaults. Defaults are written
 * here only; docs and {@code spec} output are rendered from these definitions.
 */
public final class ToolkitOptions {
    private ToolkitOptions() {}

    public static final OptionDef<String> STREAM = OptionDef.string("stream")
            .doc("The stream that the source writes to, or the sink reads from.")
            .required()
            .uiType("stream")
            .validator(Validators.pattern("[A-Za-z_][A-Za-z0-9_.-]*", "letters, digits, '_', '.', '-'"))
            .build();

    public static final OptionDef<Integer> MAX_RETRIES = OptionDef.integer("task.error.maxRetries")
            .doc("How often a transient failure (connection lost, deadlock) is retried, with backoff, before the task fails.")
            .defaultValue(3)
            .validator(Validators.range(0, 1000))
            .build();

    public static final OptionDef<Duration> CONNECTION_RETRY_TIMEOUT = OptionDef.duration("connection.retry.timeout")
            .doc("How long a sink keeps retrying, with backoff doubling from 100 ms up to 10 s, while its target cannot "
                    + "be reached (connection refused or lost, server shutting down or out of connections) before the "
                    + "task fails. Such retries are not record errors and do not use up task.error.maxRetries; 0s "
                    + "counts them like any transient failure.")
            .defaultValue(Duration.ofMinutes(5))
            .validator(Validators.durationRange(Duration.ZERO, Duration.ofDays(7)))
            .build();

    public static final OptionDef<SkipStrategy> SKIP_STRATEGY = OptionDef.enumeration(
                    "task.error.skipStrategy", SkipStrategy.class)
            .doc("What a sink does with a record that fails for good: SkipAll, SkipSome (up to task.error.skipCount), "
                    + "or NeverSkip (stop the task).")
            .defaultValue(SkipStrategy.NeverSkip)
            .build();

    public static final OptionDef<Integer> SKIP_COUNT = OptionDef.integer("task.error.skipCount")
            .doc("With SkipSome: how many failing records may be skipped before the task stops.")
            .defaultValue(5)
            .validator(Validators.range(0, Integer.MAX_VALUE))
            .build();

    public static final OptionDef<String> ERROR_STREAM = OptionDef.string("task.error.stream")
            .doc("A stream that receives each skipped record with its error. Unset: skipped records are only logged.")
            .uiType("stream")
            .build();

    public static final OptionDef<StartPosition> FROM_OFFSET = OptionDef.enumeration(
                    "task.reader.fromOffset", StartPosition.class)
            .doc("Where a new sink starts reading its stream: EARLIEST or LATEST.")
            .defaultValue(StartPosition.EARLIEST)
            .build();

    public static final OptionDef<Integer> BATCH_MAX_RECORDS = OptionDef.integer("buffer.batch.maxRecords")
            .doc("The most records a sink writes in one batch (one target transaction).")
            .defaultValue(5000)
            .validator(Validators.range(1, 1_000_000))
            .build();

    public static final OptionDef<Duration> BATCH_MAX_AGE = OptionDef.duration("buffer.batch.maxAge")
            .doc("How long a sink waits to fill a batch before writing what it has.")
            .defaultValue(Duration.ofMillis(200))
            .build();

    public static final OptionDef<StreamFormat> STREAM_FORMAT = OptionDef.enumeration("stream.format", StreamFormat.class)
            .doc("How a source writes row events: BINARY (compact, this project's sinks only) or JSON (HStreamDB's stock "
                    + "envelope {\"key\":..,\"value\":..}, readable by HStreamDB's own sinks; schema changes stay binary).")
            .defaultValue(StreamFormat.BINARY)
            .build();

    /** The connector's options plus those every source has. */
    public static OptionsDefinition forSource(SourceConnector connector) {
        return OptionsDefinition.builder(connector.name() + " source")
                .add(STREAM, STREAM_FORMAT, MAX_RETRIES)
                .addAll(connector.options())
                .build();
    }

    /** The connector's options plus those every sink has. */
    public static OptionsDefinition forSink(SinkConnector connector) {
        return OptionsDefinition.builder(connector.name() + " sink")
                .add(STREAM, MAX_RETRIES, CONNECTION_RETRY_TIMEOUT, SKIP_STRATEGY, SKIP_COUNT, ERROR_STREAM, FROM_OFFSET, BATCH_MAX_RECORDS,
                        BATCH_MAX_AGE)
                .addAll(connector.options())
                .build();
    }
}

package io.hstreamio.cdc;

import io.hstreamio.cdc.internal.DebeziumCapture;
import io.hstreamio.cdc.internal.Dialect;
import io.hstreamio.cdc.internal.Preflight;
import io.hstreamio.cdc.internal.StoredPositionGuard;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.SourceTask;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CDC source task: one Debezium engine whose offsets and schema history live in the task's key/value store.
 *
 * <p>Threads as {@link SourceTask} says: {@code start}, {@code poll} and {@code committed} on the task thread,
 * {@code stop} from any thread. The engine has its own thread inside {@link DebeziumCapture}.
 *
 * <p>Resuming: Debezium's own offsets in the key/value store are the resume point; they advance only through
 * {@link #committed}, so they never run ahead of the stream.
 */
public final class CdcSourceTask implements SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(CdcSourceTask.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(500);
    static final String ZERO_DATES_METRIC = "zero_dates";
    /** The binlog client logs through java.util.logging; route just that logger to SLF4J (kept to stay configured). */
    private static final java.util.logging.Logger BINLOG_CLIENT_LOG = bridge("com.github.shyiko.mysql.binlog");

    private final String kind;
    private volatile DebeziumCapture capture;
    private SourceContext context;
    private long zeroDatesReported;
    private volatile Dialect dialect;

    private static java.util.logging.Logger bridge(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setUseParentHandlers(false);
        l.addHandler(new org.slf4j.bridge.SLF4JBridgeHandler());
        return l;
    }

    CdcSourceTask(String kind) {
        this.kind = kind;
    }

    @Override
    public void start(Options options, SourceContext context) throws Exception {
        this.context = context;
        CdcConfig config = CdcOptions.toConfig(context.taskId(), kind, options);
        dialect = Preflight.check(config);
        StoredPositionGuard.check(config, context.state(), options.get(CdcOptions.ON_POSITION_LOST));
        LOG.info("CDC source {} ({}) starting: {}", config.name(), dialect, config);
        DebeziumCapture c = DebeziumCapture.forConfig(config, dialect, context.state());
        capture = c;
        c.start();
    }

    /** The dialect chosen at start (a {@code mysql} source on MariaDB reads it as MariaDB); null before start. */
    Dialect dialect() {
        return dialect;
    }

    @Override
    public List<ChangeEvent> poll() throws Exception {
        List<ChangeEvent> events = capture.poll(POLL_WAIT);
        long zero = capture.zeroDates();
        if (zero > zeroDatesReported) {
            context.metrics().increment(ZERO_DATES_METRIC, zero - zeroDatesReported);
            zeroDatesReported = zero;
        }
        return events;
    }

    @Override
    public void committed(SourcePosition position) {
        try {
            capture.committed(position);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        DebeziumCapture c = capture;
        if (c != null) {
            c.stop();
        }
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.core.task.TaskState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's meters, scraped by {@code GET /metrics} in Prometheus text format through Micrometer: JVM basics
 * (memory, threads, GC, classes, CPU, uptime) and, per connector with the tags {@code connector}, {@code type}
 * ({@code source}|{@code sink}) and {@code target}:
 * <ul>
 *   <li>{@value #RECORDS} and {@value #BYTES}: counters of deliveries since the connector was created (records made
 *       durable in the stream by a source, written to the target by a sink), from the task status the runtime
 *       persists;</li>
 *   <li>{@value #RESTARTS}: task runs that failed (each is followed by a restart after backoff);</li>
 *   <li>{@value #SKIPPED}: records a sink skipped under {@code task.error.skipStrategy}; absent for image connectors,
 *       whose protocol Reports do not carry skips;</li>
 *   <li>{@value #STATE}: one series per task state (tag {@code state}), 1 for the current state and 0 for the others,
 *       so that {@code hstreamio_connector_state{state="FAILED"} == 1} selects failed connectors;</li>
 *   <li>{@value #PAUSED}: 1 while PAUSE keeps it stopped;</li>
 *   <li>{@value #LAG}: lag in time, not in records (the store's record ids are batch ids and indexes, so records
 *       behind are not known cheaply): {@link io.hstreamio.core.runner.LagTracker#lag()} of the running task, i.e.
 *       now minus the commit time of the newest change delivered while the task is behind (a source: durable in the
 *       stream; a sink: written to the target, so end to end), and 0 once it caught up, however long the source
 *       stays idle. NaN when no task runs or the lag is unknown (before the first change with a commit time;
 *       snapshot reads have none; a stock image does not report it). An alert on it fires for a task that is
 *       behind, stalled included, and never for an idle one;</li>
 *   <li>{@value #LAST_EVENT_AGE}: now minus the commit time of the newest change delivered, kept across restarts;
 *       it grows while the source is idle, and tells a quiet source from a capture that stopped seeing changes.</li>
 * </ul>
 *
 * <p>Connector meters follow the catalog: each scrape first takes one snapshot of every connector's status, registers
 * the connectors that are new and removes the meters of those dropped, then renders. Counters of one scrape are thus
 * read from one snapshot. {@link #scrape} is synchronized; {@link #close} releases the GC listeners.
 */
final class RuntimeMetrics implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String RECORDS = "hstreamio.connector.records.delivered";
    static final String BYTES = "hstreamio.connector.bytes.delivered";
    static final String RESTARTS = "hstreamio.connector.restarts";
    static final String SKIPPED = "hstreamio.connector.records.skipped";
    static final String STATE = "hstreamio.connector.state";
    static final String PAUSED = "hstreamio.connector.paused";
    static final String LAG = "hstreamio.connector.lag.seconds";
    static final String LAST_EVENT_AGE = "hstreamio.connector.last.event.age.seconds";
    /** DELETED is never shown: a dropped connector's meters are removed instead. */
    private static final Set<TaskState> STATES = EnumSet.complementOf(EnumSet.of(TaskState.DELETED));

    private final RuntimeService runtime;
    private final Clock clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Guarded by this. Micrometer holds a function meter's object weakly: this map keeps the samples alive. */
    private final Map<Key, Sample> connectors = new HashMap<>();

    RuntimeMetrics(RuntimeService runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** The Prometheus text exposition of every meter, connectors as the catalog holds them now. */
    synchronized String scrape() {
        Set<Key> present = new HashSet<>();
        for (ConnectorState s : runtime.connectorStates()) {
            Key key = new Key(s.connector().name(), s.connector().kind().label(), s.connector().target(), s.image());
            present.add(key);
            Sample sample = connectors.get(key);
            if (sample == null) {
                sample = register(key, s);
                connectors.put(key, sample);
            }
            sample.current = s;
        }
        connectors.entrySet().removeIf(e -> {
            if (present.contains(e.getKey())) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
        return registry.scrape();
    }

    private Sample register(Key key, ConnectorState first) {
        Sample s = new Sample();
        s.current = first;
        Tags tags = Tags.of("connector", key.name(), "type", key.type(), "target", key.target());
        s.meters.add(FunctionCounter.builder(RECORDS, s, x -> x.current.status().deliveredRecords())
                .description("Records delivered since the connector was created: durable in the stream (sources), "
                        + "written to the target (sinks)")
                .tags(tags).register(registry));
        s.meters.add(FunctionCounter.builder(BYTES, s, x -> x.current.status().deliveredBytes())
                .description("Bytes of the records delivered since the connector was created")
                .tags(tags).register(registry));
        s.meters.add(FunctionCounter.builder(RESTARTS, s, x -> x.current.status().restarts())
                .description("Task runs that failed; each is followed by a restart after a capped backoff")
                .tags(tags).register(registry));
        if (!key.image()) {
            s.meters.add(FunctionCounter.builder(SKIPPED, s, x -> x.current.status().skippedRecords())
                    .description("Records a sink skipped under task.error.skipStrategy")
                    .tags(tags).register(registry));
        }
        for (TaskState state : STATES) {
            s.meters.add(Gauge.builder(STATE, s, x -> x.current.status().state() == state ? 1 : 0)
                    .description("The task's state: 1 for the current one, 0 for the others")
                    .tags(tags.and("state", state.name())).register(registry));
        }
        s.meters.add(Gauge.builder(PAUSED, s, x -> x.current.connector().paused() ? 1 : 0)
                .description("1 while PAUSE CONNECTOR keeps the connector stopped")
                .tags(tags).register(registry));
        s.meters.add(Gauge.builder(LAG, s, x -> x.current.status().lag() == null ? Double.NaN
                        : x.current.status().lag().toMillis() / 1000.0)
                .description("While the task is behind, now minus the commit time of the newest change it delivered "
                        + "(sources: durable in the stream; sinks: written to the target); 0 once caught up; NaN "
                        + "when unknown")
                .tags(tags).register(registry));
        s.meters.add(Gauge.builder(LAST_EVENT_AGE, s, x -> x.current.status().lastCommitTime() == null ? Double.NaN
                        : Math.max(0, Duration.between(x.current.status().lastCommitTime(), clock.instant())
                                .toMillis()) / 1000.0)
                .description("Now minus the commit time of the newest change delivered; grows while the source is "
                        + "idle")
                .tags(tags).register(registry));
        return s;
    }

    @Override
    public synchronized void close() {
        gc.close();
        registry.close();
    }

    /** A connector's identity for its meters: a change of kind, target or way of running makes new meters. */
    private record Key(String name, String type, String target, boolean image) {}

    /** The connector's state as of the last scrape, read by its meters. */
    private static final class Sample {
        final List<Meter> meters = new ArrayList<>();
        volatile ConnectorState current;
    }
}

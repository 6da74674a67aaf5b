package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.options.OptionException;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.CheckResult;
import io.hstreamio.core.task.TaskState;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector as an HStream IO image: {@code spec}, {@code check} and {@code run}, exactly as the stock runtime
 * calls them (see the protocol facts). Exit codes: 0 done (stopped or completed), 1 the task failed or the runtime
 * stopped answering, 2 bad config.
 */
public final class ConnectorImage {
    /** The stock toolkit reports every 3 s. */
    public static final Duration REPORT_EVERY = Duration.ofSeconds(3);
    /** How long the last report after the task ended waits for its answer; the runtime may already be gone. */
    static final Duration FINAL_REPORT_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ConnectorImage.class);
    /** Starts the one stderr line that says why a task failed, for the runtime to show as its error. */
    public static final String FAILURE_PREFIX = "hstream-io task failed: ";
    /**
     * Report body fields of ours beside the stock {@code deliveredRecords}, {@code deliveredBytes} and
     * {@code offsets}: the task's lag in milliseconds ({@link io.hstreamio.core.runner.LagTracker#lag()}) and the
     * commit time, in epoch milliseconds, of the newest change it delivered. Each is absent while unknown.
     */
    public static final String LAG_MILLIS = "lagMillis";
    public static final String LAST_COMMIT_TIME_MILLIS = "lastCommitTimeMillis";

    private final Connectors connectors;
    private final ConnectorKind kind;
    private final String target;
    private final OptionsDefinition definition;

    /** @throws IllegalArgumentException when no such connector is on the class path (listing those that are) */
    public ConnectorImage(Connectors connectors, ConnectorKind kind, String target) {
        this.connectors = connectors;
        this.kind = kind;
        this.target = target;
        this.definition = ConnectorTask.definition(connectors, kind, target);
    }

    /** The JSON Schema of every option (the connector's and the toolkit's), with HStream's UI keys. */
    public ObjectNode spec() {
        return definition.jsonSchema();
    }

    /** The check's answer; a config that does not parse is a failed check of type {@code CONFIG}, not an error. */
    public ObjectNode check(ConnectorConfig config) {
        CheckResult r;
        try {
            Options options = definition.parse(config.connector());
            r = kind == ConnectorKind.SOURCE ? connectors.source(target).check(options)
                    : connectors.sink(target).check(options);
        } catch (OptionException e) {
            r = CheckResult.failed("CONFIG", e.getMessage());
        } catch (RuntimeException e) {
            r = CheckResult.failed("ERROR", String.valueOf(e.getMessage()));
        }
        ObjectNode out = ProtocolChannel.JSON.createObjectNode();
        out.put("result", r.result());
        out.put("type", r.type());
        out.put("message", r.message());
        out.set("detail", ProtocolChannel.JSON.valueToTree(r.detail()));
        return out;
    }

    /**
     * Runs the task until it completes, fails, or the runtime sends {@code stop}; talks to the runtime over
     * {@code in}/{@code out}. Logging must already go elsewhere than {@code out}.
     *
     * @return the exit code
     */
    public int run(ConnectorConfig config, Path configDir, InputStream in, OutputStream out, Clock clock) {
        String taskId = config.taskId().orElseGet(() -> {
            String id = UUID.randomUUID().toString();
            log.warn("config has no task id; using {} (state will not be found again after a restart)", id);
            return id;
        });
        Options checked = definition.parse(config.connector()); // bad config: exit 2 before touching anything
        log.info("Connector {} {} task {} starting with {}", kind.label(), target, taskId, checked.masked());

        AtomicReference<ConnectorTask> task = new AtomicReference<>();
        CountDownLatch stopSeen = new CountDownLatch(1);
        ProtocolChannel channel = new ProtocolChannel(in, out, () -> {
            stopSeen.countDown();
            ConnectorTask t = task.get();
            if (t != null) {
                t.stop();
            }
        });
        channel.start();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hstream-io-reporter");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<String> fatal = new AtomicReference<>();
        try (StreamStore store = new TaskStateStore(ServiceStores.open(config.serviceUrl(), configDir), taskId,
                new ChannelKeyValueStore(channel))) {
            ConnectorTask t = ConnectorTask.create(connectors, kind, target, taskId, config.connector(), store, clock);
            task.set(t);
            if (stopSeen.getCount() == 0) {
                t.stop(); // stop arrived while the store was opening
            }
            reporter.scheduleWithFixedDelay(() -> {
                try {
                    report(channel, t, ProtocolChannel.REPORT_TIMEOUT);
                } catch (ProtocolException e) {
                    if (fatal.compareAndSet(null, e.getMessage())) {
                        log.error("Giving up: {}", e.getMessage());
                        t.stop();
                    }
                }
            }, REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            t.run();
            reporter.shutdownNow();
            reporter.awaitTermination(ProtocolChannel.REPORT_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
            if (fatal.get() == null) {
                try {
                    report(channel, t, FINAL_REPORT_TIMEOUT);
                } catch (ProtocolException e) {
                    log.warn("The last report got no answer ({}); the runtime may be gone", e.getMessage());
                }
            }
            TaskState end = t.state();
            log.info("Connector {} {} task {} ended {}{}", kind.label(), target, taskId, end,
                    t.failure().map(f -> ": " + f.getMessage()).orElse(""));
            if (fatal.get() != null || end == TaskState.FAILED) {
                // The protocol carries no error: a runtime that starts us (ProcessTask) reads this line of stderr.
                System.err.println(FAILURE_PREFIX + (fatal.get() != null ? fatal.get()
                        : t.failure().map(f -> String.valueOf(f.getMessage())).orElse("the task failed")));
                System.err.flush();
            }
            return fatal.get() != null || end == TaskState.FAILED ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            reporter.shutdownNow();
            channel.close();
        }
    }

    /** Sends one Report: the deliveries since the previous one, and the task's offsets. */
    static void report(ProtocolChannel channel, ConnectorTask task, Duration timeout) {
        long[] delta = task.metrics().takeDeliveredDelta();
        ObjectNode body = ProtocolChannel.JSON.createObjectNode();
        body.put("deliveredRecords", delta[0]);
        body.put("deliveredBytes", delta[1]);
        body.set("offsets", ProtocolChannel.JSON.valueToTree(task.offsets()));
        // Our extension, absent while unknown; a stock runtime reads the fields it knows and ignores these.
        task.lag().lag().ifPresent(d -> body.put(LAG_MILLIS, d.toMillis()));
        task.lag().lastCommitTime().ifPresent(t -> body.put(LAST_COMMIT_TIME_MILLIS, t.toEpochMilli()));
        // A report without an answer ends the task (exit 1), so deltas lost with it are never misreported.
        channel.request("Report", body, timeout);
    }
}

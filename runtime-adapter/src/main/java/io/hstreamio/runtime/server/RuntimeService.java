package io.hstreamio.runtime.server;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.runtime.hstream.StoreBackedHStreamServer;
import io.hstreamio.runtime.protocol.ConnectorKind;
import io.hstreamio.runtime.protocol.ConnectorTask;
import io.hstreamio.runtime.sql.SqlParser;
import io.hstreamio.runtime.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IO runtime: executes SQL against the durable {@link Catalog} and the store's streams, and keeps one
 * {@link TaskSupervisor} per connector that is neither paused nor dropped. Our connectors' tasks run as the
 * {@link TaskMode} says: each in a child process ({@code hstream-io connector KIND NAME run}, a {@link ProcessTask}
 * that reaches the store through the HStreamDB API the runtime serves, its key/value state answered from the store
 * here), or in this process through the same {@link ConnectorTask} ({@link InProcessTask}). Connectors named in
 * {@link Images} run as child processes of the image's command.
 *
 * <p>Statements run one at a time ({@link #execute} is synchronized). Views may be read from any thread. Owns one
 * scheduled thread, {@code hstream-io-status}, which persists every task's status each {@code statusEvery}.
 */
public final class RuntimeService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuntimeService.class);

    private final StreamStore store;
    private final Connectors connectors;
    private final Clock clock;
    private final SupervisorSettings settings;
    private final Images images;
    /** Our connectors' tasks as child processes (reaching the store through the runtime's API); empty: in-process. */
    private final Optional<OwnImages> own;
    private final Catalog catalog;
    private final SqlParser parser;
    private final Map<String, TaskSupervisor> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService statusWriter;

    public RuntimeService(StreamStore store, Connectors connectors, Clock clock, SupervisorSettings settings) {
        this(store, connectors, clock, settings, Images.none(java.nio.file.Path.of("tasks")));
    }

    /** @param images the connectors that run as child processes (images); all others run in this process */
    public RuntimeService(StreamStore store, Connectors connectors, Clock clock, SupervisorSettings settings,
            Images images) {
        this(store, connectors, clock, settings, images, TaskMode.inProcess(), Optional.empty());
    }

    /**
     * How our own connectors run: the command that starts {@code connector KIND NAME} and the serviceUrl at which
     * their child processes reach {@code store}; their task directories go under {@code images.tasksDir()}.
     */
    record OwnImages(List<String> connectorCommand, Images images) {}

    /**
     * @param mode       in-process, or child processes for our own connectors
     * @param serviceUrl where child processes reach {@code store} ({@code hstream://…}); needed for child processes
     */
    public RuntimeService(StreamStore store, Connectors connectors, Clock clock, SupervisorSettings settings,
            Images images, TaskMode mode, Optional<String> serviceUrl) {
        this.store = store;
        this.images = images;
        if (mode.inProcessOnly()) {
            this.own = Optional.empty();
        } else {
            String url = serviceUrl.orElseThrow(() -> new IllegalArgumentException("tasks as child processes need"
                    + " the URL at which they reach the store; start the HStreamDB API server first"));
            this.own = Optional.of(new OwnImages(mode.connectorCommand().orElseThrow(),
                    new Images(Map.of(), images.tasksDir(), Optional.of(url), images.reportTimeout())));
        }
        this.connectors = connectors;
        this.clock = clock;
        this.settings = settings;
        this.catalog = new Catalog(store);
        this.parser = new SqlParser(connectors.sources().keySet(), connectors.sinks().keySet());
        this.statusWriter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hstream-io-status");
            t.setDaemon(true);
            return t;
        });
        long every = settings.statusEvery().toMillis();
        statusWriter.scheduleWithFixedDelay(this::persistStatuses, every, every, TimeUnit.MILLISECONDS);
    }

    /** Starts every connector that is neither paused nor completed: what a restart of the runtime does first. */
    public synchronized void recover() {
        for (ConnectorRecord c : catalog.connectors()) {
            TaskStatus s = catalog.status(c.name()).orElse(TaskStatus.created(clock.instant()));
            if (!c.paused() && s.state() != TaskState.COMPLETED) {
                log.info("Recovering {} (last state {})", c, s.state());
                startSupervisor(c);
            }
        }
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * Parses every statement, then runs them in order; stops at the first that fails.
     *
     * @throws SqlExecutionException naming the statement and the problem (syntax errors change nothing)
     */
    public synchronized List<SqlResult> execute(String sql) {
        List<Statement> statements;
        try {
            statements = parser.parse(sql);
        } catch (IllegalArgumentException e) {
            throw new SqlExecutionException(e.getMessage(), List.of(), e);
        }
        List<SqlResult> done = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            Statement st = statements.get(i);
            try {
                done.add(run(st));
            } catch (IllegalArgumentException e) {
                String where = statements.size() > 1 ? "statement " + (i + 1) + " (" + st.verb() + "): "
                        : st.verb() + ": ";
                throw new SqlExecutionException(where + e.getMessage(), done, e);
            }
        }
        return done;
    }

    private SqlResult run(Statement st) {
        if (st instanceof Statement.CreateConnector c) {
            return createConnector(c);
        } else if (st instanceof Statement.ShowConnectors) {
            return showConnectors();
        } else if (st instanceof Statement.DescribeConnector d) {
            return describe(d.name());
        } else if (st instanceof Statement.DropConnector d) {
            return dropConnector(d);
        } else if (st instanceof Statement.PauseConnector p) {
            return pause(p.name());
        } else if (st instanceof Statement.ResumeConnector r) {
            return resume(r.name());
        } else if (st instanceof Statement.AlterConnector a) {
            return alter(a);
        } else if (st instanceof Statement.CreateStream c) {
            return createStream(c);
        } else if (st instanceof Statement.ShowStreams) {
            return showStreams();
        } else if (st instanceof Statement.DropStream d) {
            return dropStream(d);
        }
        throw new IllegalStateException("statement " + st.verb() + " has no executor");
    }

    private SqlResult createConnector(Statement.CreateConnector c) {
        if (catalog.find(c.name()).isPresent()) {
            if (c.ifNotExists()) {
                return SqlResult.message(c.verb(), "connector " + c.name() + " exists already; nothing done");
            }
            throw new IllegalArgumentException("connector '" + c.name() + "' exists already; DROP CONNECTOR it "
                    + "first or add IF NOT EXISTS");
        }
        // Validates every option before anything is kept: a bad option never reaches the catalog.
        Options options = ConnectorTask.definition(connectors, c.kind(), c.target()).parse(c.options());
        ConnectorRecord record = new ConnectorRecord(c.name(), c.kind(), c.target(), UUID.randomUUID().toString(),
                c.options(), clock.instant(), false);
        String stream = options.get(ToolkitOptions.STREAM);
        refuseInternal(stream);
        if (images.command(c.kind(), c.target()).isEmpty() && store.findStream(stream).isEmpty()) {
            // A sink created with (or before) its source must find its stream: one shard keeps CDC order.
            store.createStream(stream, 1);
        }
        catalog.put(record);
        catalog.putStatus(c.name(), TaskStatus.created(clock.instant()));
        log.info("Created {} with {}", record, options.masked());
        startSupervisor(record);
        return SqlResult.message(c.verb(), "created " + c.kind().label() + " connector " + c.name());
    }

    private SqlResult dropConnector(Statement.DropConnector d) {
        Optional<ConnectorRecord> found = catalog.find(d.name());
        if (found.isEmpty()) {
            if (d.ifExists()) {
                return SqlResult.message(d.verb(), "no connector " + d.name() + "; nothing done");
            }
            throw notFound(d.name());
        }
        ConnectorRecord c = found.get();
        String stream = String.valueOf(c.config().getOrDefault(ToolkitOptions.STREAM.name(),
                ToolkitOptions.STREAM.defaultValue().orElse("")));
        if (d.withStream()) {
            // Checked before anything is stopped, so that a refused DROP changes nothing.
            for (ConnectorRecord other : catalog.connectors()) {
                if (!other.name().equals(c.name())
                        && stream.equals(String.valueOf(other.config().get(ToolkitOptions.STREAM.name())))) {
                    throw new IllegalArgumentException("stream '" + stream + "' is also used by connector "
                            + other.name() + "; DROP CONNECTOR " + c.name() + " without WITH STREAM, or drop "
                            + other.name() + " first");
                }
            }
        }
        stopSupervisor(c.name());
        if (c.kind() == ConnectorKind.SOURCE) {
            try {
                connectors.source(c.target()).release(
                        ConnectorTask.definition(connectors, c.kind(), c.target()).parse(c.config()), c.taskId());
            } catch (Exception e) {
                // Kept, paused, so that DROP can be tried again once the server is reachable.
                catalog.put(c.withPaused(true));
                throw new IllegalArgumentException("connector " + c.name() + " is stopped and paused but not dropped: "
                        + e.getMessage() + "; fix that and DROP CONNECTOR " + c.name() + " again", e);
            }
        }
        KeyValueStore state = store.keyValueStore(TaskStates.namespace(c.taskId()));
        int keys = 0;
        for (String key : state.scan("").keySet()) {
            state.delete(key);
            keys++;
        }
        deleteTaskDirectory(images.tasksDir().resolve(c.taskId()));
        catalog.remove(c.name());
        log.info("Dropped {} and {} keys of its task state", c, keys);
        if (d.withStream() && store.findStream(stream).isPresent()) {
            store.deleteStream(stream);
            return SqlResult.message(d.verb(), "dropped connector " + c.name() + ", its task state and stream "
                    + stream);
        }
        return SqlResult.message(d.verb(), "dropped connector " + c.name() + " and its task state");
    }

    private SqlResult pause(String name) {
        ConnectorRecord c = catalog.find(name).orElseThrow(() -> notFound(name));
        catalog.put(c.withPaused(true));
        stopSupervisor(name);
        return SqlResult.message("PAUSE CONNECTOR", "paused connector " + name);
    }

    private SqlResult resume(String name) {
        ConnectorRecord c = catalog.find(name).orElseThrow(() -> notFound(name));
        ConnectorRecord resumed = c.withPaused(false);
        catalog.put(resumed);
        TaskSupervisor sup = running.get(name);
        if (sup == null || !sup.isAlive()) {
            stopSupervisor(name);
            startSupervisor(resumed);
        }
        return SqlResult.message("RESUME CONNECTOR", "resumed connector " + name);
    }

    private SqlResult alter(Statement.AlterConnector a) {
        ConnectorRecord c = catalog.find(a.name()).orElseThrow(() -> notFound(a.name()));
        Map<String, Object> merged = new LinkedHashMap<>(c.config());
        merged.putAll(a.options());
        ConnectorTask.definition(connectors, c.kind(), c.target()).parse(merged);
        ConnectorRecord altered = c.withConfig(merged);
        catalog.put(altered);
        stopSupervisor(a.name());
        if (!altered.paused()) {
            startSupervisor(altered);
        }
        return SqlResult.message(a.verb(), "altered connector " + a.name()
                + (altered.paused() ? "; it stays paused" : "; its task restarted with the new options"));
    }

    /** The stream where tasks keep their state and the shared schema registry is the runtime's, never the user's. */
    private static void refuseInternal(String stream) {
        if (StoreBackedHStreamServer.CLIENT_KV_STREAM.equals(stream)) {
            throw new IllegalArgumentException("stream '" + stream + "' is the runtime's own (task state and table "
                    + "shapes); choose another stream name");
        }
    }

    private SqlResult createStream(Statement.CreateStream c) {
        refuseInternal(c.name());
        Options o = StreamOptions.DEFINITION.parse(c.options());
        if (store.findStream(c.name()).isPresent()) {
            throw new IllegalArgumentException("stream '" + c.name() + "' exists already");
        }
        StreamInfo s = store.createStream(c.name(), o.get(StreamOptions.SHARDS));
        return SqlResult.message(c.verb(), "created stream " + s.name() + " with " + s.shardCount() + " shard(s)");
    }

    private SqlResult dropStream(Statement.DropStream d) {
        refuseInternal(d.name());
        if (store.findStream(d.name()).isEmpty()) {
            if (d.ifExists()) {
                return SqlResult.message(d.verb(), "no stream " + d.name() + "; nothing done");
            }
            throw new IllegalArgumentException("no stream '" + d.name() + "'; SHOW STREAMS lists them");
        }
        for (ConnectorRecord c : catalog.connectors()) {
            if (d.name().equals(String.valueOf(c.config().get(ToolkitOptions.STREAM.name())))) {
                throw new IllegalArgumentException("stream '" + d.name() + "' is used by connector " + c.name()
                        + "; DROP CONNECTOR " + c.name() + " first");
            }
        }
        store.deleteStream(d.name());
        return SqlResult.message(d.verb(), "dropped stream " + d.name());
    }

    private SqlResult showStreams() {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> s : streamViews()) {
            rows.add(List.of(s.get("name"), s.get("shards"), s.get("createdAt")));
        }
        return new SqlResult("SHOW STREAMS", rows.size() + " stream(s)", List.of("name", "shards", "created"), rows);
    }

    private SqlResult showConnectors() {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> v : connectorViews()) {
            // lag_ms: null (an empty cell) while unknown, e.g. no task runs or a stock image does not report it.
            rows.add(java.util.Arrays.asList(v.get("name"), v.get("type"), v.get("target"), v.get("status"),
                    v.get("restarts"), v.get("deliveredRecords"), v.get("deliveredBytes"), v.get("lagMillis")));
        }
        return new SqlResult("SHOW CONNECTORS", rows.size() + " connector(s)",
                List.of("name", "type", "target", "status", "restarts", "records", "bytes", "lag_ms"), rows);
    }

    private SqlResult describe(String name) {
        Map<String, Object> v = connectorView(name).orElseThrow(() -> notFound(name));
        List<List<Object>> rows = new ArrayList<>();
        v.forEach((k, value) -> rows.add(java.util.Arrays.asList(k, value)));
        return new SqlResult("DESCRIBE CONNECTOR", "connector " + name, List.of("property", "value"), rows);
    }

    /** Every connector as SHOW, DESCRIBE and REST show it: status, counters, offsets, masked config. */
    public List<Map<String, Object>> connectorViews() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConnectorState c : connectorStates()) {
            out.add(view(c));
        }
        return out;
    }

    public Optional<Map<String, Object>> connectorView(String name) {
        return catalog.find(name).map(this::state).map(this::view);
    }

    /** Every connector with its status now: what views and metrics are made from. */
    List<ConnectorState> connectorStates() {
        List<ConnectorState> out = new ArrayList<>();
        for (ConnectorRecord c : catalog.connectors()) {
            out.add(state(c));
        }
        return out;
    }

    /** The running task's status when it is supervised; else the last one persisted. */
    private ConnectorState state(ConnectorRecord c) {
        TaskSupervisor sup = running.get(c.name());
        TaskStatus s = sup != null ? sup.status()
                : catalog.status(c.name()).orElse(TaskStatus.created(c.createdAt()));
        return new ConnectorState(c, s, images.command(c.kind(), c.target()).isPresent() || own.isPresent());
    }

    public List<Map<String, Object>> streamViews() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StreamInfo s : store.listStreams()) {
            if (s.name().equals(StoreBackedHStreamServer.CLIENT_KV_STREAM)) {
                continue; // the internal key/value stream (the shared schema registry), not a stream of the user's
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("shards", s.shardCount());
            m.put("createdAt", s.creationTime().toString());
            out.add(m);
        }
        return out;
    }

    private Map<String, Object> view(ConnectorState state) {
        ConnectorRecord c = state.connector();
        TaskStatus s = state.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("type", c.kind().label());
        m.put("target", c.target());
        m.put("status", s.state().name());
        m.put("paused", c.paused());
        m.put("taskId", c.taskId());
        m.put("restarts", s.restarts());
        m.put("lastError", s.lastError());
        m.put("deliveredRecords", s.deliveredRecords());
        m.put("deliveredBytes", s.deliveredBytes());
        // Null, not 0, for an image: the protocol does not report skips, so the runtime does not know them.
        m.put("skippedRecords", state.image() ? null : s.skippedRecords());
        // Live: null unless a task runs and knows it (LagTracker; a stock image does not report it).
        m.put("lagMillis", s.lag() == null ? null : s.lag().toMillis());
        m.put("lastCommitTime", s.lastCommitTime() == null ? null : s.lastCommitTime().toString());
        m.put("offsets", s.offsets());
        m.put("config", masked(c));
        m.put("createdAt", c.createdAt().toString());
        return m;
    }

    /** The config with secrets masked; when it no longer parses, every value is masked rather than guessed at. */
    private Map<String, Object> masked(ConnectorRecord c) {
        try {
            return ConnectorTask.definition(connectors, c.kind(), c.target()).parse(c.config()).masked();
        } catch (RuntimeException e) {
            Map<String, Object> all = new LinkedHashMap<>();
            c.config().keySet().forEach(k -> all.put(k, Options.MASK));
            return all;
        }
    }

    /** An image task's directory holds its config.json, secrets included: it goes with the connector. */
    private static void deleteTaskDirectory(java.nio.file.Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            log.warn("Could not delete task directory {}: {}; delete it by hand (it holds the task's config)", dir,
                    e.getMessage());
        }
    }

    private IllegalArgumentException notFound(String name) {
        return new IllegalArgumentException("no connector '" + name + "'; SHOW CONNECTORS lists them");
    }

    private void startSupervisor(ConnectorRecord c) {
        TaskStatus previous = catalog.status(c.name()).orElse(TaskStatus.created(clock.instant()));
        Optional<List<String>> image = images.command(c.kind(), c.target());
        TaskSupervisor.TaskFactory factory;
        if (image.isPresent()) {
            factory = r -> new ProcessTask(r, image.get(), images, store.keyValueStore(TaskStates.namespace(r.taskId())),
                    clock, settings.stopGrace());
        } else if (own.isPresent()) {
            // The same task code in a child process: a crash or a SIGKILL of the task cannot take the runtime down.
            List<String> cmd = new ArrayList<>(own.get().connectorCommand());
            cmd.addAll(List.of(c.kind().label(), c.target()));
            factory = r -> new ProcessTask(r, cmd, own.get().images(),
                    store.keyValueStore(TaskStates.namespace(r.taskId())), clock, settings.stopGrace());
        } else {
            factory = r -> new InProcessTask(ConnectorTask.create(connectors, r.kind(), r.target(), r.taskId(),
                    r.config(), store, clock));
        }
        TaskSupervisor sup = new TaskSupervisor(c, previous, factory, clock, settings);
        running.put(c.name(), sup);
        sup.start();
    }

    /** Stops the connector's task if it runs, persisting its last status; true when it was running. */
    private boolean stopSupervisor(String name) {
        TaskSupervisor sup = running.remove(name);
        if (sup == null) {
            return false;
        }
        try {
            if (!sup.stop()) {
                log.warn("{}: its thread is still alive after the grace period", sup.connector());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catalog.putStatus(name, sup.status());
        return true;
    }

    private void persistStatuses() {
        running.forEach((name, sup) -> {
            try {
                catalog.putStatus(name, sup.status());
            } catch (RuntimeException e) {
                log.warn("Persisting the status of connector {} failed: {}", name, e.getMessage());
            }
        });
    }

    /** Stops every task (their connectors stay as they are in the catalog, to be recovered on the next start). */
    @Override
    public synchronized void close() {
        statusWriter.shutdownNow();
        for (String name : List.copyOf(running.keySet())) {
            stopSupervisor(name);
        }
    }
}

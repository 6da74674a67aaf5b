package io.hstreamio.runtime.server;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.runtime.hstream.RegistrySharingStore;
import io.hstreamio.runtime.hstream.StoreBackedHStreamServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime server: the embedded store in the data directory (streams, catalog, task state), the
 * {@link RuntimeService} that supervises tasks, its {@link RuntimeMetrics}, the {@link HttpApi}, and, when tasks run as
 * child processes, the {@link StoreBackedHStreamServer} through which they reach the store. Opening recovers every
 * connector that is not paused; {@link #close} stops HTTP, the metrics, the tasks, the API server and the store, in
 * that order.
 */
public final class RuntimeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuntimeServer.class);

    private final EmbeddedStreamStore store;
    private final StoreBackedHStreamServer api;
    private final RuntimeService runtime;
    private final RuntimeMetrics metrics;
    private final HttpApi http;

    private RuntimeServer(EmbeddedStreamStore store, StoreBackedHStreamServer api, RuntimeService runtime,
            RuntimeMetrics metrics, HttpApi http) {
        this.store = store;
        this.api = api;
        this.runtime = runtime;
        this.metrics = metrics;
        this.http = http;
    }

    /**
     * @param token null for none (then only loopback may be bound)
     * @throws IllegalArgumentException when the data directory cannot be used or the address is refused
     */
    public static RuntimeServer start(Path dataDir, InetSocketAddress address, String token, Clock clock,
            SupervisorSettings settings) throws IOException {
        return start(dataDir, address, token, clock, settings, Images.none(dataDir.resolve("tasks")));
    }

    /** @param images connectors that run as child processes; their task directories live under the images' tasksDir */
    public static RuntimeServer start(Path dataDir, InetSocketAddress address, String token, Clock clock,
            SupervisorSettings settings, Images images) throws IOException {
        return start(dataDir, address, token, clock, settings, images, TaskMode.inProcess());
    }

    /**
     * @param mode where our own connectors' tasks run; as child processes, the store is also served over the
     *             HStreamDB API on 127.0.0.1 (a free port) for them
     */
    public static RuntimeServer start(Path dataDir, InetSocketAddress address, String token, Clock clock,
            SupervisorSettings settings, Images images, TaskMode mode) throws IOException {
        if (token == null && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to listen on " + address.getAddress().getHostAddress()
                    + " without a token: anyone who reaches it could run SQL; pass --auth-token-file FILE or bind "
                    + "127.0.0.1");
        }
        EmbeddedStreamStore store;
        try {
            store = EmbeddedStreamStore.open(dataDir);
        } catch (StoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        StoreBackedHStreamServer api = null;
        RuntimeService runtime = null;
        RuntimeMetrics metrics = null;
        try {
            if (!mode.inProcessOnly()) {
                api = StoreBackedHStreamServer.start(store);
            }
            // One schema registry for tasks in this process and in child processes, whichever mode ran before.
            runtime = new RuntimeService(new RegistrySharingStore(store), Connectors.discover(), clock, settings,
                    images, mode, Optional.ofNullable(api).map(StoreBackedHStreamServer::serviceUrl));
            runtime.recover();
            metrics = new RuntimeMetrics(runtime, clock);
            HttpApi http = new HttpApi(runtime, metrics, address, token);
            log.info("Runtime server listening on {} with data in {}; tasks run {}", http.address(), dataDir, mode);
            return new RuntimeServer(store, api, runtime, metrics, http);
        } catch (IOException | RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (runtime != null) {
                runtime.close();
            }
            if (api != null) {
                api.close();
            }
            store.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return http.address();
    }

    public RuntimeService runtime() {
        return runtime;
    }

    @Override
    public void close() {
        http.close();
        metrics.close();
        runtime.close(); // child tasks still reach the store while they stop
        if (api != null) {
            api.close();
        }
        store.close();
    }

    /** Where child-process tasks reach the store ({@code hstream://127.0.0.1:PORT}); empty when tasks run in-process. */
    public Optional<String> taskServiceUrl() {
        return Optional.ofNullable(api).map(StoreBackedHStreamServer::serviceUrl);
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime server: the embedded store in the data directory (streams, catalog, task state), the
 * {@link RuntimeService} that supervises tasks, its {@link RuntimeMetrics}, and the {@link HttpApi}. Opening recovers
 * every connector that is not paused; {@link #close} stops HTTP, the metrics, the tasks and the store, in that order.
 */
public final class RuntimeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuntimeServer.class);

    private final EmbeddedStreamStore store;
    private final RuntimeService runtime;
    private final RuntimeMetrics metrics;
    private final HttpApi http;

    private RuntimeServer(EmbeddedStreamStore store, RuntimeService runtime, RuntimeMetrics metrics, HttpApi http) {
        this.store = store;
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
        RuntimeService runtime = null;
        RuntimeMetrics metrics = null;
        try {
            runtime = new RuntimeService(store, Connectors.discover(), clock, settings, images);
            runtime.recover();
            metrics = new RuntimeMetrics(runtime);
            HttpApi http = new HttpApi(runtime, metrics, address, token);
            log.info("Runtime server listening on {} with data in {}", http.address(), dataDir);
            return new RuntimeServer(store, runtime, metrics, http);
        } catch (IOException | RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (runtime != null) {
                runtime.close();
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
        runtime.close();
        store.close();
    }
}

package io.hstreamio.runtime.hstream;

import io.hstreamio.core.store.ForwardingStreamStore;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamStoreContract;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract for {@link HStreamDbStreamStore} talking over loopback gRPC to {@link StoreBackedHStreamServer}
 * over an embedded store: what a task in a child process of the runtime sees. A reopen restarts the server and the
 * embedded store too, so durability is the embedded store's, reached through the API.
 */
class StoreBackedServerContractTest extends StreamStoreContract {
    @TempDir
    Path tmp;

    /** The client, closing the server and the embedded store behind it with itself. */
    private static final class Served extends ForwardingStreamStore {
        final Path dir;
        final EmbeddedStreamStore embedded;
        final StoreBackedHStreamServer server;

        Served(Path dir, EmbeddedStreamStore embedded, StoreBackedHStreamServer server) {
            super(StreamStores.open(server.serviceUrl()));
            this.dir = dir;
            this.embedded = embedded;
            this.server = server;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                server.close();
                embedded.close();
            }
        }
    }

    private static Served serve(Path dir) throws Exception {
        EmbeddedStreamStore embedded = EmbeddedStreamStore.open(dir);
        StoreBackedHStreamServer server;
        try {
            server = StoreBackedHStreamServer.start(embedded);
        } catch (Exception e) {
            embedded.close();
            throw e;
        }
        try {
            return new Served(dir, embedded, server);
        } catch (RuntimeException e) {
            server.close();
            embedded.close();
            throw e;
        }
    }

    @Override
    protected StreamStore openFresh() throws Exception {
        return serve(Files.createTempDirectory(tmp, "store"));
    }

    @Override
    protected StreamStore reopen(StreamStore current) throws Exception {
        Path dir = ((Served) current).dir;
        current.close();
        return serve(dir);
    }
}

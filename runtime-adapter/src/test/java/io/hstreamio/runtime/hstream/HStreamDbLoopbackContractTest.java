package io.hstreamio.runtime.hstream;

import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract once more, over real sockets: plaintext gRPC on 127.0.0.1, opened from the URL alone through
 * {@link StreamStores#open}, as the command line will.
 */
class HStreamDbLoopbackContractTest extends StreamStoreContract {
    private static FakeHStreamCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = FakeHStreamCluster.start(2, FakeHStreamCluster.Transport.LOOPBACK);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected StreamStore openFresh() {
        return StreamStores.open(cluster.serviceUrl() + "?append.compression=gzip");
    }

    @Override
    protected StreamStore reopen(StreamStore current) {
        current.close();
        return StreamStores.open(cluster.serviceUrl() + "?append.compression=gzip");
    }
}

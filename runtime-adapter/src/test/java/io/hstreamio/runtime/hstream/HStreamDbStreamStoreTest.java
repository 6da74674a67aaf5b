package io.hstreamio.runtime.hstream;

import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract, unchanged, against the HStreamDB client talking to a three-node fake cluster in process.
 * "Reopen" closes the client and connects a new one to the same cluster, as a restarted process would.
 */
class HStreamDbStreamStoreTest extends StreamStoreContract {
    private static FakeHStreamCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = FakeHStreamCluster.start(3, FakeHStreamCluster.Transport.IN_PROCESS);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected StreamStore openFresh() {
        return cluster.openStore("");
    }

    @Override
    protected StreamStore reopen(StreamStore current) {
        current.close();
        return cluster.openStore("");
    }
}

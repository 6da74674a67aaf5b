package io.hstreamio.runtime.hstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.codec.SchemaRegistry;
import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's in-process tasks (through {@link RegistrySharingStore}) and its child-process tasks (our HStreamDB
 * client against the {@link StoreBackedHStreamServer}) resolve each other's table shapes, and shapes that in-process
 * tasks registered before the registry was shared are found by both.
 */
class RegistrySharingStoreTest {
    private static final TableSchema OLD = GeneratorSource.schema("registered_before");
    private static final TableSchema BY_CHILD = GeneratorSource.schema("registered_by_a_child");
    private static final TableSchema IN_PROCESS = GeneratorSource.schema("registered_in_process");

    @TempDir
    Path dir;

    private EmbeddedStreamStore embedded;
    private StoreBackedHStreamServer server;
    private StreamStore client;

    @BeforeEach
    void start() throws Exception {
        embedded = EmbeddedStreamStore.open(dir);
        server = StoreBackedHStreamServer.start(embedded);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
        embedded.close();
    }

    /** A fresh registry in a child process: nothing cached, everything read from where the client keeps it. */
    private SchemaRegistry childRegistry() {
        if (client != null) {
            client.close();
        }
        client = StreamStores.open(server.serviceUrl());
        return StreamCodecs.registry(client);
    }

    @Test
    void inProcessAndChildProcessTasksShareOneRegistry() {
        // Written by an in-process task of an earlier version: in the embedded store's own namespace only.
        StreamCodecs.registry(embedded).register(OLD);
        assertThat(childRegistry().find(OLD.fingerprint())).as("before sharing").isEmpty();

        StreamStore shared = new RegistrySharingStore(embedded);
        assertThat(childRegistry().find(OLD.fingerprint())).contains(OLD);

        childRegistry().register(BY_CHILD);
        assertThat(StreamCodecs.registry(shared).find(BY_CHILD.fingerprint())).contains(BY_CHILD);

        StreamCodecs.registry(shared).register(IN_PROCESS);
        assertThat(childRegistry().find(IN_PROCESS.fingerprint())).contains(IN_PROCESS);

        // Opening again (the next server start) loses nothing.
        StreamStore again = new RegistrySharingStore(embedded);
        for (TableSchema s : new TableSchema[] {OLD, BY_CHILD, IN_PROCESS}) {
            assertThat(StreamCodecs.registry(again).find(s.fingerprint())).contains(s);
        }
        assertThat(again.keyValueStore(StreamCodecs.SCHEMA_NAMESPACE).scan("")).hasSize(3);
    }
}

package io.hstreamio.cdc;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.SourceTaskRunner;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The child process of {@link CdcSourceKillIT}: runs a MariaDB source into stream {@code counter} of an embedded store,
 * and prints {@code durable-rows N} each time N, the number of distinct {@code seq} values readable from the stream
 * (i.e. durable), grows.
 * Args: dataDir taskId host port user password database.
 */
public final class KillableSourceMain {
    private KillableSourceMain() {}

    public static void main(String[] a) throws Exception {
        try (StreamStore store = EmbeddedStreamStore.open(Path.of(a[0]))) {
            SourceConnector connector = Connectors.discover().source("mariadb");
            var options = ToolkitOptions.forSource(connector).parse(Map.of("stream", "counter", "host", a[2],
                    "port", a[3], "user", a[4], "password", a[5], "database", a[6], "table", "counter"));
            ChangeEventCodec codec = StreamCodecs.binary(store);
            SourceTaskRunner runner = new SourceTaskRunner(a[1], connector.createTask(), options, store, codec,
                    Clock.systemUTC());
            Thread thread = new Thread(runner, "killable-source");
            thread.start();
            while (store.findStream("counter").isEmpty()) {
                if (runner.awaitTermination(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
            java.util.BitSet seen = new java.util.BitSet();
            try (ShardReader reader = store.openShardReader("counter", 0, null)) {
                while (runner.state() != TaskState.FAILED) {
                    for (ReceivedRecord r : reader.read(1000, 200)) {
                        ChangeEvent e = codec.decode(r.record().payload());
                        if (e.type() == ChangeType.READ || e.type() == ChangeType.INSERT) {
                            long seq = ((Number) e.after().get(e.schema(), "seq")).longValue();
                            if (!seen.get((int) seq)) {
                                seen.set((int) seq);
                                System.out.println("durable-rows " + seen.cardinality());
                                System.out.flush();
                            }
                        }
                    }
                }
            }
            System.out.println("failed " + runner.failure().map(Throwable::getMessage).orElse("?"));
            System.out.flush();
            System.exit(3);
        }
    }
}

package io.hstreamio.runtime.hstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store contract does not cover: the served store shared with the runtime, and HStreamDB-only behaviour. */
class StoreBackedHStreamServerTest {
    @TempDir
    Path dir;

    private EmbeddedStreamStore embedded;
    private StoreBackedHStreamServer server;
    private final List<StreamStore> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        embedded = EmbeddedStreamStore.open(dir);
        server = StoreBackedHStreamServer.start(embedded);
    }

    @AfterEach
    void stop() {
        clients.forEach(StreamStore::close);
        server.close();
        embedded.close();
    }

    private StreamStore client(String query) {
        StreamStore c = StreamStores.open(server.serviceUrl() + query);
        clients.add(c);
        return c;
    }

    private static List<StreamRecord> records(String prefix, int n) {
        List<StreamRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(StreamRecord.raw(prefix + i, (prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static List<ReceivedRecord> pollUntil(StreamSubscription sub, int n) throws InterruptedException {
        List<ReceivedRecord> got = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (got.size() < n && System.nanoTime() < deadline) {
            got.addAll(sub.poll(n - got.size(), 200));
        }
        return got;
    }

    @Test
    void aWaitingSubscriberGetsWhatOthersAppendLaterThroughTheApiOrTheStoreItself() throws Exception {
        embedded.createStream("s", 1);
        StreamStore reader = client("");
        StreamStore writer = client("");
        List<RecordId> direct;
        try (StreamSubscription sub = reader.subscribe("s", "sink-1", StartPosition.EARLIEST)) {
            assertThat(sub.poll(10, 300)).isEmpty();
            writer.append("s", records("a", 50)).get();
            direct = embedded.append("s", records("b", 50)).get();
            List<String> want = new ArrayList<>();
            records("a", 50).forEach(r -> want.add(r.partitionKey()));
            records("b", 50).forEach(r -> want.add(r.partitionKey()));
            List<ReceivedRecord> got = pollUntil(sub, 100);
            assertThat(got).extracting(r -> r.record().partitionKey()).containsExactlyElementsOf(want);
            sub.ack(got.stream().map(ReceivedRecord::id).toList());
        }
        // The API's subscription "s.sink-1" is the store's "sink-1": the runtime sees the same checkpoint
        // (once the server closed it after the client left).
        StreamSubscription same = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> embedded.subscribe("s", "sink-1", StartPosition.EARLIEST), s -> true);
        try (same) {
            assertThat(same.committed()).containsEntry(0L, direct.get(direct.size() - 1));
            assertThat(same.poll(10, 300)).isEmpty();
        }
    }

    @Test
    void aKeyAnotherProcessWroteAfterTheOpenIsFound() {
        // The schema registry: a sink opens the namespace first, the source registers a schema later.
        StreamStore sink = client("");
        StreamStore source = client("");
        assertThat(sink.keyValueStore("schemas").get("schema/1")).isEmpty();
        source.keyValueStore("schemas").put("schema/1", "t(a int)".getBytes(StandardCharsets.UTF_8));
        assertThat(sink.keyValueStore("schemas").get("schema/1")).get()
                .extracting(b -> new String(b, StandardCharsets.UTF_8)).isEqualTo("t(a int)");
        assertThat(sink.keyValueStore("schemas").scan("schema/")).containsOnlyKeys("schema/1");
    }

    @Test
    void shardIdsAreUniqueAcrossStreamsAsClientsExpect() throws Exception {
        // The store numbers each stream's shards from 0; our client keys its appenders by shard id.
        embedded.createStream("one", 1);
        embedded.createStream("two", 2);
        StreamStore c = client("");
        List<Long> ids = new ArrayList<>();
        c.findStream("one").orElseThrow().shards().forEach(s -> ids.add(s.shardId()));
        c.findStream("two").orElseThrow().shards().forEach(s -> ids.add(s.shardId()));
        assertThat(ids).doesNotHaveDuplicates();

        var a = c.append("one", records("a", 20));
        var b = c.append("two", records("b", 20));
        a.get();
        b.get();
        try (var r = embedded.openShardReader("one", 0, null)) {
            assertThat(r.read(100, 1000)).extracting(x -> x.record().partitionKey())
                    .containsExactlyElementsOf(records("a", 20).stream().map(StreamRecord::partitionKey).toList());
        }
        try (StreamSubscription sub = c.subscribe("two", "s", StartPosition.EARLIEST)) {
            List<ReceivedRecord> got = pollUntil(sub, 20);
            assertThat(got).extracting(x -> x.record().partitionKey())
                    .containsExactlyInAnyOrderElementsOf(records("b", 20).stream().map(StreamRecord::partitionKey)
                            .toList());
            assertThat(got).allSatisfy(x -> assertThat(ids.subList(1, 3)).contains(x.id().shardId()));
        }
    }
}

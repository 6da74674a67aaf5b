package io.hstreamio.runtime.hstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import io.grpc.ManagedChannel;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.runtime.hstream.proto.CompressionType;
import io.hstreamio.runtime.hstream.proto.CreateShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.HStreamApiGrpc;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecordHeader;
import io.hstreamio.runtime.hstream.proto.LookupShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.ReadShardRequest;
import io.hstreamio.runtime.hstream.proto.ServerNode;
import io.hstreamio.runtime.hstream.proto.ShardOffset;
import io.hstreamio.runtime.hstream.proto.SpecialOffset;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the contract does not cover: HStreamDB's wire forms, redirects, node failures, compression, redelivery. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HStreamDbClientTest {
    private FakeHStreamCluster cluster;
    private HStreamDbStreamStore store;

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(int nodes, Clock clock, String query) {
        cluster = FakeHStreamCluster.start(nodes, FakeHStreamCluster.Transport.IN_PROCESS, clock);
        store = cluster.openStore(query);
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---------------------------------------------------------------- wire forms

    @Test
    void jsonRecordsAreStructsOnTheWireAndReadBackByteForByte() throws Exception {
        start(3, Clock.systemUTC(), "");
        String stream = unique("json");
        StreamInfo info = store.createStream(stream, 1);
        String envelope = "{\"key\":{\"id\":42},\"value\":{\"id\":42,\"name\":\"Zoë\",\"price\":12.25,\"ok\":true,\"n\":null}}";
        String pretty = "{ \"id\": 1 }";
        List<StreamRecord> records = List.of(
                new StreamRecord("42", PayloadFormat.JSON, utf8(envelope), Map.of("op", "c")),
                new StreamRecord("43", PayloadFormat.JSON, utf8(pretty), Map.of()),
                StreamRecord.raw("44", new byte[] {0, 1, 2}));
        List<RecordId> ids = store.append(stream, records).join();

        // Read with a bare gRPC client, as HStreamDB's stock sinks would.
        List<HStreamRecord> onWire = rawRead(stream, info.shards().get(0).shardId());
        assertThat(onWire).hasSize(3);
        assertThat(onWire.get(0).getHeader().getFlag()).isEqualTo(HStreamRecordHeader.Flag.JSON);
        Struct value = Struct.parseFrom(onWire.get(0).getPayload()).getFieldsOrThrow("value").getStructValue();
        assertThat(value.getFieldsOrThrow("name").getStringValue()).isEqualTo("Zoë");
        assertThat(value.getFieldsOrThrow("price").getNumberValue()).isEqualTo(12.25);
        assertThat(onWire.get(0).getHeader().getKey()).isEqualTo("42");
        assertThat(onWire.get(0).getHeader().getAttributesMap()).containsExactly(Map.entry("op", "c"));
        // Pretty-printed JSON would not come back byte for byte from a Struct: it travels as marked RAW.
        assertThat(onWire.get(1).getHeader().getFlag()).isEqualTo(HStreamRecordHeader.Flag.RAW);
        assertThat(onWire.get(2).getHeader().getFlag()).isEqualTo(HStreamRecordHeader.Flag.RAW);

        Map<RecordId, StreamRecord> back = new HashMap<>();
        try (ShardReader r = store.openShardReader(stream, info.shards().get(0).shardId(), null)) {
            r.read(10, 5_000).forEach(x -> back.put(x.id(), x.record()));
        }
        for (int i = 0; i < ids.size(); i++) {
            assertThat(back.get(ids.get(i))).isEqualTo(records.get(i));
        }
    }

    private List<HStreamRecord> rawRead(String stream, long shardId) {
        ChannelFactory channels = cluster.channelFactory();
        String[] first = cluster.serviceUrl().substring(HStreamDbStreamStore.SCHEME.length()).split(",")[0].split(":");
        ManagedChannel any = channels.open(first[0], Integer.parseInt(first[1]));
        List<ManagedChannel> opened = new ArrayList<>(List.of(any));
        try {
            String reader = "raw-" + UUID.randomUUID();
            ServerNode owner = HStreamApiGrpc.newBlockingStub(any).lookupShardReader(
                    LookupShardReaderRequest.newBuilder().setReaderId(reader).build()).getServerNode();
            ManagedChannel ch = channels.open(owner.getHost(), owner.getPort());
            opened.add(ch);
            var stub = HStreamApiGrpc.newBlockingStub(ch);
            stub.createShardReader(CreateShardReaderRequest.newBuilder().setStreamName(stream).setShardId(shardId)
                    .setReaderId(reader).setTimeout(100)
                    .setShardOffset(ShardOffset.newBuilder().setSpecialOffset(SpecialOffset.EARLIEST)).build());
            List<HStreamRecord> out = new ArrayList<>();
            for (var rr : stub.readShard(ReadShardRequest.newBuilder().setReaderId(reader).setMaxRecords(100).build())
                    .getReceivedRecordsList()) {
                List<HStreamRecord> batch = RecordCodec.decodeBatch(rr.getRecord());
                rr.getRecordIdsList().forEach(id -> out.add(batch.get(id.getBatchIndex())));
            }
            return out;
        } finally {
            opened.forEach(ManagedChannel::shutdownNow);
        }
    }

    @Test
    void gzipAndZstdBatchesReachTheServerCompressed() throws Exception {
        for (String c : List.of("gzip", "zstd")) {
            start(2, Clock.systemUTC(), "append.compression=" + c);
            String stream = unique(c);
            store.createStream(stream, 2);
            Map<RecordId, StreamRecord> written = new LinkedHashMap<>();
            for (int a = 0; a < 5; a++) {
                List<StreamRecord> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(new StreamRecord("k" + i, PayloadFormat.JSON, utf8("{\"a\":" + a + ",\"i\":" + i + "}"),
                            Map.of()));
                }
                List<RecordId> ids = store.append(stream, batch).join();
                for (int i = 0; i < ids.size(); i++) {
                    written.put(ids.get(i), batch.get(i));
                }
            }
            CompressionType expected = c.equals("gzip") ? CompressionType.Gzip : CompressionType.Zstd;
            assertThat(cluster.appendsByCompression.get(expected).get()).isGreaterThanOrEqualTo(5);
            assertThat(cluster.appendsByCompression.get(CompressionType.None).get()).isZero();
            assertThat(readAll(stream)).isEqualTo(written);
            stop();
            store = null;
            cluster = null;
        }
    }

    // ---------------------------------------------------------------- redirects and failures

    @Test
    void appendsFollowWrongServerWhenShardsMoveMidRun() throws Exception {
        start(3, Clock.systemUTC(), "");
        String stream = unique("moved");
        store.createStream(stream, 4);
        Map<RecordId, StreamRecord> written = new LinkedHashMap<>();
        appendRounds(stream, 0, 10, written);
        int refusedBefore = cluster.wrongServerReplies.get();
        for (long shard : cluster.shardIds(stream)) {
            cluster.moveShard(shard, cluster.ownerOfShard(shard) % 3 + 1);
        }
        appendRounds(stream, 10, 20, written);

        assertThat(cluster.wrongServerReplies.get()).as("appends refused by the old owners")
                .isGreaterThanOrEqualTo(refusedBefore + 4);
        assertThat(readAll(stream)).isEqualTo(written);
    }

    @Test
    void injectedAppendFailuresAreRetriedAndNothingIsLostOrDuplicated() throws Exception {
        start(2, Clock.systemUTC(), "");
        String stream = unique("flaky");
        store.createStream(stream, 1);
        cluster.failNextAppends(3);
        int callsBefore = cluster.appendCalls.get();
        List<StreamRecord> batch = List.of(StreamRecord.raw("a", utf8("1")), StreamRecord.raw("b", utf8("2")));
        List<RecordId> ids = store.append(stream, batch).join();

        assertThat(cluster.appendCalls.get() - callsBefore).isEqualTo(4);
        assertThat(readAll(stream)).isEqualTo(Map.of(ids.get(0), batch.get(0), ids.get(1), batch.get(1)));
    }

    @Test
    void appendsFailWithTheCauseWhenRetriesAreUsedUp() {
        start(2, Clock.systemUTC(), "retry.maxRetries=2&retry.initialBackoff=1ms");
        String stream = unique("down");
        store.createStream(stream, 1);
        cluster.failNextAppends(10);
        CompletableFuture<List<RecordId>> f = store.append(stream, List.of(StreamRecord.raw("k", new byte[1])));
        assertThatThrownBy(f::join).hasCauseInstanceOf(StoreException.class)
                .hasMessageContaining(stream).hasMessageContaining("injected append failure")
                .hasMessageContaining("3 attempts");
    }

    @Test
    void appendsAndSubscriptionSurviveANodeKilledAndRestarted() throws Exception {
        start(3, Clock.systemUTC(), "");
        String stream = unique("kill");
        store.createStream(stream, 3);
        Map<RecordId, StreamRecord> written = new LinkedHashMap<>();
        appendRounds(stream, 0, 10, written);

        Set<RecordId> seen = new HashSet<>();
        try (StreamSubscription sub = store.subscribe(stream, "s", StartPosition.EARLIEST)) {
            consume(sub, seen, written.size());
            int victim = cluster.ownerOfShard(cluster.shardIds(stream).get(0));
            cluster.killNode(victim);
            appendRounds(stream, 10, 20, written); // the dead node's shards moved to the others
            consume(sub, seen, written.size());
            cluster.restartNode(victim);
            appendRounds(stream, 20, 30, written); // and back
            consume(sub, seen, written.size());
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(written.keySet());
        assertThat(readAll(stream)).isEqualTo(written);
    }

    @Test
    void subscriptionReconnectsWhenMovedAndKeepsItsCheckpoint() throws Exception {
        start(3, Clock.systemUTC(), "");
        String stream = unique("submove");
        store.createStream(stream, 2);
        Map<RecordId, StreamRecord> written = new LinkedHashMap<>();
        appendRounds(stream, 0, 5, written);
        Set<RecordId> seen = new HashSet<>();
        try (StreamSubscription sub = store.subscribe(stream, "m", StartPosition.EARLIEST)) {
            consume(sub, seen, written.size());
            Map<Long, RecordId> before = sub.committed();
            int refused = cluster.wrongServerReplies.get();
            cluster.moveSubscription(stream + ".m", 1);
            cluster.moveSubscription(stream + ".m", 2); // wherever it was, it moved at least once
            appendRounds(stream, 5, 10, written);
            consume(sub, seen, written.size());
            assertThat(cluster.wrongServerReplies.get()).isGreaterThan(refused);
            assertThat(sub.committed()).allSatisfy((shard, id) -> {
                if (before.containsKey(shard)) {
                    assertThat(id).isGreaterThanOrEqualTo(before.get(shard));
                }
            });
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(written.keySet());
    }

    @Test
    void recordsNotAcknowledgedInTimeAreRedeliveredByTheServer() throws Exception {
        MutableClock clock = new MutableClock();
        start(2, clock, "subscription.ackTimeout=5s");
        String stream = unique("late");
        store.createStream(stream, 1);
        List<RecordId> ids = store.append(stream, List.of(StreamRecord.raw("a", utf8("1")),
                StreamRecord.raw("b", utf8("2")), StreamRecord.raw("c", utf8("3")))).join();
        try (StreamSubscription sub = store.subscribe(stream, "slow", StartPosition.EARLIEST)) {
            List<ReceivedRecord> first = pollUntil(sub, 3);
            assertThat(first).extracting(ReceivedRecord::id).containsExactlyElementsOf(ids);
            sub.ack(List.of(ids.get(0)));
            assertThat(sub.poll(10, 300)).as("nothing before the ack timeout").isEmpty();

            clock.advance(Duration.ofSeconds(6));
            cluster.tick();
            List<ReceivedRecord> again = pollUntil(sub, 2);
            assertThat(again).extracting(ReceivedRecord::id).containsExactly(ids.get(1), ids.get(2));
            assertThat(again.get(1).record()).isEqualTo(first.get(2).record());
            assertThat(cluster.redelivered.get()).isEqualTo(2);
            sub.ack(List.of(ids.get(1), ids.get(2)));
            assertThat(sub.committed()).containsExactly(Map.entry(ids.get(2).shardId(), ids.get(2)));

            clock.advance(Duration.ofSeconds(6));
            cluster.tick();
            assertThat(sub.poll(10, 300)).as("acknowledged records stay acknowledged").isEmpty();
        }
    }

    @Test
    void withoutAckConfirmationAcksStillReachTheServerCheckpoint() throws Exception {
        start(2, Clock.systemUTC(), "subscription.ackConfirm=false");
        String stream = unique("noconfirm");
        store.createStream(stream, 1);
        List<RecordId> ids = store.append(stream, List.of(StreamRecord.raw("a", utf8("1")),
                StreamRecord.raw("b", utf8("2")))).join();
        try (StreamSubscription sub = store.subscribe(stream, "fast", StartPosition.EARLIEST)) {
            pollUntil(sub, 2);
            sub.ack(ids);
            assertThat(sub.committed()).containsExactly(Map.entry(ids.get(1).shardId(), ids.get(1)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (StreamSubscription probe = store.subscribe(stream, "fast", StartPosition.EARLIEST)) {
                    assertThat(probe.committed()).isEqualTo(sub.committed());
                }
            });
        }
    }

    @Test
    void discoveryUsesDescribeClusterAndSurvivesADeadSeed() {
        start(3, Clock.systemUTC(), "");
        String stream = unique("seed");
        store.createStream(stream, 1);
        store.close();
        cluster.killNode(1);
        // The URL still names node 1 first: the client moves on to the live ones.
        store = cluster.openStore("retry.initialBackoff=1ms");
        assertThat(store.findStream(stream)).isPresent();
        assertThat(store.append(stream, List.of(StreamRecord.raw("k", utf8("v")))).join()).hasSize(1);
    }

    @Test
    void anUnreachableClusterFailsInOneLineNamingTheUrl() {
        assertThatThrownBy(() -> StreamStores.open("hstream://127.0.0.1:1?retry.maxRetries=1&retry.initialBackoff=1ms"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("hstream://127.0.0.1:1")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> StreamStores.open("hstream://h:6570?append.compression=lz4"))
                .hasMessageContaining("append.compression");
    }

    @Test
    void streamStoresOpensTheEmbeddedStoreForAPath(@TempDir Path dir) {
        try (StreamStore s = StreamStores.open(dir.toString())) {
            assertThat(s).isInstanceOf(EmbeddedStreamStore.class);
        }
    }

    @Test
    void keyValueStateLivesInTheInternalStreamHiddenFromListings() {
        start(2, Clock.systemUTC(), "");
        store.keyValueStore("task-1").put("offsets", utf8("{\"pos\":1}"));
        assertThat(cluster.shardIds("hstream_io_kv")).hasSize(1);
        assertThat(store.listStreams()).extracting(StreamInfo::name).doesNotContain("hstream_io_kv");
        store.close();
        store = cluster.openStore("");
        assertThat(store.keyValueStore("task-1").get("offsets")).get()
                .extracting(b -> new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"pos\":1}");
    }

    // ---------------------------------------------------------------- helpers

    private void appendRounds(String stream, int from, int to, Map<RecordId, StreamRecord> written) {
        for (int a = from; a < to; a++) {
            List<StreamRecord> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(StreamRecord.raw("key-" + (a * 8 + i) % 23,
                        ByteBuffer.allocate(8).putInt(a).putInt(i).array()));
            }
            List<RecordId> ids = store.append(stream, batch).join();
            for (int i = 0; i < ids.size(); i++) {
                written.put(ids.get(i), batch.get(i));
            }
        }
    }

    /** Polls and acknowledges until every id up to {@code total} was seen; duplicates are allowed, losses not. */
    private static void consume(StreamSubscription sub, Set<RecordId> seen, int total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < total) {
            assertThat(System.nanoTime()).as("records after %s of %s", seen.size(), total).isLessThan(deadline);
            List<ReceivedRecord> got = sub.poll(100, 500);
            got.forEach(r -> seen.add(r.id()));
            if (!got.isEmpty()) {
                sub.ack(got.stream().map(ReceivedRecord::id).toList());
            }
        }
    }

    private static List<ReceivedRecord> pollUntil(StreamSubscription sub, int n) throws InterruptedException {
        List<ReceivedRecord> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            out.addAll(sub.poll(n - out.size(), 200));
            return out.size() >= n;
        });
        return out;
    }

    private Map<RecordId, StreamRecord> readAll(String stream) throws InterruptedException {
        Map<RecordId, StreamRecord> all = new LinkedHashMap<>();
        for (var shard : store.findStream(stream).orElseThrow().shards()) {
            try (ShardReader r = store.openShardReader(stream, shard.shardId(), null)) {
                for (List<ReceivedRecord> got = r.read(1000, 300); !got.isEmpty(); got = r.read(1000, 300)) {
                    got.forEach(x -> all.put(x.id(), x.record()));
                }
            }
        }
        return all;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A clock tests move by hand; the fake's ack deadlines follow it. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

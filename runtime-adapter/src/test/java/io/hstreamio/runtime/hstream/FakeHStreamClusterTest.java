package io.hstreamio.runtime.hstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hstreamio.core.store.ShardRouting;
import io.hstreamio.runtime.hstream.proto.AppendRequest;
import io.hstreamio.runtime.hstream.proto.BatchHStreamRecords;
import io.hstreamio.runtime.hstream.proto.BatchedRecord;
import io.hstreamio.runtime.hstream.proto.CompressionType;
import io.hstreamio.runtime.hstream.proto.HStreamApiGrpc;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecordHeader;
import io.hstreamio.runtime.hstream.proto.ListShardsRequest;
import io.hstreamio.runtime.hstream.proto.LookupShardRequest;
import io.hstreamio.runtime.hstream.proto.ServerNode;
import io.hstreamio.runtime.hstream.proto.Shard;
import io.hstreamio.runtime.hstream.proto.Stream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake refuses what a careless client would do, so the client's tests cannot pass by accident. Talks to it with
 * bare generated stubs, not with the client.
 */
class FakeHStreamClusterTest {
    private FakeHStreamCluster cluster;
    private final Map<String, ManagedChannel> channels = new HashMap<>();

    @BeforeEach
    void start() {
        cluster = FakeHStreamCluster.start(3, FakeHStreamCluster.Transport.IN_PROCESS);
    }

    @AfterEach
    void stop() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        cluster.close();
    }

    private HStreamApiGrpc.HStreamApiBlockingStub stub(String host, int port) {
        return HStreamApiGrpc.newBlockingStub(channels.computeIfAbsent(host + ":" + port,
                k -> cluster.channelFactory().open(host, port)));
    }

    private HStreamApiGrpc.HStreamApiBlockingStub anyNode() {
        String[] hp = cluster.serviceUrl().substring(HStreamDbStreamStore.SCHEME.length()).split(",")[0].split(":");
        return stub(hp[0], Integer.parseInt(hp[1]));
    }

    private HStreamApiGrpc.HStreamApiBlockingStub node(ServerNode n) {
        return stub(n.getHost(), n.getPort());
    }

    private static AppendRequest append(String stream, long shard, HStreamRecord... records) {
        BatchHStreamRecords batch = BatchHStreamRecords.newBuilder().addAllRecords(List.of(records)).build();
        return AppendRequest.newBuilder().setStreamName(stream).setShardId(shard).setRecords(BatchedRecord.newBuilder()
                .setCompressionType(CompressionType.None).setBatchSize(records.length)
                .setPayload(batch.toByteString())).build();
    }

    private static HStreamRecord record(String key, HStreamRecordHeader.Flag flag, ByteString payload) {
        return HStreamRecord.newBuilder().setHeader(HStreamRecordHeader.newBuilder().setKey(key).setFlag(flag))
                .setPayload(payload).build();
    }

    /** A key whose MD5 falls into the shard (index in the even split of {@code count}). */
    private static String keyFor(int index, int count) {
        for (int i = 0; ; i++) {
            if (ShardRouting.shardIndex("k" + i, count) == index) {
                return "k" + i;
            }
        }
    }

    @Test
    void appendsOnlySucceedOnTheOwnerWithKeysInTheShardsRangeAndStructJson() {
        anyNode().createStream(Stream.newBuilder().setStreamName("guarded").setShardCount(2).setReplicationFactor(1)
                .build());
        List<Shard> shards = new ArrayList<>(anyNode().listShards(ListShardsRequest.newBuilder()
                .setStreamName("guarded").build()).getShardsList());
        shards.sort((a, b) -> new BigInteger(a.getStartHashRangeKey()).compareTo(new BigInteger(b.getStartHashRangeKey())));
        long shard0 = shards.get(0).getShardId();
        assertThat(shards).extracting(Shard::getShardId).doesNotContain(0L, 1L);

        ServerNode owner = anyNode().lookupShard(LookupShardRequest.newBuilder().setShardId(shard0).build())
                .getServerNode();
        HStreamRecord good = record(keyFor(0, 2), HStreamRecordHeader.Flag.RAW, ByteString.copyFromUtf8("x"));

        for (String url : cluster.serviceUrl().substring(HStreamDbStreamStore.SCHEME.length()).split(",")) {
            String[] hp = url.split(":");
            if (!hp[0].equals(owner.getHost())) {
                assertThatThrownBy(() -> stub(hp[0], Integer.parseInt(hp[1])).append(append("guarded", shard0, good)))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                            assertThat(ServerErrors.code(e)).isEqualTo(ServerErrors.WRONG_SERVER);
                        });
            }
        }
        assertThat(node(owner).append(append("guarded", shard0, good)).getRecordIdsCount()).isEqualTo(1);

        HStreamRecord wrongShard = record(keyFor(1, 2), HStreamRecordHeader.Flag.RAW, ByteString.EMPTY);
        assertThatThrownBy(() -> node(owner).append(append("guarded", shard0, wrongShard)))
                .hasMessageContaining("does not hash into shard");

        HStreamRecord notStruct = record(keyFor(0, 2), HStreamRecordHeader.Flag.JSON, ByteString.copyFromUtf8("{\"a\":1}"));
        assertThatThrownBy(() -> node(owner).append(append("guarded", shard0, notStruct)))
                .hasMessageContaining("not a Struct");
        HStreamRecord struct = record(keyFor(0, 2), HStreamRecordHeader.Flag.JSON, Struct.newBuilder()
                .putFields("a", Value.newBuilder().setNumberValue(1).build()).build().toByteString());
        assertThat(node(owner).append(append("guarded", shard0, struct)).getRecordIdsCount()).isEqualTo(1);

        AppendRequest lying = append("guarded", shard0, good).toBuilder()
                .setRecords(append("guarded", shard0, good).getRecords().toBuilder().setBatchSize(2)).build();
        assertThatThrownBy(() -> node(owner).append(lying)).hasMessageContaining("batchSize");

        AppendRequest notGzip = append("guarded", shard0, good).toBuilder()
                .setRecords(append("guarded", shard0, good).getRecords().toBuilder()
                        .setCompressionType(CompressionType.Gzip)).build();
        assertThatThrownBy(() -> node(owner).append(notGzip)).hasMessageContaining("does not decode");
    }

    @Test
    void namesFollowHStreamDbsRule() {
        assertThatThrownBy(() -> anyNode().createStream(Stream.newBuilder().setStreamName("__internal")
                .setShardCount(1).setReplicationFactor(1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        anyNode().createStream(Stream.newBuilder().setStreamName("ok_name-1.x").setShardCount(1)
                .setReplicationFactor(1).build());
        assertThatThrownBy(() -> anyNode().createStream(Stream.newBuilder().setStreamName("ok_name-1.x")
                .setShardCount(1).setReplicationFactor(1).build()))
                .satisfies(e -> assertThat(ServerErrors.code((StatusRuntimeException) e))
                        .isEqualTo(ServerErrors.STREAM_EXISTS));
    }
}

package io.hstreamio.runtime.hstream;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hstreamio.runtime.hstream.proto.AppendRequest;
import io.hstreamio.runtime.hstream.proto.AppendResponse;
import io.hstreamio.runtime.hstream.proto.BatchHStreamRecords;
import io.hstreamio.runtime.hstream.proto.BatchedRecord;
import io.hstreamio.runtime.hstream.proto.CompressionType;
import io.hstreamio.runtime.hstream.proto.CreateShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.CreateShardReaderResponse;
import io.hstreamio.runtime.hstream.proto.DeleteShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.DeleteStreamRequest;
import io.hstreamio.runtime.hstream.proto.DeleteSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.DescribeClusterResponse;
import io.hstreamio.runtime.hstream.proto.GetSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.GetSubscriptionResponse;
import io.hstreamio.runtime.hstream.proto.HStreamApiGrpc;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecordHeader;
import io.hstreamio.runtime.hstream.proto.ListShardsRequest;
import io.hstreamio.runtime.hstream.proto.ListShardsResponse;
import io.hstreamio.runtime.hstream.proto.ListStreamsRequest;
import io.hstreamio.runtime.hstream.proto.ListStreamsResponse;
import io.hstreamio.runtime.hstream.proto.ListSubscriptionsRequest;
import io.hstreamio.runtime.hstream.proto.ListSubscriptionsResponse;
import io.hstreamio.runtime.hstream.proto.LookupShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.LookupShardReaderResponse;
import io.hstreamio.runtime.hstream.proto.LookupShardRequest;
import io.hstreamio.runtime.hstream.proto.LookupShardResponse;
import io.hstreamio.runtime.hstream.proto.LookupSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.LookupSubscriptionResponse;
import io.hstreamio.runtime.hstream.proto.NodeState;
import io.hstreamio.runtime.hstream.proto.ReadShardRequest;
import io.hstreamio.runtime.hstream.proto.ReadShardResponse;
import io.hstreamio.runtime.hstream.proto.ReceivedRecord;
import io.hstreamio.runtime.hstream.proto.RecordId;
import io.hstreamio.runtime.hstream.proto.ServerNode;
import io.hstreamio.runtime.hstream.proto.ServerNodeStatus;
import io.hstreamio.runtime.hstream.proto.Shard;
import io.hstreamio.runtime.hstream.proto.ShardOffset;
import io.hstreamio.runtime.hstream.proto.SpecialOffset;
import io.hstreamio.runtime.hstream.proto.Stream;
import io.hstreamio.runtime.hstream.proto.StreamingFetchRequest;
import io.hstreamio.runtime.hstream.proto.StreamingFetchResponse;
import io.hstreamio.runtime.hstream.proto.Subscription;
import io.hstreamio.runtime.hstream.proto.SubscriptionOffset;
import io.hstreamio.runtime.hstream.proto.TrimShardsRequest;
import io.hstreamio.runtime.hstream.proto.TrimShardsResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * An in-memory HStreamDB cluster that speaks {@code hstream.server.HStreamApi}: several nodes (gRPC servers,
 * in-process or on loopback ports) over one shared store, as HStreamDB's nodes share LogDevice.
 *
 * <p>It enforces what the client must get right, so the client cannot pass by accident:
 * <ul>
 *   <li>Ownership: every shard, subscription and shard reader has one owning node (a hash over the live nodes, or a
 *       node set with {@link #moveShard}/{@link #moveSubscription}). Append, StreamingFetch and the reader calls sent
 *       to another node are refused with WrongServer: gRPC {@code FAILED_PRECONDITION} whose description is
 *       HStreamDB's error body {@code {"error":800,"message":...}} (every error uses that body). Lookups name the
 *       owner.</li>
 *   <li>Appends: the batch must decompress as its compressionType says, hold batchSize records, JSON records must be
 *       serialized {@code Struct}s, and (stricter than HStreamDB) every record's key must hash (MD5) into the
 *       shard's range. Ids are (shard, batch LSN, index).</li>
 *   <li>Subscriptions: delivery per shard in order, at most maxUnackedRecords outstanding, redelivery of records not
 *       acknowledged within ackTimeoutSeconds (checked on the injected clock by {@link #tick()}, also run every
 *       20 ms), a checkpoint per shard at the end of the acknowledged prefix (reported by GetSubscription,
 *       record-exact through our batchIndex extension). When the last consumer leaves, acks above the checkpoint and
 *       the delivery state are dropped: delivery starts again after the checkpoint.</li>
 *   <li>Failures on demand: {@link #failNextAppends}, {@link #killNode}/{@link #restartNode}.</li>
 * </ul>
 * Trims are record-exact (a real HStreamDB trims whole batches). Thread-safe: one lock over all state.
 */
public final class FakeHStreamCluster implements AutoCloseable {

    public enum Transport {
        IN_PROCESS,
        LOOPBACK
    }

    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,254}");
    private static final BigInteger MAX_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final Transport transport;
    private final Clock clock;
    private final Instant started;
    private final List<FNode> nodes = new ArrayList<>();
    private final Map<String, FStream> streams = new LinkedHashMap<>();
    private final Map<Long, FShard> shards = new HashMap<>();
    private final Map<String, FSub> subscriptions = new LinkedHashMap<>();
    private final Map<String, FReader> readers = new HashMap<>();
    private final Map<String, Integer> owners = new HashMap<>();
    private final ScheduledExecutorService ticker;
    private long nextShardId = 1001;
    private long nextLsn = 50_000;
    private int appendFailures;

    // Counters for tests (read without the lock).
    final AtomicInteger wrongServerReplies = new AtomicInteger();
    final AtomicInteger appendCalls = new AtomicInteger();
    final AtomicInteger redelivered = new AtomicInteger();
    final Map<CompressionType, AtomicInteger> appendsByCompression = new EnumMap<>(CompressionType.class);

    private final class FNode {
        final int id;
        final String host;
        int port;
        Server server;
        boolean alive;

        FNode(int id, String host, int port) {
            this.id = id;
            this.host = host;
            this.port = port;
        }

        ServerNode proto() {
            return ServerNode.newBuilder().setId(id).setHost(host).setPort(port).setVersion("fake-0.1").build();
        }

        void start() throws IOException {
            NodeService service = new NodeService(this);
            if (transport == Transport.IN_PROCESS) {
                server = InProcessServerBuilder.forName(host + ":" + port).addService(service).build().start();
            } else {
                server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).addService(service)
                        .maxInboundMessageSize(64 << 20).build().start();
                port = server.getPort();
            }
            alive = true;
        }
    }

    private record StoredBatch(BatchedRecord wire, int size) {}

    private static final class FStream {
        final String name;
        final int replicationFactor;
        final Instant created;
        final List<Long> shardIds = new ArrayList<>();

        FStream(String name, int replicationFactor, Instant created) {
            this.name = name;
            this.replicationFactor = replicationFactor;
            this.created = created;
        }
    }

    private static final class FShard {
        final long id;
        final String stream;
        final BigInteger start;
        final BigInteger end;
        final TreeMap<Long, StoredBatch> batches = new TreeMap<>();
        RecordId trimPoint;

        FShard(long id, String stream, BigInteger start, BigInteger end) {
            this.id = id;
            this.stream = stream;
            this.start = start;
            this.end = end;
        }
    }

    private record Consumer(String name, ServerCallStreamObserver<StreamingFetchResponse> out, int nodeId) {}

    private static final class FSub {
        final Subscription proto;
        final Map<Long, RecordId> checkpoint = new HashMap<>();
        final Map<Long, RecordId> startAfter = new HashMap<>();
        // Session state, dropped when the last consumer leaves.
        final Map<Long, TreeSet<RecordId>> acked = new HashMap<>();
        final TreeMap<RecordId, Long> outstanding = new TreeMap<>(ID_ORDER);
        final Map<Long, RecordId> cursor = new HashMap<>();
        final List<Consumer> consumers = new ArrayList<>();

        FSub(Subscription proto) {
            this.proto = proto;
        }
    }

    private static final class FReader {
        final String stream;
        final long shardId;
        final int timeoutMillis;
        final int nodeId;
        RecordId next;

        FReader(String stream, long shardId, int timeoutMillis, int nodeId, RecordId next) {
            this.stream = stream;
            this.shardId = shardId;
            this.timeoutMillis = timeoutMillis;
            this.nodeId = nodeId;
            this.next = next;
        }
    }

    static final Comparator<RecordId> ID_ORDER = Comparator.comparingLong(RecordId::getShardId)
            .thenComparingLong(RecordId::getBatchId).thenComparingInt(RecordId::getBatchIndex);

    private FakeHStreamCluster(Transport transport, Clock clock) {
        this.transport = transport;
        this.clock = clock;
        this.started = clock.instant();
        for (CompressionType t : CompressionType.values()) {
            if (t != CompressionType.UNRECOGNIZED) {
                appendsByCompression.put(t, new AtomicInteger());
            }
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-hstreamdb-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    public static FakeHStreamCluster start(int nodeCount, Transport transport) {
        return start(nodeCount, transport, Clock.systemUTC());
    }

    public static FakeHStreamCluster start(int nodeCount, Transport transport, Clock clock) {
        FakeHStreamCluster c = new FakeHStreamCluster(transport, clock);
        String tag = Long.toHexString(System.nanoTime());
        for (int i = 1; i <= nodeCount; i++) {
            FNode n = transport == Transport.IN_PROCESS
                    ? c.new FNode(i, "hstream-" + i + "-" + tag + ".fake", 6570)
                    : c.new FNode(i, "127.0.0.1", 0);
            try {
                n.start();
            } catch (IOException e) {
                c.close();
                throw new UncheckedIOException("fake HStreamDB node " + i + " did not start", e);
            }
            c.nodes.add(n);
        }
        c.ticker.scheduleWithFixedDelay(c::tick, 20, 20, TimeUnit.MILLISECONDS);
        return c;
    }

    /** {@code hstream://host:port,...} of all nodes. */
    public synchronized String serviceUrl() {
        StringBuilder b = new StringBuilder(HStreamDbStreamStore.SCHEME);
        for (int i = 0; i < nodes.size(); i++) {
            b.append(i == 0 ? "" : ",").append(nodes.get(i).host).append(':').append(nodes.get(i).port);
        }
        return b.toString();
    }

    /** Channels for the client: in-process channels by node name, or plaintext loopback. */
    public ChannelFactory channelFactory() {
        return (host, port) -> {
            if (transport == Transport.IN_PROCESS) {
                return InProcessChannelBuilder.forName(host + ":" + port).maxInboundMessageSize(64 << 20).build();
            }
            ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(host, port)
                    .usePlaintext().maxInboundMessageSize(64 << 20).build();
            return ch;
        };
    }

    /** A client store on this cluster; {@code query} is the URL's option part (may be empty). */
    public HStreamDbStreamStore openStore(String query) {
        String url = serviceUrl() + (query == null || query.isEmpty() ? "" : "?" + query);
        return HStreamDbStreamStore.open(url, channelFactory(), null, Clock.systemUTC());
    }

    // ---------------------------------------------------------------- controls

    /** The next {@code n} Append calls fail with UNAVAILABLE and store nothing. */
    public synchronized void failNextAppends(int n) {
        appendFailures = n;
    }

    /** Stops node {@code id} (its calls end, its readers and consumers are gone); its resources move. */
    public void killNode(int id) {
        Server s;
        synchronized (this) {
            FNode n = node(id);
            n.alive = false;
            s = n.server;
            readers.values().removeIf(r -> r.nodeId == id);
            for (FSub sub : subscriptions.values()) {
                for (Consumer c : List.copyOf(sub.consumers)) {
                    if (c.nodeId == id) {
                        removeConsumer(sub, c);
                    }
                }
            }
            notifyAll();
        }
        s.shutdownNow();
        try {
            s.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void restartNode(int id) {
        synchronized (this) {
            try {
                node(id).start();
            } catch (IOException e) {
                throw new UncheckedIOException("fake HStreamDB node " + id + " did not restart", e);
            }
        }
    }

    /** From now on node {@code nodeId} owns the shard: clients that cached the old owner get WrongServer. */
    public synchronized void moveShard(long shardId, int nodeId) {
        owners.put("shard:" + shardId, nodeId);
    }

    /** Moves a subscription; consumers connected elsewhere are cut off with WrongServer, as after a rebalance. */
    public synchronized void moveSubscription(String subscriptionId, int nodeId) {
        owners.put("sub:" + subscriptionId, nodeId);
        FSub sub = subscriptions.get(subscriptionId);
        if (sub != null) {
            for (Consumer c : List.copyOf(sub.consumers)) {
                if (c.nodeId != nodeId) {
                    removeConsumer(sub, c);
                    wrongServerReplies.incrementAndGet();
                    try {
                        c.out.onError(error(Status.Code.FAILED_PRECONDITION, 800,
                                "subscription " + subscriptionId + " moved to node " + nodeId));
                    } catch (RuntimeException ignored) {
                        // the call ended already
                    }
                }
            }
        }
    }

    /** The node that owns the shard now. */
    public synchronized int ownerOfShard(long shardId) {
        return owner("shard:" + shardId).id;
    }

    public synchronized List<Long> shardIds(String stream) {
        return List.copyOf(streams.get(stream).shardIds);
    }

    /** How many records of the shard are stored (after trims). */
    public synchronized int storedRecords(long shardId) {
        FShard sh = shards.get(shardId);
        int n = 0;
        for (Map.Entry<Long, StoredBatch> e : sh.batches.entrySet()) {
            for (int i = 0; i < e.getValue().size(); i++) {
                if (!trimmed(sh, id(sh.id, e.getKey(), i))) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Resends what passed its ack deadline; run every 20 ms and by tests after moving a fake clock. */
    public synchronized void tick() {
        long now = clock.millis();
        for (FSub sub : subscriptions.values()) {
            if (sub.consumers.isEmpty()) {
                continue;
            }
            Map<Long, List<RecordId>> dueByBatch = new TreeMap<>();
            for (Map.Entry<RecordId, Long> e : sub.outstanding.entrySet()) {
                if (e.getValue() <= now) {
                    dueByBatch.computeIfAbsent(e.getKey().getBatchId(), k -> new ArrayList<>()).add(e.getKey());
                }
            }
            for (List<RecordId> ids : dueByBatch.values()) {
                FShard sh = shards.get(ids.get(0).getShardId());
                StoredBatch b = sh == null ? null : sh.batches.get(ids.get(0).getBatchId());
                if (b == null) {
                    ids.forEach(sub.outstanding::remove);
                    continue;
                }
                Consumer c = consumerFor(sub, sh.id);
                send(c, ids, b);
                long deadline = now + sub.proto.getAckTimeoutSeconds() * 1000L;
                ids.forEach(id -> sub.outstanding.put(id, deadline));
                redelivered.addAndGet(ids.size());
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        List<Server> servers;
        synchronized (this) {
            servers = nodes.stream().filter(n -> n.alive).map(n -> n.server).toList();
            nodes.forEach(n -> n.alive = false);
            notifyAll();
        }
        for (Server s : servers) {
            s.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- model

    private FNode node(int id) {
        return nodes.stream().filter(n -> n.id == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fake node " + id));
    }

    /** The live node owning a resource: a moved-to node if alive, else a hash over the live nodes. */
    private FNode owner(String resource) {
        Integer forced = owners.get(resource);
        if (forced != null && node(forced).alive) {
            return node(forced);
        }
        List<FNode> alive = nodes.stream().filter(n -> n.alive).toList();
        if (alive.isEmpty()) {
            throw error(Status.Code.UNAVAILABLE, 0, "no fake HStreamDB node is alive");
        }
        return alive.get(Math.floorMod(resource.hashCode(), alive.size()));
    }

    private void requireOwner(FNode self, String resource) {
        FNode owner = owner(resource);
        if (owner != self) {
            wrongServerReplies.incrementAndGet();
            throw error(Status.Code.FAILED_PRECONDITION, 800, resource + " is served by node " + owner.id
                    + " (" + owner.host + ":" + owner.port + "), not node " + self.id);
        }
    }

    static StatusRuntimeException error(Status.Code code, int hstreamCode, String message) {
        return ApiErrors.error(code, hstreamCode, message); // the error body the production server sends too
    }

    private static RecordId id(long shard, long batch, int index) {
        return RecordId.newBuilder().setShardId(shard).setBatchId(batch).setBatchIndex(index).build();
    }

    private static boolean trimmed(FShard sh, RecordId id) {
        return sh.trimPoint != null && ID_ORDER.compare(id, sh.trimPoint) < 0;
    }

    /** The first stored, untrimmed record at or after {@code from}, or null. */
    private static RecordId firstAtOrAfter(FShard sh, RecordId from) {
        RecordId x = from;
        if (sh.trimPoint != null && ID_ORDER.compare(x, sh.trimPoint) < 0) {
            x = sh.trimPoint;
        }
        Map.Entry<Long, StoredBatch> e = sh.batches.ceilingEntry(x.getBatchId());
        while (e != null) {
            int index = e.getKey() == x.getBatchId() ? x.getBatchIndex() : 0;
            if (index < e.getValue().size()) {
                return id(sh.id, e.getKey(), index);
            }
            e = sh.batches.higherEntry(e.getKey());
        }
        return null;
    }

    private static RecordId nextAfter(FShard sh, RecordId after) {
        return after == null ? firstAtOrAfter(sh, id(sh.id, 0, 0))
                : firstAtOrAfter(sh, id(sh.id, after.getBatchId(), after.getBatchIndex() + 1));
    }

    private static RecordId lastOf(FShard sh) {
        Map.Entry<Long, StoredBatch> e = sh.batches.lastEntry();
        return e == null ? null : id(sh.id, e.getKey(), e.getValue().size() - 1);
    }

    private static BigInteger md5(String key) {
        try {
            return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void validName(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw error(Status.Code.INVALID_ARGUMENT, 204, what + " name '" + name + "' is invalid: a letter followed by"
                    + " letters, digits, '_', '-' or '.'");
        }
    }

    private FStream stream(String name) {
        FStream s = streams.get(name);
        if (s == null) {
            throw error(Status.Code.NOT_FOUND, 200, "stream " + name + " not found");
        }
        return s;
    }

    private FShard shard(long id) {
        FShard sh = shards.get(id);
        if (sh == null) {
            throw error(Status.Code.NOT_FOUND, 210, "shard " + id + " not found");
        }
        return sh;
    }

    private FSub sub(String id) {
        FSub s = subscriptions.get(id);
        if (s == null) {
            throw error(Status.Code.NOT_FOUND, 300, "subscription " + id + " not found");
        }
        return s;
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    private Stream proto(FStream s) {
        return Stream.newBuilder().setStreamName(s.name).setReplicationFactor(s.replicationFactor)
                .setShardCount(s.shardIds.size()).setCreationTime(ts(s.created)).build();
    }

    private static List<HStreamRecord> decode(BatchedRecord b) {
        byte[] plain;
        try {
            plain = switch (b.getCompressionType()) {
                case None -> b.getPayload().toByteArray();
                case Gzip -> {
                    try (InputStream in = new GZIPInputStream(b.getPayload().newInput())) {
                        yield in.readAllBytes();
                    }
                }
                case Zstd -> {
                    byte[] c = b.getPayload().toByteArray();
                    yield Zstd.decompress(c, (int) Zstd.getFrameContentSize(c));
                }
                default -> throw error(Status.Code.INVALID_ARGUMENT, 0, "unknown compression type");
            };
            return BatchHStreamRecords.parseFrom(plain).getRecordsList();
        } catch (IOException | RuntimeException e) {
            if (e instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw error(Status.Code.INVALID_ARGUMENT, 0, "batch payload does not decode as "
                    + b.getCompressionType() + " BatchHStreamRecords: " + e);
        }
    }

    // ---------------------------------------------------------------- subscriptions

    private Consumer consumerFor(FSub sub, long shardId) {
        List<Long> ids = streams.containsKey(sub.proto.getStreamName())
                ? streams.get(sub.proto.getStreamName()).shardIds : List.of(shardId);
        int index = Math.max(0, ids.indexOf(shardId));
        return sub.consumers.get(index % sub.consumers.size());
    }

    private void send(Consumer c, List<RecordId> ids, StoredBatch b) {
        try {
            c.out.onNext(StreamingFetchResponse.newBuilder().setReceivedRecords(
                    ReceivedRecord.newBuilder().addAllRecordIds(ids).setRecord(b.wire())).build());
        } catch (RuntimeException callEnded) {
            // The consumer's call is over; its onCancel removes it.
        }
    }

    private void pump(FSub sub) {
        if (sub.consumers.isEmpty() || !streams.containsKey(sub.proto.getStreamName())) {
            return;
        }
        long deadline = clock.millis() + sub.proto.getAckTimeoutSeconds() * 1000L;
        for (long shardId : streams.get(sub.proto.getStreamName()).shardIds) {
            FShard sh = shards.get(shardId);
            Consumer c = consumerFor(sub, shardId);
            TreeSet<RecordId> acked = sub.acked.getOrDefault(shardId, new TreeSet<>(ID_ORDER));
            while (sub.outstanding.size() < sub.proto.getMaxUnackedRecords() && c.out.isReady()) {
                RecordId base = sub.cursor.getOrDefault(shardId, sub.checkpoint.getOrDefault(shardId,
                        sub.startAfter.get(shardId)));
                RecordId next = nextAfter(sh, base);
                if (next == null) {
                    break;
                }
                StoredBatch b = sh.batches.get(next.getBatchId());
                List<RecordId> ids = new ArrayList<>();
                RecordId last = next;
                for (int i = next.getBatchIndex(); i < b.size()
                        && sub.outstanding.size() + ids.size() < sub.proto.getMaxUnackedRecords(); i++) {
                    RecordId id = id(shardId, next.getBatchId(), i);
                    last = id;
                    if (!acked.contains(id)) {
                        ids.add(id);
                    }
                }
                sub.cursor.put(shardId, last);
                if (!ids.isEmpty()) {
                    send(c, ids, b);
                    ids.forEach(id -> sub.outstanding.put(id, deadline));
                }
            }
        }
    }

    private void ack(FSub sub, List<RecordId> ids) {
        for (RecordId id : ids) {
            FShard sh = shards.get(id.getShardId());
            RecordId cp = sub.checkpoint.get(id.getShardId());
            if (sh == null || (cp != null && ID_ORDER.compare(id, cp) <= 0)) {
                continue;
            }
            sub.outstanding.remove(id);
            TreeSet<RecordId> acked = sub.acked.computeIfAbsent(id.getShardId(), k -> new TreeSet<>(ID_ORDER));
            acked.add(id);
            while (true) {
                RecordId base = sub.checkpoint.getOrDefault(sh.id, sub.startAfter.get(sh.id));
                RecordId next = nextAfter(sh, base);
                if (next == null || !acked.remove(next)) {
                    break;
                }
                sub.checkpoint.put(sh.id, next);
            }
        }
    }

    private void removeConsumer(FSub sub, Consumer c) {
        if (sub.consumers.remove(c) && sub.consumers.isEmpty()) {
            sub.acked.clear();
            sub.outstanding.clear();
            sub.cursor.clear();
        } else if (!sub.consumers.isEmpty()) {
            // Records the leaver had out go to the others at once.
            sub.cursor.clear();
            sub.outstanding.clear();
            pump(sub);
        }
    }

    // ---------------------------------------------------------------- the service of one node

    private final class NodeService extends HStreamApiGrpc.HStreamApiImplBase {
        private final FNode self;

        NodeService(FNode self) {
            this.self = self;
        }

        private <T> void unary(StreamObserver<T> out, java.util.function.Supplier<T> body) {
            T result;
            try {
                synchronized (FakeHStreamCluster.this) {
                    result = body.get();
                }
            } catch (StatusRuntimeException e) {
                out.onError(e);
                return;
            }
            out.onNext(result);
            out.onCompleted();
        }

        @Override
        public void createStream(Stream req, StreamObserver<Stream> out) {
            unary(out, () -> {
                validName("stream", req.getStreamName());
                if (req.getShardCount() < 1) {
                    throw error(Status.Code.INVALID_ARGUMENT, 205, "shard count must be positive");
                }
                if (req.getReplicationFactor() < 1) {
                    throw error(Status.Code.INVALID_ARGUMENT, 203, "replication factor must be positive");
                }
                if (streams.containsKey(req.getStreamName())) {
                    throw error(Status.Code.ALREADY_EXISTS, 201, "stream " + req.getStreamName() + " exists");
                }
                FStream s = new FStream(req.getStreamName(), req.getReplicationFactor(), clock.instant());
                int n = req.getShardCount();
                BigInteger size = MAX_KEY.divide(BigInteger.valueOf(n));
                for (int i = 0; i < n; i++) {
                    BigInteger start = size.multiply(BigInteger.valueOf(i));
                    BigInteger end = i == n - 1 ? MAX_KEY : start.add(size).subtract(BigInteger.ONE);
                    FShard sh = new FShard(nextShardId, s.name, start, end);
                    nextShardId += 3; // ids are not 0..n-1, nor dense
                    shards.put(sh.id, sh);
                    s.shardIds.add(sh.id);
                }
                streams.put(s.name, s);
                return proto(s);
            });
        }

        @Override
        public void deleteStream(DeleteStreamRequest req, StreamObserver<Empty> out) {
            unary(out, () -> {
                FStream s = streams.get(req.getStreamName());
                if (s == null) {
                    if (req.getIgnoreNonExist()) {
                        return Empty.getDefaultInstance();
                    }
                    throw error(Status.Code.NOT_FOUND, 200, "stream " + req.getStreamName() + " not found");
                }
                boolean hasSubs = subscriptions.values().stream()
                        .anyMatch(x -> x.proto.getStreamName().equals(s.name));
                if (hasSubs && !req.getForce()) {
                    throw error(Status.Code.FAILED_PRECONDITION, 202, "stream " + s.name + " has subscriptions");
                }
                streams.remove(s.name);
                s.shardIds.forEach(shards::remove);
                readers.values().removeIf(r -> r.stream.equals(s.name));
                return Empty.getDefaultInstance();
            });
        }

        @Override
        public void listStreams(ListStreamsRequest req, StreamObserver<ListStreamsResponse> out) {
            unary(out, () -> ListStreamsResponse.newBuilder()
                    .addAllStreams(streams.values().stream().map(FakeHStreamCluster.this::proto).toList()).build());
        }

        @Override
        public void listShards(ListShardsRequest req, StreamObserver<ListShardsResponse> out) {
            unary(out, () -> {
                ListShardsResponse.Builder b = ListShardsResponse.newBuilder();
                for (long id : stream(req.getStreamName()).shardIds) {
                    FShard sh = shards.get(id);
                    b.addShards(Shard.newBuilder().setStreamName(sh.stream).setShardId(sh.id)
                            .setStartHashRangeKey(sh.start.toString()).setEndHashRangeKey(sh.end.toString())
                            .setEpoch(0).setIsActive(true));
                }
                return b.build();
            });
        }

        @Override
        public void lookupShard(LookupShardRequest req, StreamObserver<LookupShardResponse> out) {
            unary(out, () -> {
                shard(req.getShardId());
                return LookupShardResponse.newBuilder().setShardId(req.getShardId())
                        .setServerNode(owner("shard:" + req.getShardId()).proto()).build();
            });
        }

        @Override
        public void append(AppendRequest req, StreamObserver<AppendResponse> out) {
            appendCalls.incrementAndGet();
            unary(out, () -> {
                FShard sh = shard(req.getShardId());
                if (!sh.stream.equals(req.getStreamName())) {
                    throw error(Status.Code.NOT_FOUND, 210, "shard " + sh.id + " is not in stream "
                            + req.getStreamName());
                }
                requireOwner(self, "shard:" + sh.id);
                if (appendFailures > 0) {
                    appendFailures--;
                    throw error(Status.Code.UNAVAILABLE, 0, "injected append failure");
                }
                BatchedRecord batch = req.getRecords();
                List<HStreamRecord> records = decode(batch);
                if (records.isEmpty()) {
                    throw error(Status.Code.INVALID_ARGUMENT, 206, "empty batch");
                }
                if (records.size() != batch.getBatchSize()) {
                    throw error(Status.Code.INVALID_ARGUMENT, 0, "batchSize " + batch.getBatchSize() + " but "
                            + records.size() + " records");
                }
                for (HStreamRecord r : records) {
                    BigInteger h = md5(r.getHeader().getKey());
                    if (h.compareTo(sh.start) < 0 || h.compareTo(sh.end) > 0) {
                        throw error(Status.Code.INVALID_ARGUMENT, 0, "key '" + r.getHeader().getKey()
                                + "' does not hash into shard " + sh.id);
                    }
                    if (r.getHeader().getFlag() == HStreamRecordHeader.Flag.JSON) {
                        try {
                            Struct.parseFrom(r.getPayload());
                        } catch (InvalidProtocolBufferException e) {
                            throw error(Status.Code.INVALID_ARGUMENT, 0, "JSON record payload is not a Struct");
                        }
                    }
                }
                appendsByCompression.get(batch.getCompressionType()).incrementAndGet();
                long lsn = nextLsn++;
                sh.batches.put(lsn, new StoredBatch(batch, records.size()));
                AppendResponse.Builder resp = AppendResponse.newBuilder().setStreamName(sh.stream).setShardId(sh.id);
                for (int i = 0; i < records.size(); i++) {
                    resp.addRecordIds(id(sh.id, lsn, i));
                }
                FakeHStreamCluster.this.notifyAll();
                for (FSub sub : subscriptions.values()) {
                    if (sub.proto.getStreamName().equals(sh.stream)) {
                        pump(sub);
                    }
                }
                return resp.build();
            });
        }

        @Override
        public void trimShards(TrimShardsRequest req, StreamObserver<TrimShardsResponse> out) {
            unary(out, () -> {
                FStream s = stream(req.getStreamName());
                TrimShardsResponse.Builder b = TrimShardsResponse.newBuilder();
                for (String text : req.getRecordIdsList()) {
                    String[] p = text.split("-");
                    if (p.length != 3) {
                        throw error(Status.Code.INVALID_ARGUMENT, 0, "bad record id " + text);
                    }
                    RecordId at = id(Long.parseUnsignedLong(p[0]), Long.parseUnsignedLong(p[1]), Integer.parseInt(p[2]));
                    if (!s.shardIds.contains(at.getShardId())) {
                        throw error(Status.Code.NOT_FOUND, 210, "shard " + at.getShardId() + " not in " + s.name);
                    }
                    FShard sh = shards.get(at.getShardId());
                    if (sh.trimPoint == null || ID_ORDER.compare(at, sh.trimPoint) > 0) {
                        sh.trimPoint = at;
                    }
                    sh.batches.headMap(at.getBatchId(), false).clear();
                    b.putTrimPoints(sh.id, text);
                }
                return b.build();
            });
        }

        @Override
        public void createShardReader(CreateShardReaderRequest req, StreamObserver<CreateShardReaderResponse> out) {
            unary(out, () -> {
                validName("reader", req.getReaderId());
                requireOwner(self, "reader:" + req.getReaderId());
                FStream s = stream(req.getStreamName());
                if (!s.shardIds.contains(req.getShardId())) {
                    throw error(Status.Code.NOT_FOUND, 210, "shard " + req.getShardId() + " not in " + s.name);
                }
                FShard sh = shards.get(req.getShardId());
                ShardOffset off = req.getShardOffset();
                RecordId next;
                if (off.hasRecordOffset()) {
                    next = off.getRecordOffset();
                } else if (off.getSpecialOffset() == SpecialOffset.LATEST) {
                    RecordId last = lastOf(sh);
                    next = last == null ? id(sh.id, 0, 0) : id(sh.id, last.getBatchId() + 1, 0);
                } else {
                    next = id(sh.id, 0, 0);
                }
                readers.put(req.getReaderId(), new FReader(s.name, sh.id, req.getTimeout(), self.id, next));
                return CreateShardReaderResponse.newBuilder().setStreamName(s.name).setShardId(sh.id)
                        .setShardOffset(off).setReaderId(req.getReaderId()).setTimeout(req.getTimeout()).build();
            });
        }

        @Override
        public void lookupShardReader(LookupShardReaderRequest req, StreamObserver<LookupShardReaderResponse> out) {
            unary(out, () -> LookupShardReaderResponse.newBuilder().setReaderId(req.getReaderId())
                    .setServerNode(owner("reader:" + req.getReaderId()).proto()).build());
        }

        @Override
        public void readShard(ReadShardRequest req, StreamObserver<ReadShardResponse> out) {
            unary(out, () -> {
                requireOwner(self, "reader:" + req.getReaderId());
                FReader r = readers.get(req.getReaderId());
                if (r == null) {
                    throw error(Status.Code.NOT_FOUND, 310, "shard reader " + req.getReaderId() + " not found");
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(r.timeoutMillis);
                ReadShardResponse.Builder b = ReadShardResponse.newBuilder();
                while (true) {
                    FShard sh = shards.get(r.shardId);
                    if (sh == null || !self.alive) {
                        throw error(Status.Code.NOT_FOUND, 200, "stream " + r.stream + " is gone");
                    }
                    int left = Math.max(1, req.getMaxRecords());
                    RecordId next = firstAtOrAfter(sh, r.next);
                    while (next != null && left > 0) {
                        StoredBatch batch = sh.batches.get(next.getBatchId());
                        List<RecordId> ids = new ArrayList<>();
                        for (int i = next.getBatchIndex(); i < batch.size() && left > 0; i++, left--) {
                            ids.add(id(sh.id, next.getBatchId(), i));
                        }
                        b.addReceivedRecords(ReceivedRecord.newBuilder().addAllRecordIds(ids).setRecord(batch.wire()));
                        RecordId last = ids.get(ids.size() - 1);
                        r.next = id(sh.id, last.getBatchId(), last.getBatchIndex() + 1);
                        next = firstAtOrAfter(sh, r.next);
                    }
                    long wait = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (b.getReceivedRecordsCount() > 0 || wait <= 0) {
                        return b.build();
                    }
                    try {
                        FakeHStreamCluster.this.wait(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw error(Status.Code.CANCELLED, 0, "interrupted");
                    }
                    if (!readers.containsKey(req.getReaderId())) {
                        throw error(Status.Code.NOT_FOUND, 310, "shard reader " + req.getReaderId() + " not found");
                    }
                }
            });
        }

        @Override
        public void deleteShardReader(DeleteShardReaderRequest req, StreamObserver<Empty> out) {
            unary(out, () -> {
                readers.remove(req.getReaderId());
                return Empty.getDefaultInstance();
            });
        }

        @Override
        public void createSubscription(Subscription req, StreamObserver<Subscription> out) {
            unary(out, () -> {
                validName("subscription", req.getSubscriptionId());
                FStream s = stream(req.getStreamName());
                if (subscriptions.containsKey(req.getSubscriptionId())) {
                    throw error(Status.Code.ALREADY_EXISTS, 301, "subscription " + req.getSubscriptionId() + " exists");
                }
                if (req.getAckTimeoutSeconds() < 1 || req.getMaxUnackedRecords() < 1) {
                    throw error(Status.Code.INVALID_ARGUMENT, 0, "ackTimeoutSeconds and maxUnackedRecords must be"
                            + " positive");
                }
                FSub sub = new FSub(req.toBuilder().setCreationTime(ts(clock.instant())).build());
                if (req.getOffset() == SpecialOffset.LATEST) {
                    for (long id : s.shardIds) {
                        RecordId last = lastOf(shards.get(id));
                        if (last != null) {
                            sub.startAfter.put(id, last);
                        }
                    }
                }
                subscriptions.put(req.getSubscriptionId(), sub);
                return sub.proto;
            });
        }

        @Override
        public void getSubscription(GetSubscriptionRequest req, StreamObserver<GetSubscriptionResponse> out) {
            unary(out, () -> {
                FSub sub = sub(req.getId());
                GetSubscriptionResponse.Builder b = GetSubscriptionResponse.newBuilder().setSubscription(sub.proto);
                sub.checkpoint.forEach((shard, id) -> b.addOffsets(SubscriptionOffset.newBuilder().setShardId(shard)
                        .setBatchId(id.getBatchId()).setBatchIndex(id.getBatchIndex())));
                return b.build();
            });
        }

        @Override
        public void listSubscriptions(ListSubscriptionsRequest req, StreamObserver<ListSubscriptionsResponse> out) {
            unary(out, () -> ListSubscriptionsResponse.newBuilder()
                    .addAllSubscription(subscriptions.values().stream().map(s -> s.proto).toList()).build());
        }

        @Override
        public void deleteSubscription(DeleteSubscriptionRequest req, StreamObserver<Empty> out) {
            unary(out, () -> {
                FSub sub = sub(req.getSubscriptionId());
                if (!sub.consumers.isEmpty() && !req.getForce()) {
                    throw error(Status.Code.FAILED_PRECONDITION, 0, "subscription has consumers");
                }
                subscriptions.remove(req.getSubscriptionId());
                for (Consumer c : sub.consumers) {
                    try {
                        c.out.onError(error(Status.Code.NOT_FOUND, 300, "subscription deleted"));
                    } catch (RuntimeException ignored) {
                        // ended already
                    }
                }
                return Empty.getDefaultInstance();
            });
        }

        @Override
        public void lookupSubscription(LookupSubscriptionRequest req, StreamObserver<LookupSubscriptionResponse> out) {
            unary(out, () -> {
                sub(req.getSubscriptionId());
                return LookupSubscriptionResponse.newBuilder().setSubscriptionId(req.getSubscriptionId())
                        .setServerNode(owner("sub:" + req.getSubscriptionId()).proto()).build();
            });
        }

        @Override
        public StreamObserver<StreamingFetchRequest> streamingFetch(StreamObserver<StreamingFetchResponse> out) {
            ServerCallStreamObserver<StreamingFetchResponse> call = (ServerCallStreamObserver<StreamingFetchResponse>) out;
            return new StreamObserver<>() {
                private FSub sub;
                private Consumer me;

                {
                    call.setOnReadyHandler(() -> {
                        synchronized (FakeHStreamCluster.this) {
                            if (sub != null) {
                                pump(sub);
                            }
                        }
                    });
                    call.setOnCancelHandler(this::leave);
                }

                @Override
                public void onNext(StreamingFetchRequest req) {
                    synchronized (FakeHStreamCluster.this) {
                        try {
                            if (me == null) {
                                FSub s = sub(req.getSubscriptionId());
                                requireOwner(self, "sub:" + req.getSubscriptionId());
                                sub = s;
                                me = new Consumer(req.getConsumerName(), call, self.id);
                                sub.consumers.add(me);
                            } else if (!sub.consumers.contains(me)) {
                                return; // cut off (moved or node killed); the client reconnects
                            }
                            if (req.getAckIdsCount() > 0) {
                                ack(sub, req.getAckIdsList());
                            }
                            pump(sub);
                        } catch (StatusRuntimeException e) {
                            leave();
                            call.onError(e);
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    leave();
                }

                @Override
                public void onCompleted() {
                    leave();
                    try {
                        call.onCompleted();
                    } catch (RuntimeException ignored) {
                        // cancelled already
                    }
                }

                private void leave() {
                    synchronized (FakeHStreamCluster.this) {
                        if (sub != null && me != null) {
                            removeConsumer(sub, me);
                        }
                    }
                }
            };
        }

        @Override
        public void describeCluster(Empty req, StreamObserver<DescribeClusterResponse> out) {
            unary(out, () -> {
                DescribeClusterResponse.Builder b = DescribeClusterResponse.newBuilder().setProtocolVersion("0.1.0")
                        .setClusterUpTime(clock.millis() - started.toEpochMilli());
                for (FNode n : nodes) {
                    b.addServerNodes(n.proto());
                    b.addServerNodesStatus(ServerNodeStatus.newBuilder().setNode(n.proto())
                            .setState(n.alive ? NodeState.Running : NodeState.Dead));
                }
                return b.build();
            });
        }
    }
}

package io.hstreamio.runtime.hstream;

import static io.hstreamio.runtime.hstream.ApiErrors.error;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.ShardRouting;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.runtime.hstream.proto.AppendRequest;
import io.hstreamio.runtime.hstream.proto.AppendResponse;
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
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves any {@link StreamStore} (the runtime's embedded store) over the part of HStreamDB's gRPC API
 * ({@code hstream.server.HStreamApi}) that our client ({@link HStreamDbStreamStore}) and HStream IO tasks use, so
 * that tasks in child processes reach the streams the runtime holds. One node: every lookup names this server.
 *
 * <ul>
 *   <li>Streams map one to one onto the store's streams (shard ids are the store's: 0..n-1 per stream).</li>
 *   <li>Append: the batch must decode as its compressionType says and hold batchSize records whose keys hash into
 *       the shard; the records are appended to the store and the call answers once the store's append future
 *       completed, so an acknowledged append is durable. The ids are the store's.</li>
 *   <li>Shard readers: the store's {@link ShardReader}s, held here by reader id.</li>
 *   <li>Subscriptions: settings kept in the store's key/value namespace {@value #META_NAMESPACE}; delivery,
 *       ack timeouts and checkpoints by {@link ServedSubscription} over the store's subscription. HStreamDB
 *       subscription {@code <stream>.<name>} (what our client creates for subscription {@code name}) is the store's
 *       subscription {@code name}, so tasks run in this process and through this server share their checkpoints.
 *       DeleteSubscription forgets the settings, but the store keeps the checkpoint until its stream is deleted (the
 *       StreamStore SPI deletes subscriptions only with their stream): a subscription created again with that id
 *       resumes there.</li>
 * </ul>
 * Errors are HStreamDB's: the gRPC codes and {@code {"error":<code>,"message":...}} bodies that
 * {@code FakeHStreamCluster} and our client use. Trims are record-exact. Thread-safe.
 */
public final class StoreBackedHStreamServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreBackedHStreamServer.class);
    static final String META_NAMESPACE = "hstream-api";
    /**
     * Where our client keeps key/value namespaces other than the task's own (which the runtime keeps), e.g. the
     * schema registry: an internal stream, which the runtime hides from its stream listings.
     */
    public static final String CLIENT_KV_STREAM = "hstream_io_kv";
    private static final String SUB_PREFIX = "subscription/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,254}");
    private static final String BASE_PREFIX = "shard-base/";
    private static final String NEXT_BASE = "shard-base-next";
    /** Served shard ids of one stream are base .. base + shards - 1; bases are this far apart at least. */
    private static final long SHARD_STRIDE = 1024;

    private final StreamStore store;
    private final KeyValueStore meta;
    private final Clock clock;
    private final Instant started;
    private final ExecutorService executor;
    private final Server server;
    private final ServerNode self;
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();
    private final Map<String, Long> bases = new ConcurrentHashMap<>();
    /** Guards subscription settings, {@link #sessions} and {@link #retired}. */
    private final Object subLock = new Object();
    private final Map<String, ServedSubscription> sessions = new HashMap<>();
    /** Sessions that no longer take consumers but may still be closing their store subscription. */
    private final Map<String, ServedSubscription> retired = new HashMap<>();

    private static final class Reader {
        final String stream;
        final ShardMap shards;
        final ShardReader reader;
        final int timeoutMillis;

        Reader(String stream, ShardMap shards, ShardReader reader, int timeoutMillis) {
            this.stream = stream;
            this.shards = shards;
            this.reader = reader;
            this.timeoutMillis = timeoutMillis;
        }
    }

    private StoreBackedHStreamServer(StreamStore store, InetSocketAddress address, Clock clock) throws IOException {
        this.store = store;
        this.meta = store.keyValueStore(META_NAMESPACE);
        this.clock = clock;
        this.started = clock.instant();
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hstream-io-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = NettyServerBuilder.forAddress(address).executor(executor).addService(new Service())
                .maxInboundMessageSize(64 << 20).build().start();
        this.self = ServerNode.newBuilder().setId(1).setHost(address.getAddress().getHostAddress())
                .setPort(server.getPort()).setVersion("hstream-io-embedded").build();
    }

    /** Serves {@code store} on 127.0.0.1, on a free port. */
    public static StoreBackedHStreamServer start(StreamStore store) throws IOException {
        return start(store, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
    }

    public static StoreBackedHStreamServer start(StreamStore store, InetSocketAddress address, Clock clock)
            throws IOException {
        StoreBackedHStreamServer s = new StoreBackedHStreamServer(store, address, clock);
        LOG.info("HStreamDB API for the store listening on {}", s.serviceUrl());
        return s;
    }

    /** {@code hstream://host:port}, what clients and tasks are given. */
    public String serviceUrl() {
        return HStreamDbStreamStore.SCHEME + self.getHost() + ":" + self.getPort();
    }

    public int port() {
        return self.getPort();
    }

    /** Stops serving (ending every call and subscription); does not close the store. */
    @Override
    public void close() {
        server.shutdownNow();
        List<ServedSubscription> live;
        synchronized (subLock) {
            live = new ArrayList<>(sessions.values());
            live.addAll(retired.values());
        }
        StatusRuntimeException stopping = error(Status.Code.UNAVAILABLE, 0, "the server is stopping");
        live.forEach(s -> s.end(stopping));
        for (ServedSubscription s : live) {
            try {
                s.thread().join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        readers.values().forEach(r -> r.reader.close());
        readers.clear();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- helpers

    private static void validName(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw error(Status.Code.INVALID_ARGUMENT, 204, what + " name '" + name + "' is invalid: a letter followed by"
                    + " letters, digits, '_', '-' or '.'");
        }
    }

    private StreamInfo stream(String name) {
        return store.findStream(name).orElseThrow(() -> error(Status.Code.NOT_FOUND, 200, "stream " + name
                + " not found"));
    }

    private static ShardInfo shard(StreamInfo s, long storeShard) {
        for (ShardInfo sh : s.shards()) {
            if (sh.shardId() == storeShard) {
                return sh;
            }
        }
        throw error(Status.Code.NOT_FOUND, 210, "shard " + storeShard + " not in stream " + s.name());
    }

    /**
     * The stream's served shard ids ({@link ShardMap}): a base allocated once per stream (name and creation time, so a
     * stream created again gets new ids, as in HStreamDB) and kept in the store, so ids in clients' hands stay valid
     * across restarts.
     */
    private ShardMap shardMap(StreamInfo s) {
        String key = BASE_PREFIX + s.name() + "/" + s.creationTime();
        Long base = bases.get(key);
        if (base == null) {
            synchronized (bases) {
                base = meta.get(key).map(StoreBackedHStreamServer::parseLong).orElse(null);
                if (base == null) {
                    base = meta.get(NEXT_BASE).map(StoreBackedHStreamServer::parseLong).orElse(SHARD_STRIDE);
                    meta.put(NEXT_BASE, Long.toString(base + Math.max(SHARD_STRIDE, s.shardCount()))
                            .getBytes(StandardCharsets.UTF_8));
                    meta.put(key, Long.toString(base).getBytes(StandardCharsets.UTF_8));
                }
                bases.put(key, base);
            }
        }
        return new ShardMap(base, s);
    }

    private static long parseLong(byte[] b) {
        return Long.parseLong(new String(b, StandardCharsets.UTF_8));
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    private static Stream proto(StreamInfo s) {
        // shardCount only: no shard id travels in Stream.
        return Stream.newBuilder().setStreamName(s.name()).setReplicationFactor(1).setShardCount(s.shardCount())
                .setCreationTime(ts(s.creationTime())).build();
    }

    private static RecordId recordId(io.hstreamio.runtime.hstream.proto.RecordId id) {
        return RecordCodec.toRecordId(id);
    }

    /** A store failure as HStreamDB would report a server-side problem: retriable, the store's message kept. */
    private static StatusRuntimeException storeError(RuntimeException e) {
        if (e instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (e instanceof IllegalArgumentException) {
            return error(Status.Code.INVALID_ARGUMENT, 0, String.valueOf(e.getMessage()));
        }
        return error(Status.Code.UNAVAILABLE, 0, String.valueOf(e.getMessage()));
    }

    private static <T> void unary(StreamObserver<T> out, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            out.onError(storeError(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    // ---------------------------------------------------------------- subscriptions' settings

    private Optional<Subscription> subscription(String id) {
        return meta.get(SUB_PREFIX + id).map(bytes -> {
            try {
                return Subscription.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new StoreException("the settings of subscription " + id + " in key/value namespace "
                        + META_NAMESPACE + " are damaged; delete the subscription and create it again", e);
            }
        });
    }

    private Subscription requireSubscription(String id) {
        return subscription(id).orElseThrow(() -> error(Status.Code.NOT_FOUND, 300, "subscription " + id
                + " not found"));
    }

    private List<Subscription> subscriptions() {
        List<Subscription> out = new ArrayList<>();
        for (String key : meta.scan(SUB_PREFIX).keySet()) {
            subscription(key.substring(SUB_PREFIX.length())).ifPresent(out::add);
        }
        return out;
    }

    /** The store's subscription behind an HStreamDB one: {@code <stream>.<name>} is {@code name}. */
    static String storeName(Subscription s) {
        String prefix = s.getStreamName() + ".";
        String id = s.getSubscriptionId();
        return id.startsWith(prefix) && id.length() > prefix.length() ? id.substring(prefix.length()) : id;
    }

    /** Opens the store's subscription once the previous session of this id closed it. Holds subLock. */
    private StreamSubscription openInStore(Subscription s) {
        ServedSubscription old = retired.remove(s.getSubscriptionId());
        if (old != null) {
            try {
                old.thread().join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw error(Status.Code.UNAVAILABLE, 0, "interrupted");
            }
        }
        return store.subscribe(s.getStreamName(), storeName(s), s.getOffset() == SpecialOffset.LATEST
                ? StartPosition.LATEST : StartPosition.EARLIEST);
    }

    private final ServedSubscription.Owner owner = new ServedSubscription.Owner() {
        @Override
        public boolean retireIfIdle(ServedSubscription s) {
            synchronized (subLock) {
                if (s.hasPendingEvents()) {
                    return false; // a consumer joined in between
                }
                retire(s);
                return true;
            }
        }

        @Override
        public void retire(ServedSubscription s) {
            synchronized (subLock) {
                sessions.remove(s.id(), s);
                retired.put(s.id(), s);
            }
        }
    };

    // ---------------------------------------------------------------- the service

    private final class Service extends HStreamApiGrpc.HStreamApiImplBase {

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
                if (store.findStream(req.getStreamName()).isPresent()) {
                    throw error(Status.Code.ALREADY_EXISTS, 201, "stream " + req.getStreamName() + " exists");
                }
                return proto(store.createStream(req.getStreamName(), req.getShardCount()))
                        .toBuilder().setReplicationFactor(req.getReplicationFactor()).build();
            });
        }

        @Override
        public void deleteStream(DeleteStreamRequest req, StreamObserver<Empty> out) {
            unary(out, () -> {
                if (store.findStream(req.getStreamName()).isEmpty()) {
                    if (req.getIgnoreNonExist()) {
                        return Empty.getDefaultInstance();
                    }
                    throw error(Status.Code.NOT_FOUND, 200, "stream " + req.getStreamName() + " not found");
                }
                synchronized (subLock) {
                    List<Subscription> subs = subscriptions().stream()
                            .filter(s -> s.getStreamName().equals(req.getStreamName())).toList();
                    if (!subs.isEmpty() && !req.getForce()) {
                        throw error(Status.Code.FAILED_PRECONDITION, 202, "stream " + req.getStreamName()
                                + " has subscriptions");
                    }
                    for (Subscription s : subs) {
                        forget(s.getSubscriptionId());
                    }
                }
                readers.entrySet().removeIf(e -> {
                    if (e.getValue().stream.equals(req.getStreamName())) {
                        e.getValue().reader.close();
                        return true;
                    }
                    return false;
                });
                store.deleteStream(req.getStreamName());
                return Empty.getDefaultInstance();
            });
        }

        @Override
        public void listStreams(ListStreamsRequest req, StreamObserver<ListStreamsResponse> out) {
            unary(out, () -> ListStreamsResponse.newBuilder()
                    .addAllStreams(store.listStreams().stream().map(StoreBackedHStreamServer::proto).toList()).build());
        }

        @Override
        public void listShards(ListShardsRequest req, StreamObserver<ListShardsResponse> out) {
            unary(out, () -> {
                ListShardsResponse.Builder b = ListShardsResponse.newBuilder();
                StreamInfo s = stream(req.getStreamName());
                ShardMap map = shardMap(s);
                for (ShardInfo sh : s.shards()) {
                    b.addShards(Shard.newBuilder().setStreamName(s.name()).setShardId(map.served(sh.shardId()))
                            .setStartHashRangeKey(sh.startHashKey().toString())
                            .setEndHashRangeKey(sh.endHashKey().toString()).setEpoch(0).setIsActive(true));
                }
                return b.build();
            });
        }

        @Override
        public void lookupShard(LookupShardRequest req, StreamObserver<LookupShardResponse> out) {
            // Shard ids are per stream here, so any id may be asked about: this one node serves them all.
            unary(out, () -> LookupShardResponse.newBuilder().setShardId(req.getShardId()).setServerNode(self).build());
        }

        @Override
        public void append(AppendRequest req, StreamObserver<AppendResponse> out) {
            List<StreamRecord> records;
            ShardMap map;
            try {
                StreamInfo s = stream(req.getStreamName());
                map = shardMap(s);
                ShardInfo sh = shard(s, map.store(req.getShardId(), s.name()));
                records = decode(req, sh);
            } catch (RuntimeException e) {
                out.onError(storeError(e));
                return;
            }
            store.append(req.getStreamName(), records).whenComplete((ids, err) -> {
                if (err != null) {
                    Throwable cause = err.getCause() != null && !(err instanceof StoreException) ? err.getCause() : err;
                    out.onError(cause instanceof RuntimeException re ? storeError(re)
                            : error(Status.Code.UNAVAILABLE, 0, String.valueOf(cause)));
                    return;
                }
                AppendResponse.Builder b = AppendResponse.newBuilder().setStreamName(req.getStreamName())
                        .setShardId(req.getShardId());
                ids.forEach(id -> b.addRecordIds(RecordCodec.toWire(map.served(id))));
                out.onNext(b.build());
                out.onCompleted();
            });
        }

        private List<StreamRecord> decode(AppendRequest req, ShardInfo sh) {
            List<HStreamRecord> wire;
            try {
                wire = RecordCodec.decodeBatch(req.getRecords());
            } catch (StoreException e) {
                throw error(Status.Code.INVALID_ARGUMENT, 0, e.getMessage());
            }
            if (wire.isEmpty()) {
                throw error(Status.Code.INVALID_ARGUMENT, 206, "empty batch");
            }
            List<StreamRecord> records = new ArrayList<>(wire.size());
            for (HStreamRecord r : wire) {
                String key = r.getHeader().getKey();
                BigInteger h = ShardRouting.hashKey(key);
                if (h.compareTo(sh.startHashKey()) < 0 || h.compareTo(sh.endHashKey()) > 0) {
                    // The store routes by key: a record of another shard would land there, not here.
                    throw error(Status.Code.INVALID_ARGUMENT, 0, "key '" + key + "' does not hash into shard "
                            + req.getShardId() + " of stream " + req.getStreamName());
                }
                if (r.getHeader().getFlag() == HStreamRecordHeader.Flag.JSON) {
                    try {
                        Struct.parseFrom(r.getPayload());
                    } catch (InvalidProtocolBufferException e) {
                        throw error(Status.Code.INVALID_ARGUMENT, 0, "JSON record payload is not a Struct");
                    }
                }
                records.add(RecordCodec.fromWire(r));
            }
            return records;
        }

        @Override
        public void trimShards(TrimShardsRequest req, StreamObserver<TrimShardsResponse> out) {
            unary(out, () -> {
                StreamInfo s = stream(req.getStreamName());
                ShardMap map = shardMap(s);
                TrimShardsResponse.Builder b = TrimShardsResponse.newBuilder();
                for (String text : req.getRecordIdsList()) {
                    RecordId at;
                    try {
                        at = RecordId.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw error(Status.Code.INVALID_ARGUMENT, 0, "bad record id " + text);
                    }
                    RecordId storeAt = map.store(at, s.name());
                    store.trim(s.name(), storeAt.shardId(), storeAt);
                    b.putTrimPoints(at.shardId(), text);
                }
                return b.build();
            });
        }

        // ------------------------------------------------------------ shard readers

        @Override
        public void createShardReader(CreateShardReaderRequest req, StreamObserver<CreateShardReaderResponse> out) {
            unary(out, () -> {
                validName("reader", req.getReaderId());
                StreamInfo s = stream(req.getStreamName());
                ShardMap map = shardMap(s);
                long shard = map.store(req.getShardId(), s.name());
                ShardOffset off = req.getShardOffset();
                RecordId startAfter;
                if (off.hasRecordOffset()) {
                    RecordId from = recordId(off.getRecordOffset());
                    // Inclusive offset; the store reads after an id, and index -1 sorts before the batch's first.
                    startAfter = new RecordId(shard, from.batchId(), from.batchIndex() - 1);
                } else if (off.getSpecialOffset() == SpecialOffset.LATEST) {
                    startAfter = lastOf(s.name(), shard);
                } else {
                    startAfter = null;
                }
                Reader r = new Reader(s.name(), map, store.openShardReader(s.name(), shard, startAfter),
                        req.getTimeout());
                Reader old = readers.put(req.getReaderId(), r);
                if (old != null) {
                    old.reader.close();
                }
                return CreateShardReaderResponse.newBuilder().setStreamName(s.name()).setShardId(req.getShardId())
                        .setShardOffset(off).setReaderId(req.getReaderId()).setTimeout(req.getTimeout()).build();
            });
        }

        /** The shard's last record: the SPI has no such call, so the shard is read to its end (LATEST is rare). */
        private RecordId lastOf(String stream, long shardId) {
            RecordId last = null;
            try (ShardReader r = store.openShardReader(stream, shardId, null)) {
                while (true) {
                    List<ReceivedRecord> got = r.read(10_000, 0);
                    if (got.isEmpty()) {
                        return last;
                    }
                    last = got.get(got.size() - 1).id();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw error(Status.Code.CANCELLED, 0, "interrupted");
            }
        }

        @Override
        public void lookupShardReader(LookupShardReaderRequest req, StreamObserver<LookupShardReaderResponse> out) {
            unary(out, () -> LookupShardReaderResponse.newBuilder().setReaderId(req.getReaderId())
                    .setServerNode(self).build());
        }

        @Override
        public void readShard(ReadShardRequest req, StreamObserver<ReadShardResponse> out) {
            unary(out, () -> {
                Reader r = readers.get(req.getReaderId());
                if (r == null) {
                    throw error(Status.Code.NOT_FOUND, 310, "shard reader " + req.getReaderId() + " not found");
                }
                List<ReceivedRecord> got;
                synchronized (r) { // one reader is read by one call at a time
                    try {
                        got = r.reader.read(Math.max(1, req.getMaxRecords()), r.timeoutMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw error(Status.Code.CANCELLED, 0, "interrupted");
                    } catch (StoreException e) {
                        throw error(Status.Code.NOT_FOUND, 200, e.getMessage());
                    }
                }
                ReadShardResponse.Builder b = ReadShardResponse.newBuilder();
                Instant now = clock.instant();
                int from = 0;
                for (int i = 1; i <= got.size(); i++) {
                    if (i == got.size() || got.get(i).id().batchId() != got.get(from).id().batchId()) {
                        b.addReceivedRecords(ServedSubscription.batchOf(got.subList(from, i), r.shards, now));
                        from = i;
                    }
                }
                return b.build();
            });
        }

        @Override
        public void deleteShardReader(DeleteShardReaderRequest req, StreamObserver<Empty> out) {
            unary(out, () -> {
                Reader r = readers.remove(req.getReaderId());
                if (r != null) {
                    synchronized (r) {
                        r.reader.close();
                    }
                }
                return Empty.getDefaultInstance();
            });
        }

        // ------------------------------------------------------------ subscriptions

        @Override
        public void createSubscription(Subscription req, StreamObserver<Subscription> out) {
            unary(out, () -> {
                validName("subscription", req.getSubscriptionId());
                stream(req.getStreamName());
                if (req.getAckTimeoutSeconds() < 1 || req.getMaxUnackedRecords() < 1) {
                    throw error(Status.Code.INVALID_ARGUMENT, 0, "ackTimeoutSeconds and maxUnackedRecords must be"
                            + " positive");
                }
                synchronized (subLock) {
                    if (subscription(req.getSubscriptionId()).isPresent()) {
                        throw error(Status.Code.ALREADY_EXISTS, 301, "subscription " + req.getSubscriptionId()
                                + " exists");
                    }
                    for (Subscription other : subscriptions()) {
                        if (other.getStreamName().equals(req.getStreamName()) && storeName(other).equals(storeName(req))) {
                            throw error(Status.Code.ALREADY_EXISTS, 301, "subscription " + other.getSubscriptionId()
                                    + " reads stream " + req.getStreamName() + " as " + storeName(req)
                                    + " already; pick another subscription id");
                        }
                    }
                    Subscription created = req.toBuilder().setCreationTime(ts(clock.instant())).build();
                    // Opened once now so that LATEST means the end of the stream at creation, as in HStreamDB.
                    openInStore(created).close();
                    meta.put(SUB_PREFIX + created.getSubscriptionId(), created.toByteArray());
                    return created;
                }
            });
        }

        @Override
        public void getSubscription(GetSubscriptionRequest req, StreamObserver<GetSubscriptionResponse> out) {
            unary(out, () -> {
                Map<Long, RecordId> checkpoint;
                Subscription sub;
                ShardMap map;
                synchronized (subLock) {
                    sub = requireSubscription(req.getId());
                    ServedSubscription live = sessions.get(req.getId());
                    if (live != null) {
                        checkpoint = live.checkpoint();
                        map = live.shards();
                    } else {
                        map = shardMap(stream(sub.getStreamName()));
                        try (StreamSubscription s = openInStore(sub)) {
                            checkpoint = s.committed();
                        }
                    }
                }
                GetSubscriptionResponse.Builder b = GetSubscriptionResponse.newBuilder().setSubscription(sub);
                checkpoint.forEach((shard, id) -> b.addOffsets(SubscriptionOffset.newBuilder()
                        .setShardId(map.served(shard))
                        .setBatchId(id.batchId()).setBatchIndex(id.batchIndex())));
                return b.build();
            });
        }

        @Override
        public void listSubscriptions(ListSubscriptionsRequest req, StreamObserver<ListSubscriptionsResponse> out) {
            unary(out, () -> ListSubscriptionsResponse.newBuilder().addAllSubscription(subscriptions()).build());
        }

        @Override
        public void deleteSubscription(DeleteSubscriptionRequest req, StreamObserver<Empty> out) {
            unary(out, () -> {
                synchronized (subLock) {
                    requireSubscription(req.getSubscriptionId());
                    if (sessions.containsKey(req.getSubscriptionId()) && !req.getForce()) {
                        throw error(Status.Code.FAILED_PRECONDITION, 0, "subscription has consumers");
                    }
                    forget(req.getSubscriptionId());
                }
                return Empty.getDefaultInstance();
            });
        }

        @Override
        public void lookupSubscription(LookupSubscriptionRequest req, StreamObserver<LookupSubscriptionResponse> out) {
            unary(out, () -> {
                requireSubscription(req.getSubscriptionId());
                return LookupSubscriptionResponse.newBuilder().setSubscriptionId(req.getSubscriptionId())
                        .setServerNode(self).build();
            });
        }

        @Override
        public StreamObserver<StreamingFetchRequest> streamingFetch(StreamObserver<StreamingFetchResponse> out) {
            ServerCallStreamObserver<StreamingFetchResponse> call = (ServerCallStreamObserver<StreamingFetchResponse>) out;
            return new StreamObserver<>() {
                private ServedSubscription session;
                private ServedSubscription.Consumer me;
                private boolean left;

                {
                    call.setOnCancelHandler(this::leave);
                }

                @Override
                public synchronized void onNext(StreamingFetchRequest req) {
                    if (left) {
                        return;
                    }
                    if (session == null) {
                        try {
                            me = new ServedSubscription.Consumer(req.getConsumerName(), call);
                            session = join(req.getSubscriptionId(), me);
                        } catch (RuntimeException e) {
                            left = true;
                            call.onError(storeError(e));
                            return;
                        }
                    }
                    if (req.getAckIdsCount() > 0) {
                        List<RecordId> ids = new ArrayList<>(req.getAckIdsCount());
                        req.getAckIdsList().forEach(id -> ids.add(recordId(id)));
                        session.ack(ids);
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

                private synchronized void leave() {
                    if (!left) {
                        left = true;
                        if (session != null) {
                            session.leave(me);
                        }
                    }
                }
            };
        }

        @Override
        public void describeCluster(Empty req, StreamObserver<DescribeClusterResponse> out) {
            unary(out, () -> DescribeClusterResponse.newBuilder().setProtocolVersion("0.1.0")
                    .setClusterUpTime(clock.millis() - started.toEpochMilli()).addServerNodes(self)
                    .addServerNodesStatus(ServerNodeStatus.newBuilder().setNode(self).setState(NodeState.Running))
                    .build());
        }
    }

    /** The consumer joins the subscription's session, which starts (opening the store subscription) if none runs. */
    private ServedSubscription join(String id, ServedSubscription.Consumer c) {
        synchronized (subLock) {
            Subscription sub = requireSubscription(id);
            ServedSubscription live = sessions.get(id);
            if (live == null) {
                live = new ServedSubscription(sub, shardMap(stream(sub.getStreamName())), openInStore(sub), clock,
                        owner);
                sessions.put(id, live);
                live.join(c);
                live.start();
            } else {
                live.join(c);
            }
            return live;
        }
    }

    /** Drops a subscription's settings and ends its consumers' calls. Holds subLock. */
    private void forget(String id) {
        ServedSubscription live = sessions.remove(id);
        if (live != null) {
            retired.put(id, live);
            live.end(error(Status.Code.NOT_FOUND, 300, "subscription " + id + " deleted"));
        }
        meta.delete(SUB_PREFIX + id);
    }
}

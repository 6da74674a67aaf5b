package io.hstreamio.runtime.hstream;

import com.google.protobuf.Timestamp;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.hstreamio.core.store.KeyValueStore;
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
import io.hstreamio.core.task.Retry;
import io.hstreamio.runtime.hstream.proto.DeleteStreamRequest;
import io.hstreamio.runtime.hstream.proto.DeleteSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.GetSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.ListShardsRequest;
import io.hstreamio.runtime.hstream.proto.ListStreamsRequest;
import io.hstreamio.runtime.hstream.proto.ListSubscriptionsRequest;
import io.hstreamio.runtime.hstream.proto.Shard;
import io.hstreamio.runtime.hstream.proto.SpecialOffset;
import io.hstreamio.runtime.hstream.proto.Stream;
import io.hstreamio.runtime.hstream.proto.Subscription;
import io.hstreamio.runtime.hstream.proto.TrimShardsRequest;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StreamStore} on HStreamDB, spoken over its gRPC API ({@code hstream.server.HStreamApi}, our own .proto).
 * Opened from {@code hstream://host:port[,host:port...][?option=value&...]} (options: {@link HStreamDbOptions}).
 *
 * <ul>
 *   <li>Streams: CreateStream, ListStreams, DeleteStream (after DeleteSubscription of the stream's subscriptions),
 *       ListShards. A stream's shards and hash ranges are cached per stream.</li>
 *   <li>Appends: each record goes to the shard whose hash range holds MD5(partition key) ({@link ShardRouting}), in
 *       a BatchedRecord (optionally gzip/zstd) sent to the node LookupShard names; see {@link Appender} for batching,
 *       order and flow control. The future completes when HStreamDB acknowledged every record.</li>
 *   <li>Reads: CreateShardReader/ReadShard ({@link HStreamDbShardReader}); subscriptions with StreamingFetch
 *       ({@link HStreamDbSubscription}); TrimShards.</li>
 *   <li>Cluster: DescribeCluster at open; WrongServer (800) and unavailable nodes are retried after a new lookup
 *       ({@link Nodes}).</li>
 *   <li>Key/value state: {@link StreamKeyValueStore}, in the internal stream {@code kv.stream}, hidden from
 *       {@link #listStreams()}.</li>
 * </ul>
 *
 * <p>A subscription named {@code s} on stream {@code t} is HStreamDB subscription {@code t.s} (HStreamDB's
 * subscription ids are global). Thread-safe.
 */
public final class HStreamDbStreamStore implements StreamStore {
    public static final String SCHEME = "hstream://";
    public static final int DEFAULT_PORT = 6570;
    private static final Logger LOG = LoggerFactory.getLogger(HStreamDbStreamStore.class);

    private final String url;
    private final HStreamDbOptions options;
    private final Clock clock;
    private final ExecutorService grpcExecutor;
    private final Nodes nodes;
    private final Retry retry;
    private final Appender appender;
    private final String kvStream;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, KeyValueStore> kvStores = new ConcurrentHashMap<>();

    /** A stream's shards as appends route to them. */
    private record Route(StreamInfo info, List<ShardInfo> byStart, ShardRouting even) {
        long shardOf(String key) {
            if (even != null) {
                return byStart.get(even.shardOf(key)).shardId();
            }
            BigInteger hash = ShardRouting.hashKey(key);
            for (ShardInfo s : byStart) {
                if (s.startHashKey().compareTo(hash) <= 0 && s.endHashKey().compareTo(hash) >= 0) {
                    return s.shardId();
                }
            }
            throw new StoreException("no shard of stream '" + info.name() + "' holds the hash of key '" + key
                    + "'; its shards do not cover the key space");
        }
    }

    private HStreamDbStreamStore(String url, List<Nodes.Address> seeds, HStreamDbOptions options,
                                 ChannelFactory channels, ExecutorService grpcExecutor, Clock clock) {
        this.url = url;
        this.options = options;
        this.clock = clock;
        this.grpcExecutor = grpcExecutor;
        this.retry = new Retry(options.get(HStreamDbOptions.MAX_RETRIES), options.get(HStreamDbOptions.INITIAL_BACKOFF),
                options.get(HStreamDbOptions.MAX_BACKOFF), Retry.Sleeper.SYSTEM);
        this.nodes = new Nodes(seeds, channels, options.get(HStreamDbOptions.RPC_TIMEOUT), retry);
        this.appender = new Appender(nodes, options, clock, routes::remove);
        this.kvStream = options.get(HStreamDbOptions.KV_STREAM);
    }

    /** Opens the store at {@code hstream://host:port[,...][?options]} over plaintext gRPC. */
    public static HStreamDbStreamStore open(String url) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hstream-io-hstreamdb-grpc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ChannelFactory netty = (host, port) -> NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .executor(executor).maxInboundMessageSize(64 << 20).build();
        try {
            return open(url, netty, executor, Clock.systemUTC());
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /**
     * Opens the store with the given channels (tests: in-process). {@code ownedExecutor}, if not null, is shut down
     * on close.
     */
    public static HStreamDbStreamStore open(String url, ChannelFactory channels, ExecutorService ownedExecutor,
                                            Clock clock) {
        if (!url.startsWith(SCHEME)) {
            throw new StoreException("HStreamDB URL must start with " + SCHEME + ", got '" + url + "'");
        }
        String rest = url.substring(SCHEME.length());
        int q = rest.indexOf('?');
        String hosts = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : parseQuery(rest.substring(q + 1), url);
        List<Nodes.Address> seeds = new ArrayList<>();
        for (String hp : hosts.split(",")) {
            if (hp.isBlank()) {
                continue;
            }
            int colon = hp.lastIndexOf(':');
            try {
                seeds.add(colon < 0 ? new Nodes.Address(hp.strip(), DEFAULT_PORT)
                        : new Nodes.Address(hp.substring(0, colon).strip(), Integer.parseInt(hp.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new StoreException("HStreamDB URL '" + url + "' has a bad port in '" + hp
                        + "'; write hstream://host:port[,host:port...]");
            }
        }
        if (seeds.isEmpty()) {
            throw new StoreException("HStreamDB URL '" + url + "' names no node; write hstream://host:port");
        }
        HStreamDbStreamStore store = new HStreamDbStreamStore(url, seeds, HStreamDbOptions.parse(query), channels,
                ownedExecutor, clock);
        try {
            store.nodes.discover();
        } catch (RuntimeException e) {
            store.close();
            throw new StoreException("cannot reach HStreamDB at " + url + ": " + e.getMessage(), e);
        }
        LOG.debug("HStreamDB store at {}: nodes {}", seeds, store.nodes.known());
        return store;
    }

    private static Map<String, String> parseQuery(String query, String url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new StoreException("HStreamDB URL '" + url + "' has option '" + pair + "' without a value;"
                        + " write name=value");
            }
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    // ---------------------------------------------------------------- streams

    @Override
    public StreamInfo createStream(String name, int shardCount) {
        if (shardCount < 1) {
            throw new StoreException("stream '" + name + "' needs at least 1 shard, got " + shardCount);
        }
        Stream request = Stream.newBuilder().setStreamName(name).setShardCount(shardCount)
                .setReplicationFactor(options.get(HStreamDbOptions.REPLICATION_FACTOR))
                .setBacklogDuration((int) options.get(HStreamDbOptions.BACKLOG).toSeconds()).build();
        try {
            Stream created = nodes.anyNode("CreateStream " + name, s -> s.createStream(request));
            return toInfo(created, listShards(name));
        } catch (StatusRuntimeException e) {
            if (ServerErrors.code(e) != ServerErrors.STREAM_EXISTS) {
                throw new StoreException("creating stream '" + name + "' on HStreamDB failed: " + ServerErrors.message(e),
                        e);
            }
        }
        StreamInfo existing = findStream(name).orElseThrow(() -> new StoreException("stream '" + name
                + "' exists and vanished while being looked at; create it again"));
        if (existing.shardCount() != shardCount) {
            throw new StoreException("stream '" + name + "' already exists with " + existing.shardCount()
                    + " shards, not " + shardCount + "; use " + existing.shardCount() + " or delete the stream first");
        }
        return existing;
    }

    @Override
    public Optional<StreamInfo> findStream(String name) {
        for (Stream s : listStreamsOnServer()) {
            if (s.getStreamName().equals(name)) {
                try {
                    return Optional.of(toInfo(s, listShards(name)));
                } catch (StatusRuntimeException e) {
                    if (ServerErrors.code(e) == ServerErrors.STREAM_NOT_FOUND) {
                        return Optional.empty(); // deleted in between
                    }
                    throw new StoreException("ListShards of stream '" + name + "' failed: " + ServerErrors.message(e), e);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<StreamInfo> listStreams() {
        List<StreamInfo> out = new ArrayList<>();
        for (Stream s : listStreamsOnServer()) {
            if (!s.getStreamName().equals(kvStream)) {
                try {
                    out.add(toInfo(s, listShards(s.getStreamName())));
                } catch (StatusRuntimeException e) {
                    if (ServerErrors.code(e) != ServerErrors.STREAM_NOT_FOUND) {
                        throw new StoreException("ListShards of stream '" + s.getStreamName() + "' failed: "
                                + ServerErrors.message(e), e);
                    }
                }
            }
        }
        return out;
    }

    private List<Stream> listStreamsOnServer() {
        return nodes.anyNode("ListStreams", s -> s.listStreams(ListStreamsRequest.getDefaultInstance()))
                .getStreamsList();
    }

    private List<Shard> listShards(String stream) {
        return nodes.anyNode("ListShards " + stream,
                s -> s.listShards(ListShardsRequest.newBuilder().setStreamName(stream).build())).getShardsList();
    }

    private static StreamInfo toInfo(Stream s, List<Shard> shards) {
        List<ShardInfo> infos = new ArrayList<>();
        for (Shard sh : shards) {
            infos.add(new ShardInfo(sh.getShardId(), new BigInteger(sh.getStartHashRangeKey()),
                    new BigInteger(sh.getEndHashRangeKey())));
        }
        infos.sort(Comparator.comparing(ShardInfo::startHashKey));
        Timestamp t = s.getCreationTime();
        return new StreamInfo(s.getStreamName(), infos, Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
    }

    @Override
    public boolean deleteStream(String name) {
        routes.remove(name);
        List<Subscription> subs = nodes.anyNode("ListSubscriptions",
                s -> s.listSubscriptions(ListSubscriptionsRequest.getDefaultInstance())).getSubscriptionList();
        for (Subscription sub : subs) {
            if (sub.getStreamName().equals(name)) {
                try {
                    nodes.anyNode("DeleteSubscription " + sub.getSubscriptionId(), s -> s.deleteSubscription(
                            DeleteSubscriptionRequest.newBuilder().setSubscriptionId(sub.getSubscriptionId())
                                    .setForce(true).build()));
                } catch (StatusRuntimeException e) {
                    if (ServerErrors.code(e) != ServerErrors.SUBSCRIPTION_NOT_FOUND) {
                        throw new StoreException("deleting subscription '" + sub.getSubscriptionId() + "' of stream '"
                                + name + "' failed: " + ServerErrors.message(e), e);
                    }
                }
            }
        }
        try {
            nodes.anyNode("DeleteStream " + name, s -> s.deleteStream(DeleteStreamRequest.newBuilder()
                    .setStreamName(name).setIgnoreNonExist(false).setForce(true).build()));
            return true;
        } catch (StatusRuntimeException e) {
            if (ServerErrors.code(e) == ServerErrors.STREAM_NOT_FOUND) {
                return false;
            }
            throw new StoreException("deleting stream '" + name + "' failed: " + ServerErrors.message(e), e);
        }
    }

    private Route route(String stream) {
        Route r = routes.get(stream);
        if (r != null) {
            return r;
        }
        StreamInfo info = findStream(stream).orElseThrow(() -> new StoreException("stream '" + stream
                + "' does not exist on HStreamDB (" + url + "); create it first"));
        List<ShardInfo> even = ShardRouting.splitKeySpace(info.shardCount());
        boolean isEven = true;
        for (int i = 0; i < even.size(); i++) {
            ShardInfo a = even.get(i);
            ShardInfo b = info.shards().get(i);
            isEven &= a.startHashKey().equals(b.startHashKey()) && a.endHashKey().equals(b.endHashKey());
        }
        r = new Route(info, info.shards(), isEven ? ShardRouting.forShardCount(info.shardCount()) : null);
        routes.put(stream, r);
        return r;
    }

    // ---------------------------------------------------------------- append

    @Override
    public CompletableFuture<List<RecordId>> append(String stream, List<StreamRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Map<Long, List<Integer>> byShard = new LinkedHashMap<>();
        List<HStreamRecord> wire = new ArrayList<>(records.size());
        try {
            Route route = route(stream);
            for (int i = 0; i < records.size(); i++) {
                StreamRecord r = records.get(i);
                byShard.computeIfAbsent(route.shardOf(r.partitionKey()), k -> new ArrayList<>()).add(i);
                wire.add(RecordCodec.toWire(r));
            }
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        RecordId[] ids = new RecordId[records.size()];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        int[] appended = {0};
        for (Map.Entry<Long, List<Integer>> e : byShard.entrySet()) {
            List<Integer> indexes = e.getValue();
            List<HStreamRecord> shardRecords = new ArrayList<>(indexes.size());
            List<Integer> sizes = new ArrayList<>(indexes.size());
            for (int i : indexes) {
                shardRecords.add(wire.get(i));
                sizes.add(RecordCodec.approximateSize(records.get(i)));
            }
            for (Appender.Queued part : appender.enqueue(stream, e.getKey(), shardRecords, sizes)) {
                parts.add(part.done().handle((got, err) -> {
                    synchronized (ids) {
                        if (err != null) {
                            failures.add(err instanceof CompletionException ? err.getCause() : err);
                        } else {
                            for (int k = 0; k < got.size(); k++) {
                                ids[indexes.get(part.from() + k)] = got.get(k);
                            }
                            appended[0] += got.size();
                        }
                    }
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            synchronized (ids) {
                if (failures.isEmpty()) {
                    return Arrays.asList(ids);
                }
                Throwable first = failures.get(0);
                if (appended[0] == 0) {
                    throw first instanceof StoreException se ? se : new StoreException(first.getMessage(), first);
                }
                throw new StoreException(appended[0] + " of " + records.size() + " records were appended to stream '"
                        + stream + "', the rest failed (" + first.getMessage() + "); appending them again may duplicate"
                        + " the appended ones", first);
            }
        });
    }

    // ---------------------------------------------------------------- reads

    @Override
    public ShardReader openShardReader(String stream, long shardId, RecordId startAfter) {
        return new HStreamDbShardReader(nodes, stream, shardId, startAfter, options.get(HStreamDbOptions.READ_WAIT));
    }

    @Override
    public StreamSubscription subscribe(String stream, String subscriptionName, StartPosition start) {
        String id = stream + "." + subscriptionName;
        Subscription request = Subscription.newBuilder().setSubscriptionId(id).setStreamName(stream)
                .setAckTimeoutSeconds((int) Math.max(1, options.get(HStreamDbOptions.ACK_TIMEOUT).toSeconds()))
                .setMaxUnackedRecords(options.get(HStreamDbOptions.MAX_UNACKED))
                .setOffset(start == StartPosition.LATEST ? SpecialOffset.LATEST : SpecialOffset.EARLIEST).build();
        try {
            nodes.anyNode("CreateSubscription " + id, s -> s.createSubscription(request));
        } catch (StatusRuntimeException e) {
            int code = ServerErrors.code(e);
            if (code == ServerErrors.STREAM_NOT_FOUND) {
                throw new StoreException("cannot subscribe to stream '" + stream + "': it does not exist on HStreamDB ("
                        + url + "); create it first", e);
            }
            if (code != ServerErrors.SUBSCRIPTION_EXISTS) {
                throw new StoreException("creating subscription '" + id + "' on stream '" + stream + "' failed: "
                        + ServerErrors.message(e), e);
            }
            Subscription existing = nodes.anyNode("GetSubscription " + id, s -> s.getSubscription(
                    GetSubscriptionRequest.newBuilder().setId(id).build())).getSubscription();
            if (!existing.getStreamName().equals(stream)) {
                throw new StoreException("HStreamDB subscription '" + id + "' belongs to stream '"
                        + existing.getStreamName() + "', not '" + stream + "'; pick another subscription name");
            }
        }
        return new HStreamDbSubscription(nodes, retry, stream, subscriptionName, id,
                options.get(HStreamDbOptions.PREFETCH), options.get(HStreamDbOptions.ACK_CONFIRM)
                        ? options.get(HStreamDbOptions.ACK_CONFIRM_TIMEOUT) : null);
    }

    @Override
    public void trim(String stream, long shardId, RecordId before) {
        try {
            nodes.anyNode("TrimShards " + stream, s -> s.trimShards(TrimShardsRequest.newBuilder()
                    .setStreamName(stream).addRecordIds(before.toString()).build()));
        } catch (StatusRuntimeException e) {
            throw new StoreException("trimming stream '" + stream + "' shard " + shardId + " before " + before
                    + " failed: " + ServerErrors.message(e), e);
        }
    }

    @Override
    public KeyValueStore keyValueStore(String namespace) {
        return kvStores.computeIfAbsent(namespace, ns -> new StreamKeyValueStore(this, kvStream, ns));
    }

    @Override
    public void close() {
        appender.close(options.get(HStreamDbOptions.CLOSE_TIMEOUT));
        nodes.close();
        if (grpcExecutor != null) {
            grpcExecutor.shutdown();
            try {
                if (!grpcExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    grpcExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                grpcExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "HStreamDbStreamStore[" + url + "]";
    }
}

package io.hstreamio.runtime.hstream;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.core.task.Retry;
import io.hstreamio.runtime.hstream.proto.GetSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.LookupSubscriptionRequest;
import io.hstreamio.runtime.hstream.proto.StreamingFetchRequest;
import io.hstreamio.runtime.hstream.proto.StreamingFetchResponse;
import io.hstreamio.runtime.hstream.proto.SubscriptionOffset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of an HStreamDB subscription: a bidirectional StreamingFetch call to the node LookupSubscription
 * names. The server pushes batches (at most {@code subscription.prefetch} buffered here, by gRPC flow control) and
 * resends records not acknowledged within the subscription's ack timeout; acks travel on the same call.
 *
 * <p>Checkpoint: the server keeps it. {@link #ack} sends the acks and returns once GetSubscription reports the
 * checkpoint at (or past) the longest acknowledged prefix this consumer computed, so it is durable on return. When
 * the call breaks (WrongServer, node gone), the consumer looks the subscription up again, reconnects with backoff
 * ({@code retry.*}), resends the acks the server may have lost, and goes on; records the server then resends are
 * delivered again unless already acknowledged.
 *
 * <p>Owned by one thread (poll, ack, close); the gRPC callback thread only fills the inbox.
 */
final class HStreamDbSubscription implements StreamSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(HStreamDbSubscription.class);
    private static final Object END = new Object();

    private final Nodes nodes;
    private final Retry retry;
    private final String stream;
    private final String name;
    private final String subscriptionId;
    private final String consumerName = "hstream-io-" + UUID.randomUUID();
    private final int prefetch;
    /** Null: acks are not confirmed (subscription.ackConfirm=false). */
    private final Duration ackConfirmTimeout;

    private Connection connection;
    private int failures;
    private final ArrayDeque<ReceivedRecord> leftover = new ArrayDeque<>();
    /** Per shard, records delivered after the checkpoint, in shard order; true once acknowledged. */
    private final Map<Long, TreeMap<RecordId, Boolean>> delivered = new HashMap<>();
    /** Per shard, the end of the acknowledged prefix (confirmed by the server when ack() returned). */
    private final Map<Long, RecordId> committed = new HashMap<>();
    /** Acknowledged ids the server has not confirmed in its checkpoint yet; resent after a reconnect. */
    private final Set<RecordId> unconfirmed = new HashSet<>();

    HStreamDbSubscription(Nodes nodes, Retry retry, String stream, String name, String subscriptionId, int prefetch,
                          Duration ackConfirmTimeout) {
        this.nodes = nodes;
        this.retry = retry;
        this.stream = stream;
        this.name = name;
        this.subscriptionId = subscriptionId;
        this.prefetch = prefetch;
        this.ackConfirmTimeout = ackConfirmTimeout;
        committed.putAll(serverCheckpoint());
        connect();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String stream() {
        return stream;
    }

    private Map<Long, RecordId> serverCheckpoint() {
        List<SubscriptionOffset> offsets = nodes.anyNode("GetSubscription " + subscriptionId, s -> s.getSubscription(
                GetSubscriptionRequest.newBuilder().setId(subscriptionId).build())).getOffsetsList();
        Map<Long, RecordId> out = new HashMap<>();
        for (SubscriptionOffset o : offsets) {
            out.put(o.getShardId(), new RecordId(o.getShardId(), o.getBatchId(), o.getBatchIndex()));
        }
        return out;
    }

    private void connect() {
        Nodes.Address owner = Nodes.Address.of(nodes.anyNode("LookupSubscription " + subscriptionId,
                s -> s.lookupSubscription(LookupSubscriptionRequest.newBuilder().setSubscriptionId(subscriptionId)
                        .build()).getServerNode()));
        Connection c = new Connection(owner);
        nodes.async(owner).streamingFetch(c);
        c.send(StreamingFetchRequest.newBuilder().setSubscriptionId(subscriptionId).setConsumerName(consumerName)
                .build());
        connection = c;
        List<RecordId> resend = new ArrayList<>(unconfirmed);
        delivered.values().forEach(t -> t.forEach((id, acked) -> {
            if (acked) {
                resend.add(id);
            }
        }));
        if (!resend.isEmpty()) {
            c.send(acks(resend));
        }
    }

    /** The call broke: back off, then look the subscription up again and reconnect. */
    private void reconnect(Object cause) throws InterruptedException {
        connection.close();
        failures++;
        String why = cause instanceof StatusRuntimeException e ? ServerErrors.message(e)
                : cause instanceof Throwable t ? String.valueOf(t) : "the server ended the call";
        if (cause instanceof StatusRuntimeException e && !ServerErrors.needsNewLookup(e)) {
            throw new StoreException("subscription '" + name + "' of stream '" + stream + "' failed: " + why, e);
        }
        if (failures > retry.maxRetries()) {
            throw new StoreException("subscription '" + name + "' of stream '" + stream + "' lost its StreamingFetch call "
                    + failures + " times in a row (retry.maxRetries=" + retry.maxRetries() + "), last: " + why
                    + "; check that the HStreamDB nodes " + nodes.known() + " are up");
        }
        LOG.info("Subscription '{}' of stream '{}': StreamingFetch to {} broke ({}), reconnecting (attempt {})", name,
                stream, connection.node, why, failures);
        Thread.sleep(retry.backoff(failures).toMillis());
        try {
            connect();
        } catch (StoreException e) {
            throw new StoreException("subscription '" + name + "' of stream '" + stream + "' cannot reconnect: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<ReceivedRecord> poll(int maxRecords, long timeoutMillis) throws InterruptedException {
        List<ReceivedRecord> out = new ArrayList<>();
        while (!leftover.isEmpty() && out.size() < maxRecords) {
            out.add(leftover.poll());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (out.size() < maxRecords) {
            long wait = out.isEmpty() ? deadline - System.nanoTime() : 0;
            Object m = wait > 0 ? connection.inbox.poll(wait, TimeUnit.NANOSECONDS) : connection.inbox.poll();
            if (m == null) {
                break;
            }
            if (m instanceof io.hstreamio.runtime.hstream.proto.ReceivedRecord r) {
                connection.requests.request(1);
                failures = 0;
                for (ReceivedRecord rec : RecordCodec.received(r)) {
                    if (accept(rec)) {
                        if (out.size() < maxRecords) {
                            out.add(rec);
                        } else {
                            leftover.add(rec);
                        }
                    }
                }
            } else {
                reconnect(m);
            }
        }
        return out;
    }

    /** False for a record at or before the checkpoint or already acknowledged (a resend that crossed our ack). */
    private boolean accept(ReceivedRecord rec) {
        RecordId id = rec.id();
        RecordId done = committed.get(id.shardId());
        if (done != null && id.compareTo(done) <= 0) {
            return false;
        }
        TreeMap<RecordId, Boolean> shard = delivered.computeIfAbsent(id.shardId(), k -> new TreeMap<>());
        Boolean acked = shard.get(id);
        if (Boolean.TRUE.equals(acked)) {
            return false;
        }
        shard.put(id, false);
        return true;
    }

    @Override
    public void ack(Collection<RecordId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Map<Long, RecordId> expected = new HashMap<>();
        for (RecordId id : ids) {
            TreeMap<RecordId, Boolean> shard = delivered.get(id.shardId());
            if (shard != null && shard.containsKey(id)) {
                shard.put(id, true);
            }
        }
        connection.send(acks(ids));
        for (Long shardId : new HashSet<>(ids.stream().map(RecordId::shardId).toList())) {
            TreeMap<RecordId, Boolean> shard = delivered.get(shardId);
            RecordId end = null;
            while (shard != null && !shard.isEmpty() && shard.firstEntry().getValue()) {
                end = shard.pollFirstEntry().getKey();
                if (ackConfirmTimeout != null) {
                    unconfirmed.add(end); // without confirmation, acks lost with a broken call mean redelivery
                }
            }
            if (end != null) {
                committed.put(shardId, end);
                expected.put(shardId, end);
            }
        }
        if (!expected.isEmpty() && ackConfirmTimeout != null) {
            confirm(expected);
        }
    }

    /** Waits until the server's checkpoint reaches {@code expected} in every shard named. */
    private void confirm(Map<Long, RecordId> expected) {
        long deadline = System.nanoTime() + ackConfirmTimeout.toNanos();
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            Map<Long, RecordId> server = serverCheckpoint();
            boolean reached = expected.entrySet().stream().allMatch(e -> {
                RecordId s = server.get(e.getKey());
                return s != null && s.compareTo(e.getValue()) >= 0;
            });
            if (reached) {
                unconfirmed.removeIf(id -> {
                    RecordId s = server.get(id.shardId());
                    return s != null && id.compareTo(s) <= 0;
                });
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException("subscription '" + name + "' of stream '" + stream + "': HStreamDB did not move"
                        + " its checkpoint to " + expected.values() + " within " + ackConfirmTimeout
                        + " (subscription.ackConfirmTimeout); it reports " + server.values()
                        + "; the acks stay pending and are resent after a reconnect");
            }
            Object broken = connection.inbox.stream().filter(m -> !(m instanceof
                    io.hstreamio.runtime.hstream.proto.ReceivedRecord)).findFirst().orElse(null);
            if (broken != null) {
                // The acks may have been lost with the call: reconnect now, which resends them.
                List<Object> keep = new ArrayList<>(connection.inbox);
                try {
                    reconnect(broken);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("ack on subscription '" + name + "' interrupted", e);
                }
                keep.stream().filter(m -> m instanceof io.hstreamio.runtime.hstream.proto.ReceivedRecord)
                        .forEach(connection.inbox::add);
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private StreamingFetchRequest acks(Collection<RecordId> ids) {
        StreamingFetchRequest.Builder b = StreamingFetchRequest.newBuilder().setSubscriptionId(subscriptionId)
                .setConsumerName(consumerName);
        ids.forEach(id -> b.addAckIds(RecordCodec.toWire(id)));
        return b.build();
    }

    @Override
    public Map<Long, RecordId> committed() {
        return Map.copyOf(committed);
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }

    /** One StreamingFetch call; the gRPC thread puts batches, errors and END into {@link #inbox}. */
    private final class Connection implements ClientResponseObserver<StreamingFetchRequest, StreamingFetchResponse> {
        final Nodes.Address node;
        final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        volatile ClientCallStreamObserver<StreamingFetchRequest> requests;
        private boolean closed;

        Connection(Nodes.Address node) {
            this.node = node;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<StreamingFetchRequest> requestStream) {
            this.requests = requestStream;
            requestStream.disableAutoRequestWithInitial(prefetch);
        }

        @Override
        public void onNext(StreamingFetchResponse value) {
            inbox.add(value.getReceivedRecords());
        }

        @Override
        public void onError(Throwable t) {
            inbox.add(t);
        }

        @Override
        public void onCompleted() {
            inbox.add(END);
        }

        synchronized void send(StreamingFetchRequest r) {
            if (!closed) {
                try {
                    requests.onNext(r);
                } catch (RuntimeException e) {
                    inbox.add(e); // the call is over; poll reconnects
                }
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    requests.onCompleted();
                    requests.cancel("consumer closed", null); // a server that keeps the call open must not leak it
                } catch (RuntimeException ignored) {
                    // already ended
                }
            }
        }
    }
}

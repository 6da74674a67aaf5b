package io.hstreamio.runtime.hstream;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StreamSubscription;
import io.hstreamio.runtime.hstream.proto.BatchHStreamRecords;
import io.hstreamio.runtime.hstream.proto.BatchedRecord;
import io.hstreamio.runtime.hstream.proto.CompressionType;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.StreamingFetchResponse;
import io.hstreamio.runtime.hstream.proto.Subscription;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HStreamDB subscription while it has consumers ({@link StoreBackedHStreamServer}): it owns the store's
 * {@link StreamSubscription} (which keeps the durable checkpoint) on its own thread, {@code hstream-io-api-sub-<id>}.
 * Everything else talks to that thread through {@link #events}: consumers joining and leaving, acks, the end.
 *
 * <p>HStreamDB semantics on top of the store's single-reader subscription: at most {@code maxUnackedRecords}
 * outstanding; records not acknowledged within {@code ackTimeoutSeconds} are sent again; each shard goes to one
 * consumer (shard id modulo the consumers); acks for records not delivered in this session (a client resending them
 * after a reconnect) are remembered, and those records are acknowledged instead of sent when they come. When the last
 * consumer leaves, the store subscription is closed: what was not acknowledged is delivered again next time.
 */
final class ServedSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(ServedSubscription.class);
    private static final long IDLE_WAIT_MS = 10;
    private static final int MAX_POLL = 500;

    record Consumer(String name, ServerCallStreamObserver<StreamingFetchResponse> out) {}

    private record Join(Consumer c) {}

    private record Leave(Consumer c) {}

    private record Acks(List<RecordId> ids) {}

    private record End(StatusRuntimeException why) {}

    private static final class Outstanding {
        final ReceivedRecord record;
        long deadline;

        Outstanding(ReceivedRecord record, long deadline) {
            this.record = record;
            this.deadline = deadline;
        }
    }

    private final Subscription meta;
    private final ShardMap shards;
    private final StreamSubscription sub;
    private final Clock clock;
    private final Owner owner;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Map<Long, RecordId> checkpoint;

    // Owned by the thread.
    private final List<Consumer> consumers = new ArrayList<>();
    private final TreeMap<RecordId, Outstanding> outstanding = new TreeMap<>();
    private final Set<RecordId> ackedAhead = new HashSet<>();

    /** The server's side; called on the session's thread. */
    interface Owner {
        /** No consumer is left: true when the session is retired, so that no join can reach it any more. */
        boolean retireIfIdle(ServedSubscription s);

        /** The session ends whatever its consumers. */
        void retire(ServedSubscription s);
    }

    ServedSubscription(Subscription meta, ShardMap shards, StreamSubscription sub, Clock clock, Owner owner) {
        this.meta = meta;
        this.shards = shards;
        this.sub = sub;
        this.clock = clock;
        this.owner = owner;
        this.checkpoint = Map.copyOf(sub.committed());
        this.thread = new Thread(this::loop, "hstream-io-api-sub-" + meta.getSubscriptionId());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    String id() {
        return meta.getSubscriptionId();
    }

    /** The durable checkpoint per store shard (store ids) as of the last ack this session applied. */
    Map<Long, RecordId> checkpoint() {
        return checkpoint;
    }

    ShardMap shards() {
        return shards;
    }

    /** Must be called with the server's lock held, on a session that is not retired. */
    void join(Consumer c) {
        events.add(new Join(c));
    }

    boolean hasPendingEvents() {
        return !events.isEmpty();
    }

    void leave(Consumer c) {
        events.add(new Leave(c));
    }

    /** Acks with served ids; ids of no shard of the stream are ignored, as HStreamDB ignores unknown acks. */
    void ack(List<RecordId> servedIds) {
        List<RecordId> ids = new ArrayList<>(servedIds.size());
        for (RecordId id : servedIds) {
            try {
                ids.add(shards.store(id, meta.getStreamName()));
            } catch (StatusRuntimeException notOurs) {
                // skipped
            }
        }
        events.add(new Acks(ids));
    }

    /** Ends every consumer's call with {@code why} and closes the store subscription. */
    void end(StatusRuntimeException why) {
        events.add(new End(why));
    }

    private void loop() {
        StatusRuntimeException failure = null;
        LOG.debug("Subscription {}: session starts at checkpoint {}", id(), checkpoint);
        try {
            while (true) {
                Object first = events.poll(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                List<Object> batch = new ArrayList<>();
                if (first != null) {
                    batch.add(first);
                    events.drainTo(batch);
                }
                List<RecordId> toAck = new ArrayList<>();
                StatusRuntimeException ended = null;
                boolean left = false;
                for (Object e : batch) {
                    if (e instanceof Join j) {
                        consumers.add(j.c());
                    } else if (e instanceof Leave l) {
                        left |= consumers.remove(l.c());
                    } else if (e instanceof Acks a) {
                        collectAcks(a.ids(), toAck);
                    } else if (e instanceof End end) {
                        ended = end.why();
                    }
                }
                applyAcks(toAck);
                if (ended != null) {
                    failure = ended;
                    return;
                }
                if (consumers.isEmpty()) {
                    if (owner.retireIfIdle(this)) {
                        return;
                    }
                    continue;
                }
                if (left) {
                    // What the leaver had out goes to the others now, not after the ack timeout.
                    outstanding.values().forEach(o -> o.deadline = 0);
                }
                redeliverDue();
                // Bounded by maxUnackedRecords, not by the consumers' flow control: what a slow consumer cannot take
                // yet waits in gRPC's buffer, at most maxUnackedRecords records.
                int room = meta.getMaxUnackedRecords() - outstanding.size();
                if (room > 0) {
                    deliver(sub.poll(Math.min(room, MAX_POLL), IDLE_WAIT_MS));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = ApiErrors.error(Status.Code.UNAVAILABLE, 0, "the server is stopping");
        } catch (RuntimeException e) {
            LOG.warn("Subscription {}: {}", id(), e.getMessage());
            failure = ApiErrors.error(Status.Code.UNAVAILABLE, 0, "subscription " + id() + " failed on the server: "
                    + e.getMessage());
        } finally {
            if (failure != null) {
                owner.retire(this);
                for (Consumer c : consumers) {
                    try {
                        c.out().onError(failure);
                    } catch (RuntimeException ended) {
                        // the call is over already
                    }
                }
            }
            LOG.debug("Subscription {}: session ends at checkpoint {}, {} outstanding{}", id(), checkpoint,
                    outstanding.size(), failure == null ? "" : ": " + failure.getStatus().getDescription());
            try {
                sub.close();
            } catch (RuntimeException e) {
                LOG.warn("Subscription {}: closing it in the store failed: {}", id(), e.getMessage());
            }
        }
    }

    private void collectAcks(List<RecordId> ids, List<RecordId> toAck) {
        for (RecordId id : ids) {
            if (outstanding.remove(id) != null) {
                toAck.add(id);
            } else {
                RecordId done = checkpoint.get(id.shardId());
                if (done == null || id.compareTo(done) > 0) {
                    ackedAhead.add(id); // not delivered in this session yet: ack it when it comes
                }
            }
        }
    }

    private void applyAcks(List<RecordId> toAck) {
        if (!toAck.isEmpty()) {
            sub.ack(toAck); // durable on return: only then may GetSubscription report it
            checkpoint = Map.copyOf(sub.committed());
        }
    }

    private void deliver(List<ReceivedRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        long deadline = clock.millis() + meta.getAckTimeoutSeconds() * 1000L;
        List<ReceivedRecord> send = new ArrayList<>(records.size());
        List<RecordId> ackNow = new ArrayList<>();
        for (ReceivedRecord r : records) {
            if (ackedAhead.remove(r.id())) {
                ackNow.add(r.id());
            } else {
                outstanding.put(r.id(), new Outstanding(r, deadline));
                send.add(r);
            }
        }
        send(send);
        applyAcks(ackNow);
    }

    private void redeliverDue() {
        long now = clock.millis();
        List<ReceivedRecord> due = new ArrayList<>();
        for (Outstanding o : outstanding.values()) {
            if (o.deadline <= now) {
                due.add(o.record);
                o.deadline = now + meta.getAckTimeoutSeconds() * 1000L;
            }
        }
        send(due);
    }

    /** Sends runs of records of one batch as one message each, to the consumer of their shard. */
    private void send(List<ReceivedRecord> records) {
        Map<Consumer, List<ReceivedRecord>> run = new LinkedHashMap<>();
        ReceivedRecord prev = null;
        for (ReceivedRecord r : records) {
            boolean sameBatch = prev != null && prev.id().shardId() == r.id().shardId()
                    && prev.id().batchId() == r.id().batchId();
            if (!sameBatch) {
                flush(run);
            }
            Consumer c = consumers.get((int) Math.floorMod(r.id().shardId(), (long) consumers.size()));
            run.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
            prev = r;
        }
        flush(run);
    }

    private void flush(Map<Consumer, List<ReceivedRecord>> run) {
        run.forEach((c, rs) -> {
            try {
                c.out().onNext(StreamingFetchResponse.newBuilder().setReceivedRecords(batchOf(rs, shards, clock.instant()))
                        .build());
            } catch (RuntimeException callEnded) {
                // Its Leave is on the way; the records are redelivered to the others then.
            }
        });
        run.clear();
    }

    /**
     * Records of one stored batch as HStreamDB delivers them: the ids, and a batch in which each record sits at its
     * batchIndex (clients pick records by it). Indexes not delivered are empty placeholders: the store reads records,
     * not whole batches, and a redelivery or a checkpoint inside a batch names only some of them.
     */
    static io.hstreamio.runtime.hstream.proto.ReceivedRecord batchOf(List<ReceivedRecord> rs, ShardMap shards,
            Instant now) {
        int size = rs.get(rs.size() - 1).id().batchIndex() + 1;
        Map<Integer, HStreamRecord> at = new HashMap<>();
        io.hstreamio.runtime.hstream.proto.ReceivedRecord.Builder b =
                io.hstreamio.runtime.hstream.proto.ReceivedRecord.newBuilder();
        for (ReceivedRecord r : rs) {
            at.put(r.id().batchIndex(), RecordCodec.toWire(r.record()));
            b.addRecordIds(RecordCodec.toWire(shards.served(r.id())));
            size = Math.max(size, r.id().batchIndex() + 1);
        }
        BatchHStreamRecords.Builder records = BatchHStreamRecords.newBuilder();
        for (int i = 0; i < size; i++) {
            records.addRecords(at.getOrDefault(i, HStreamRecord.getDefaultInstance()));
        }
        return b.setRecord(BatchedRecord.newBuilder().setCompressionType(CompressionType.None)
                .setPublishTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setBatchSize(size).setPayload(records.build().toByteString())).build();
    }
}

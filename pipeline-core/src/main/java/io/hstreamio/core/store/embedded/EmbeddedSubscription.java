package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StreamSubscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A subscription over all shards. Per shard it keeps the records delivered and not yet acknowledged, in delivery
 * order; an ack moves the durable checkpoint over the longest acknowledged prefix. At most
 * {@code maxUnacked} records are outstanding, so memory stays bounded even when the consumer never acks.
 *
 * <p>Owned by one thread. Polls rotate the shard they start with, so one busy shard cannot starve the others.
 */
final class EmbeddedSubscription implements StreamSubscription {
    private final EmbeddedStreamStore store;
    private final StreamState stream;
    private final String name;
    private final int maxUnacked;
    private final Runnable onClose;
    private final RecordId[] committed;
    private final RecordId[] delivered;
    private final List<ArrayDeque<RecordId>> outstanding = new ArrayList<>();
    private final List<Set<RecordId>> ackedAhead = new ArrayList<>();
    private int unacked;
    private int nextShard;
    private boolean closed;

    EmbeddedSubscription(EmbeddedStreamStore store, StreamState stream, String name, RecordId[] checkpoints,
            int maxUnacked, Runnable onClose) {
        this.store = store;
        this.stream = stream;
        this.name = name;
        this.maxUnacked = maxUnacked;
        this.onClose = onClose;
        this.committed = checkpoints.clone();
        this.delivered = checkpoints.clone();
        for (int i = 0; i < checkpoints.length; i++) {
            outstanding.add(new ArrayDeque<>());
            ackedAhead.add(new HashSet<>());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String stream() {
        return stream.name;
    }

    @Override
    public List<ReceivedRecord> poll(int maxRecords, long timeoutMillis) throws InterruptedException {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1, got " + maxRecords);
        }
        checkOpen();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        int shards = committed.length;
        while (true) {
            long seen = stream.version();
            List<ReceivedRecord> out = new ArrayList<>();
            int room = Math.min(maxRecords, maxUnacked - unacked);
            for (int k = 0; k < shards && out.size() < room; k++) {
                int shard = (nextShard + k) % shards;
                int before = out.size();
                store.fetch(stream, shard, delivered[shard], room - out.size(), out);
                for (int i = before; i < out.size(); i++) {
                    outstanding.get(shard).addLast(out.get(i).id());
                }
                if (out.size() > before) {
                    delivered[shard] = out.get(out.size() - 1).id();
                }
            }
            nextShard = (nextShard + 1) % shards;
            if (!out.isEmpty()) {
                unacked += out.size();
                return out;
            }
            if (store.isClosed()) {
                throw store.closedError();
            }
            if (!stream.awaitChange(seen, deadline)) {
                return List.of();
            }
        }
    }

    @Override
    public void ack(Collection<RecordId> ids) {
        checkOpen();
        for (RecordId id : ids) {
            if (id.shardId() < 0 || id.shardId() >= committed.length) {
                throw new IllegalArgumentException("record " + id + " is not in stream '" + stream.name + "' (shards 0.."
                        + (committed.length - 1) + ")");
            }
            ArrayDeque<RecordId> dq = outstanding.get((int) id.shardId());
            RecordId c = committed[(int) id.shardId()];
            boolean done = c != null && id.compareTo(c) <= 0;
            if (!done && (dq.isEmpty() || id.compareTo(dq.peekLast()) > 0)) {
                throw new IllegalArgumentException("record " + id + " was not delivered by subscription '" + name
                        + "' yet; acknowledge only records that poll returned");
            }
        }
        for (RecordId id : ids) {
            ArrayDeque<RecordId> dq = outstanding.get((int) id.shardId());
            if (!dq.isEmpty() && id.compareTo(dq.peekFirst()) >= 0) {
                ackedAhead.get((int) id.shardId()).add(id);
            }
        }
        boolean moved = false;
        for (int shard = 0; shard < committed.length; shard++) {
            ArrayDeque<RecordId> dq = outstanding.get(shard);
            Set<RecordId> acked = ackedAhead.get(shard);
            while (!dq.isEmpty() && acked.remove(dq.peekFirst())) {
                committed[shard] = dq.pollFirst();
                unacked--;
                moved = true;
            }
        }
        if (moved) {
            store.commitCheckpoints(stream, name, committed.clone());
        }
    }

    @Override
    public Map<Long, RecordId> committed() {
        Map<Long, RecordId> m = new LinkedHashMap<>();
        for (int i = 0; i < committed.length; i++) {
            if (committed[i] != null) {
                m.put((long) i, committed[i]);
            }
        }
        return m;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("subscription '" + name + "' on stream '" + stream.name
                    + "' is closed; subscribe again");
        }
    }
}

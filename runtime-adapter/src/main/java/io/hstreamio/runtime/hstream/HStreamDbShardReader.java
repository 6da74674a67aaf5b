package io.hstreamio.runtime.hstream;

import io.grpc.StatusRuntimeException;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.runtime.hstream.proto.CreateShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.DeleteShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.LookupShardReaderRequest;
import io.hstreamio.runtime.hstream.proto.ReadShardRequest;
import io.hstreamio.runtime.hstream.proto.ReadShardResponse;
import io.hstreamio.runtime.hstream.proto.ShardOffset;
import io.hstreamio.runtime.hstream.proto.SpecialOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A shard reader on HStreamDB: CreateShardReader on the node LookupShardReader names, then ReadShard calls, and
 * DeleteShardReader on close. HStreamDB's reader offset is inclusive, so the reader starts at {@code startAfter} and
 * drops records up to it. When the reader's node goes away or no longer knows the reader, it is created again
 * after the last record returned, so a read never repeats or skips a record.
 *
 * <p>A read waits for records in steps of the server-side wait ({@code reader.serverWait}); a read with a zero
 * timeout may therefore wait that long when the shard has nothing new. Owned by one thread.
 */
final class HStreamDbShardReader implements ShardReader {
    private final Nodes nodes;
    private final String stream;
    private final long shardId;
    private final String readerId = "hstream-io-reader-" + UUID.randomUUID();
    private final int serverWaitMillis;
    private Nodes.Address owner;
    /** The last record returned (or the start point): later reads return only records after it. */
    private RecordId after;
    private boolean created;
    /** Records received beyond what a read asked for; returned first by the next read. */
    private final java.util.ArrayDeque<ReceivedRecord> leftover = new java.util.ArrayDeque<>();

    HStreamDbShardReader(Nodes nodes, String stream, long shardId, RecordId startAfter, Duration serverWait) {
        this.nodes = nodes;
        this.stream = stream;
        this.shardId = shardId;
        this.after = startAfter;
        this.serverWaitMillis = (int) Math.max(1, serverWait.toMillis());
        create();
    }

    private Nodes.Address owner() {
        if (owner == null) {
            owner = Nodes.Address.of(nodes.anyNode("LookupShardReader " + readerId, s -> s.lookupShardReader(
                    LookupShardReaderRequest.newBuilder().setReaderId(readerId).build()).getServerNode()));
        }
        return owner;
    }

    private void create() {
        ShardOffset offset = after == null
                ? ShardOffset.newBuilder().setSpecialOffset(SpecialOffset.EARLIEST).build()
                : ShardOffset.newBuilder().setRecordOffset(RecordCodec.toWire(after)).build();
        CreateShardReaderRequest request = CreateShardReaderRequest.newBuilder()
                .setStreamName(stream).setShardId(shardId).setShardOffset(offset).setReaderId(readerId)
                .setTimeout(serverWaitMillis).build();
        try {
            nodes.onOwner("CreateShardReader for stream '" + stream + "' shard " + shardId, this::owner,
                    () -> owner = null, s -> s.createShardReader(request));
            created = true;
        } catch (StatusRuntimeException e) {
            int code = ServerErrors.code(e);
            if (code == ServerErrors.STREAM_NOT_FOUND || code == ServerErrors.SHARD_NOT_FOUND) {
                throw new StoreException("cannot read stream '" + stream + "' shard " + shardId + ": "
                        + ServerErrors.message(e) + "; create the stream or check the shard id", e);
            }
            throw new StoreException("CreateShardReader for stream '" + stream + "' shard " + shardId + " failed: "
                    + ServerErrors.message(e), e);
        }
    }

    @Override
    public List<ReceivedRecord> read(int maxRecords, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        if (!leftover.isEmpty()) {
            List<ReceivedRecord> out = new ArrayList<>();
            while (!leftover.isEmpty() && out.size() < maxRecords) {
                out.add(leftover.poll());
            }
            return out;
        }
        ReadShardRequest request = ReadShardRequest.newBuilder().setReaderId(readerId)
                .setMaxRecords(Math.max(1, maxRecords)).build();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("reading stream '" + stream + "' shard " + shardId + " interrupted");
            }
            ReadShardResponse response;
            try {
                response = nodes.onOwner("ReadShard of stream '" + stream + "' shard " + shardId, this::owner,
                        () -> owner = null, s -> s.readShard(request));
            } catch (StatusRuntimeException e) {
                if (ServerErrors.code(e) == ServerErrors.SHARD_READER_NOT_FOUND) {
                    create(); // its node restarted or it moved: start again after the last record returned
                    continue;
                }
                throw new StoreException("ReadShard of stream '" + stream + "' shard " + shardId + " failed: "
                        + ServerErrors.message(e), e);
            }
            List<ReceivedRecord> out = new ArrayList<>();
            for (var r : response.getReceivedRecordsList()) {
                for (ReceivedRecord rec : RecordCodec.received(r)) {
                    if (after == null || rec.id().compareTo(after) > 0) {
                        if (out.size() < maxRecords) {
                            out.add(rec);
                        } else {
                            leftover.add(rec);
                        }
                        after = rec.id();
                    }
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
            if (System.nanoTime() >= deadline) {
                return out;
            }
        }
    }

    @Override
    public void close() {
        if (!created) {
            return;
        }
        created = false;
        try {
            nodes.blocking(owner()).deleteShardReader(DeleteShardReaderRequest.newBuilder().setReaderId(readerId).build());
        } catch (RuntimeException e) {
            // Best effort: a reader on a node that went away is gone already.
        }
    }
}

package io.hstreamio.runtime.hstream;

import io.grpc.Status;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.StreamInfo;
import java.util.List;

/**
 * One stream's shard ids as {@link StoreBackedHStreamServer} shows them: HStreamDB's shard ids are unique across
 * streams (our client keys its appenders and caches by them), a store's need not be (the embedded store numbers each
 * stream's shards from 0). The served id of the stream's i-th shard is {@code base + i}. Immutable.
 */
record ShardMap(long base, List<Long> storeIds) {
    ShardMap(long base, StreamInfo stream) {
        this(base, stream.shards().stream().map(ShardInfo::shardId).toList());
    }

    long served(long storeShard) {
        int i = storeIds.indexOf(storeShard);
        if (i < 0) {
            throw new IllegalStateException("store shard " + storeShard + " is not one of " + storeIds);
        }
        return base + i;
    }

    /** @throws io.grpc.StatusRuntimeException NOT_FOUND (210) when the id is none of this stream's */
    long store(long servedShard, String stream) {
        long i = servedShard - base;
        if (i < 0 || i >= storeIds.size()) {
            throw ApiErrors.error(Status.Code.NOT_FOUND, 210, "shard " + servedShard + " not in stream " + stream);
        }
        return storeIds.get((int) i);
    }

    RecordId served(RecordId storeId) {
        return new RecordId(served(storeId.shardId()), storeId.batchId(), storeId.batchIndex());
    }

    RecordId store(RecordId servedId, String stream) {
        return new RecordId(store(servedId.shardId(), stream), servedId.batchId(), servedId.batchIndex());
    }
}

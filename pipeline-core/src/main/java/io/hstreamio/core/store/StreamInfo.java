package io.hstreamio.core.store;

import java.time.Instant;
import java.util.List;

/** A stream's description: its name, its shards, when it was made. */
public record StreamInfo(String name, List<ShardInfo> shards, Instant creationTime) {
    public StreamInfo {
        shards = List.copyOf(shards);
    }

    public int shardCount() {
        return shards.size();
    }
}

package io.hstreamio.core.store;

import java.math.BigInteger;

/**
 * A shard and the part of the 128-bit key-hash space (MD5 of the partition key, unsigned) that it owns, inclusive.
 */
public record ShardInfo(long shardId, BigInteger startHashKey, BigInteger endHashKey) {}

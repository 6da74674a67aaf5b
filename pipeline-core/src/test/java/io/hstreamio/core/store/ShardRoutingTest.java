package io.hstreamio.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import io.hstreamio.core.testing.RandomCases;
import org.junit.jupiter.api.Test;

class ShardRoutingTest {
    private static final BigInteger MAX = BigInteger.TWO.pow(128).subtract(BigInteger.ONE);

    @Test
    void hashIsTheUnsignedMd5OfTheUtf8Key() {
        // RFC 1321 test vectors.
        assertThat(ShardRouting.hashKey("")).isEqualTo(new BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16));
        assertThat(ShardRouting.hashKey("abc")).isEqualTo(new BigInteger("900150983cd24fb0d6963f7d28e17f72", 16));
    }

    @Test
    void splitsTheKeySpaceLikeHStreamDb() {
        List<ShardInfo> shards = ShardRouting.splitKeySpace(3);
        BigInteger size = MAX.divide(BigInteger.valueOf(3));
        assertThat(shards).extracting(ShardInfo::shardId).containsExactly(0L, 1L, 2L);
        assertThat(shards.get(0).startHashKey()).isZero();
        assertThat(shards.get(0).endHashKey()).isEqualTo(size.subtract(BigInteger.ONE));
        assertThat(shards.get(1).startHashKey()).isEqualTo(size);
        assertThat(shards.get(2).startHashKey()).isEqualTo(size.shiftLeft(1));
        assertThat(shards.get(2).endHashKey()).isEqualTo(MAX);
    }

    @Test
    void routesToTheRangeHoldingTheHash() {
        RandomCases.forAll(gen -> {
        String key = gen.text(30);
        int shardCount = gen.intIn(1, 64);
        BigInteger hash = ShardRouting.hashKey(key);
        ShardInfo owner = ShardRouting.splitKeySpace(shardCount).stream()
                .filter(s -> s.startHashKey().compareTo(hash) <= 0 && hash.compareTo(s.endHashKey()) <= 0)
                .findFirst().orElseThrow();
        assertThat(ShardRouting.shardIndex(key, shardCount)).isEqualTo((int) owner.shardId());
        });
    }

    @Test
    void rangesAreContiguousAndCoverEverything() {
        RandomCases.forAll(50, gen -> {
        int shardCount = gen.intIn(1, 1024);
        List<ShardInfo> shards = ShardRouting.splitKeySpace(shardCount);
        assertThat(shards.get(0).startHashKey()).isZero();
        assertThat(shards.get(shardCount - 1).endHashKey()).isEqualTo(MAX);
        for (int i = 1; i < shardCount; i++) {
            assertThat(shards.get(i).startHashKey()).isEqualTo(shards.get(i - 1).endHashKey().add(BigInteger.ONE));
        }
        });
    }
}

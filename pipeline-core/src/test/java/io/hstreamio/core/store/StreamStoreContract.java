package io.hstreamio.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link StreamStore} must have. A store implementation's test extends this class and supplies a
 * fresh store and a way to reopen it (close, then connect to the same data again).
 *
 * <p>Tests use unique stream names, never assume shard ids are {@code 0..n-1} (they come from {@link StreamInfo}),
 * and wait with timeouts rather than sleeps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StreamStoreContract {
    /** How long a read waits when the test expects records to be there. */
    protected static final long READ_TIMEOUT_MS = 5_000;
    /** How long a read waits when the test expects nothing. */
    protected static final long EMPTY_TIMEOUT_MS = 300;

    protected StreamStore store;

    /** A new store with no streams of this test; called before each test. */
    protected abstract StreamStore openFresh() throws Exception;

    /** Closes {@code current} and opens the same store again. */
    protected abstract StreamStore reopen(StreamStore current) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = openFresh();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected void reopenStore() throws Exception {
        StreamStore s = store;
        store = null;
        store = reopen(s);
    }

    // ---------------------------------------------------------------- streams

    @Test
    void createsFindsListsAndDeletesStreams() {
        String a = unique("a");
        String b = unique("b");
        StreamInfo infoA = store.createStream(a, 1);
        StreamInfo infoB = store.createStream(b, 3);

        assertThat(infoA.shardCount()).isEqualTo(1);
        assertThat(store.findStream(b)).get().extracting(StreamInfo::shardCount).isEqualTo(3);
        assertThat(store.listStreams()).extracting(StreamInfo::name).contains(a, b);
        assertKeySpaceSplitEvenly(infoB);

        assertThat(store.deleteStream(a)).isTrue();
        assertThat(store.findStream(a)).isEmpty();
        assertThat(store.listStreams()).extracting(StreamInfo::name).doesNotContain(a).contains(b);
        assertThat(store.deleteStream(a)).isFalse();
    }

    private static void assertKeySpaceSplitEvenly(StreamInfo info) {
        List<ShardInfo> shards = info.shards().stream()
                .sorted((x, y) -> x.startHashKey().compareTo(y.startHashKey())).toList();
        assertThat(shards.get(0).startHashKey()).isEqualTo(BigInteger.ZERO);
        assertThat(shards.get(shards.size() - 1).endHashKey()).isEqualTo(BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
        for (int i = 1; i < shards.size(); i++) {
            assertThat(shards.get(i).startHashKey()).isEqualTo(shards.get(i - 1).endHashKey().add(BigInteger.ONE));
        }
        BigInteger size = shards.get(0).endHashKey().subtract(shards.get(0).startHashKey());
        assertThat(shards.get(1).endHashKey().subtract(shards.get(1).startHashKey())).isEqualTo(size);
    }

    @Test
    void streamsSurviveReopen() throws Exception {
        String name = unique("kept");
        StreamInfo created = store.createStream(name, 2);
        reopenStore();
        assertThat(store.findStream(name)).get().satisfies(info -> {
            assertThat(info.shards()).isEqualTo(created.shards());
            assertThat(info.creationTime()).isEqualTo(created.creationTime());
        });
    }

    @Test
    void creatingAnExistingStreamWithAnotherShardCountFails() {
        String name = unique("fixed");
        store.createStream(name, 4);

        assertThatThrownBy(() -> store.createStream(name, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("4");
        assertThat(store.createStream(name, 4).shardCount()).isEqualTo(4);
    }

    @Test
    void unknownStreamIsNamed() {
        String name = unique("missing");
        CompletableFuture<List<RecordId>> f = store.append(name, List.of(StreamRecord.raw("k", new byte[1])));
        assertThatThrownBy(f::join).hasCauseInstanceOf(StoreException.class).hasMessageContaining(name);
        assertThatThrownBy(() -> store.openShardReader(name, 0, null))
                .isInstanceOf(StoreException.class).hasMessageContaining(name);
        assertThatThrownBy(() -> store.subscribe(name, "s", StartPosition.EARLIEST))
                .isInstanceOf(StoreException.class).hasMessageContaining(name);
    }

    // ---------------------------------------------------------------- append & routing

    @Test
    void routesEachKeyToTheShardWhoseRangeHoldsItsHash() {
        String name = unique("routed");
        StreamInfo info = store.createStream(name, 4);
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(StreamRecord.raw("key-" + (i % 50), bytes("v" + i)));
        }
        List<RecordId> first = store.append(name, records).join();
        List<RecordId> second = store.append(name, records).join();

        Map<String, Long> shardOfKey = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            String key = records.get(i).partitionKey();
            BigInteger hash = ShardRouting.hashKey(key);
            long expected = info.shards().stream()
                    .filter(s -> s.startHashKey().compareTo(hash) <= 0 && s.endHashKey().compareTo(hash) >= 0)
                    .findFirst().orElseThrow().shardId();
            assertThat(first.get(i).shardId()).as("shard of %s", key).isEqualTo(expected);
            assertThat(second.get(i).shardId()).isEqualTo(expected);
            shardOfKey.put(key, expected);
        }
        assertThat(new HashSet<>(shardOfKey.values())).hasSizeGreaterThan(1);
    }

    @Test
    void appendReturnsIdsInInputOrderThatReadBackTheRecords() throws Exception {
        String name = unique("ids");
        store.createStream(name, 3);
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(new StreamRecord("k" + (i % 7), i % 2 == 0 ? PayloadFormat.RAW : PayloadFormat.JSON,
                    bytes("{\"i\":" + i + "}"), i % 3 == 0 ? Map.of("table", "t" + i, "op", "c") : Map.of()));
        }
        List<RecordId> ids = store.append(name, records).join();

        assertThat(ids).hasSize(records.size()).doesNotHaveDuplicates();
        Map<RecordId, StreamRecord> read = readAll(name);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(read.get(ids.get(i))).as("record %s", i).isEqualTo(records.get(i));
        }
        assertThat(store.append(name, List.of()).join()).isEmpty();
    }

    @Test
    void keepsOrderPerShardAndPerKeyUnderConcurrentAppenders() throws Exception {
        String name = unique("concurrent");
        store.createStream(name, 3);
        int threads = 4;
        int appendsPerThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<RecordId, StreamRecord> acked = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    List<CompletableFuture<Void>> pending = new ArrayList<>();
                    for (int a = 0; a < appendsPerThread; a++) {
                        List<StreamRecord> batch = new ArrayList<>();
                        for (int r = 0; r < 1 + a % 4; r++) {
                            int seq = a * 10 + r;
                            batch.add(StreamRecord.raw("t" + thread + "-k" + (seq % 5), seqPayload(thread, seq)));
                        }
                        pending.add(store.append(name, batch).thenAccept(ids -> {
                            for (int i = 0; i < ids.size(); i++) {
                                acked.put(ids.get(i), batch.get(i));
                            }
                        }));
                    }
                    pending.forEach(CompletableFuture::join);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Integer> lastSeqOfKey = new HashMap<>();
        int total = 0;
        for (ShardInfo shard : store.findStream(name).orElseThrow().shards()) {
            RecordId previous = null;
            for (ReceivedRecord r : readShard(name, shard.shardId(), null)) {
                assertThat(r.id().shardId()).isEqualTo(shard.shardId());
                if (previous != null) {
                    assertThat(r.id()).isGreaterThan(previous);
                }
                previous = r.id();
                assertThat(acked.get(r.id())).isEqualTo(r.record());
                ByteBuffer p = ByteBuffer.wrap(r.record().payload());
                int seq = p.getInt(4);
                Integer before = lastSeqOfKey.put(r.record().partitionKey(), seq);
                if (before != null) {
                    assertThat(seq).as("order of key %s", r.record().partitionKey()).isGreaterThan(before);
                }
                total++;
            }
        }
        assertThat(total).isEqualTo(acked.size());
    }

    @Test
    void acknowledgedAppendsSurviveReopen() throws Exception {
        String name = unique("durable");
        store.createStream(name, 2);
        Map<RecordId, StreamRecord> expected = new LinkedHashMap<>();
        for (int a = 0; a < 20; a++) {
            List<StreamRecord> batch = List.of(
                    StreamRecord.raw("x" + a, seqPayload(a, 0)),
                    new StreamRecord("", PayloadFormat.JSON, new byte[0], Map.of("a", "b")),
                    StreamRecord.raw("big", new byte[10_000 + a]));
            List<RecordId> ids = store.append(name, batch).join();
            for (int i = 0; i < ids.size(); i++) {
                expected.put(ids.get(i), batch.get(i));
            }
        }
        reopenStore();
        assertThat(readAll(name)).isEqualTo(expected);

        // Ids keep increasing after a reopen.
        RecordId later = store.append(name, List.of(StreamRecord.raw("x0", bytes("after")))).join().get(0);
        RecordId lastBefore = expected.keySet().stream().filter(id -> id.shardId() == later.shardId())
                .max(RecordId::compareTo).orElseThrow();
        assertThat(later).isGreaterThan(lastBefore);
    }

    // ---------------------------------------------------------------- shard reader

    @Test
    void shardReaderWaitsForNewRecordsAndStartsAfterAnId() throws Exception {
        String name = unique("tail");
        StreamInfo info = store.createStream(name, 1);
        long shard = info.shards().get(0).shardId();
        try (ShardReader reader = store.openShardReader(name, shard, null)) {
            long t0 = System.nanoTime();
            assertThat(reader.read(10, EMPTY_TIMEOUT_MS)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(EMPTY_TIMEOUT_MS - 50));

            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<List<ReceivedRecord>> waiting = ex.submit(() -> reader.read(10, 30_000));
                List<RecordId> ids = store.append(name, List.of(StreamRecord.raw("k", bytes("one")))).join();
                List<ReceivedRecord> got = waiting.get(10, TimeUnit.SECONDS);
                assertThat(got).extracting(ReceivedRecord::id).containsExactlyElementsOf(ids);
            } finally {
                ex.shutdownNow();
            }
        }
        List<RecordId> more = store.append(name, List.of(StreamRecord.raw("k", bytes("two")),
                StreamRecord.raw("k", bytes("three")))).join();
        List<ReceivedRecord> all = readShard(name, shard, null);
        assertThat(all).hasSize(3);
        assertThat(readShard(name, shard, all.get(0).id())).extracting(ReceivedRecord::id).containsExactlyElementsOf(more);
        assertThat(readShard(name, shard, more.get(1))).isEmpty();
    }

    // ---------------------------------------------------------------- subscriptions

    @Test
    void subscriptionDeliversEveryRecordOnceInShardOrderAndCommitsAckedPrefix() throws Exception {
        String name = unique("sub");
        store.createStream(name, 2);
        List<RecordId> ids = appendN(name, 40, "k");
        try (StreamSubscription sub = store.subscribe(name, "s1", StartPosition.EARLIEST)) {
            List<ReceivedRecord> got = pollUntil(sub, 40);
            assertThat(got).extracting(ReceivedRecord::id).containsExactlyInAnyOrderElementsOf(ids);
            assertPerShardOrder(got);
            assertThat(sub.poll(10, EMPTY_TIMEOUT_MS)).isEmpty();

            Map<Long, List<RecordId>> byShard = byShard(got);
            long s0 = byShard.keySet().iterator().next();
            List<RecordId> shard0 = byShard.get(s0);
            // Ack records 0..4 and 6: the committed prefix ends at 4, not 6.
            List<RecordId> acks = new ArrayList<>(shard0.subList(0, 5));
            acks.add(shard0.get(6));
            sub.ack(acks);
            assertThat(sub.committed()).containsEntry(s0, shard0.get(4));
            sub.ack(List.of(shard0.get(5)));
            assertThat(sub.committed()).containsEntry(s0, shard0.get(6));
        }
    }

    @Test
    void unacknowledgedRecordsAreRedeliveredAfterReopen() throws Exception {
        String name = unique("redeliver");
        store.createStream(name, 2);
        List<RecordId> ids = appendN(name, 30, "k");
        Set<RecordId> acked = new HashSet<>();
        Map<Long, RecordId> committed;
        try (StreamSubscription sub = store.subscribe(name, "s", StartPosition.EARLIEST)) {
            List<ReceivedRecord> got = pollUntil(sub, 30);
            for (List<RecordId> shardIds : byShard(got).values()) {
                // A prefix of 3, then a gap, then one more acknowledged.
                acked.addAll(shardIds.subList(0, 3));
                sub.ack(shardIds.subList(0, 3));
                sub.ack(List.of(shardIds.get(4)));
            }
            committed = sub.committed();
        }
        reopenStore();
        try (StreamSubscription sub = store.subscribe(name, "s", StartPosition.LATEST)) {
            assertThat(sub.committed()).isEqualTo(committed);
            Set<RecordId> expected = new HashSet<>(ids);
            expected.removeAll(acked);
            List<ReceivedRecord> again = pollUntil(sub, expected.size());
            assertThat(again).extracting(ReceivedRecord::id).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(sub.poll(10, EMPTY_TIMEOUT_MS)).isEmpty();
        }
    }

    @Test
    void twoSubscriptionsAreIndependent() throws Exception {
        String name = unique("two");
        store.createStream(name, 2);
        List<RecordId> ids = appendN(name, 12, "k");
        try (StreamSubscription a = store.subscribe(name, "a", StartPosition.EARLIEST);
                StreamSubscription b = store.subscribe(name, "b", StartPosition.EARLIEST)) {
            a.ack(ids(pollUntil(a, 12)));
            assertThat(ids(pollUntil(b, 12))).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(b.committed()).isEmpty();
        }
        reopenStore();
        try (StreamSubscription a = store.subscribe(name, "a", StartPosition.EARLIEST);
                StreamSubscription b = store.subscribe(name, "b", StartPosition.EARLIEST)) {
            assertThat(a.poll(100, EMPTY_TIMEOUT_MS)).isEmpty();
            assertThat(ids(pollUntil(b, 12))).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void latestSubscriptionSkipsRecordsAppendedBefore() throws Exception {
        String name = unique("latest");
        store.createStream(name, 3);
        appendN(name, 10, "old");
        try (StreamSubscription sub = store.subscribe(name, "l", StartPosition.LATEST)) {
            assertThat(sub.poll(100, EMPTY_TIMEOUT_MS)).isEmpty();
            List<RecordId> fresh = appendN(name, 6, "new");
            assertThat(ids(pollUntil(sub, 6))).containsExactlyInAnyOrderElementsOf(fresh);
        }
    }

    // ---------------------------------------------------------------- trim & delete

    @Test
    void trimRemovesRecordsBeforeTheGivenId() throws Exception {
        String name = unique("trim");
        StreamInfo info = store.createStream(name, 1);
        long shard = info.shards().get(0).shardId();
        List<RecordId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.addAll(appendN(name, 1 + i, "k"));
        }
        RecordId cut = ids.get(7);
        store.trim(name, shard, cut);

        List<RecordId> kept = ids.subList(7, ids.size());
        assertThat(ids(readShard(name, shard, null))).containsExactlyElementsOf(kept);
        try (StreamSubscription sub = store.subscribe(name, "after-trim", StartPosition.EARLIEST)) {
            assertThat(ids(pollUntil(sub, kept.size()))).containsExactlyElementsOf(kept);
        }
        reopenStore();
        assertThat(ids(readShard(name, shard, null))).containsExactlyElementsOf(kept);
        RecordId next = appendN(name, 1, "k").get(0);
        assertThat(next).isGreaterThan(ids.get(ids.size() - 1));
    }

    @Test
    void deletingAStreamRemovesItsRecordsAndSubscriptions() throws Exception {
        String name = unique("gone");
        store.createStream(name, 2);
        appendN(name, 10, "k");
        try (StreamSubscription sub = store.subscribe(name, "s", StartPosition.EARLIEST)) {
            sub.ack(ids(pollUntil(sub, 5)));
        }
        assertThat(store.deleteStream(name)).isTrue();

        store.createStream(name, 2);
        assertThat(readAll(name)).isEmpty();
        List<RecordId> fresh = appendN(name, 4, "k");
        try (StreamSubscription sub = store.subscribe(name, "s", StartPosition.EARLIEST)) {
            assertThat(sub.committed()).isEmpty();
            assertThat(ids(pollUntil(sub, 4))).containsExactlyInAnyOrderElementsOf(fresh);
        }
    }

    // ---------------------------------------------------------------- key/value

    @Test
    void keyValueStoreIsDurableAndScopedByNamespace() throws Exception {
        String ns = unique("task");
        String other = unique("other");
        KeyValueStore kv = store.keyValueStore(ns);
        kv.put("offset/b", bytes("2"));
        kv.put("offset/a", bytes("1"));
        kv.put("offset/c", bytes("3"));
        kv.put("schema", bytes("s"));
        kv.delete("offset/c");
        kv.put("offset/a", bytes("1b"));
        store.keyValueStore(other).put("offset/z", bytes("other"));

        reopenStore();
        KeyValueStore again = store.keyValueStore(ns);
        assertThat(again.get("offset/a")).get().extracting(StreamStoreContract::text).isEqualTo("1b");
        assertThat(again.get("offset/c")).isEmpty();
        assertThat(again.get("missing")).isEmpty();
        Map<String, String> scanned = new TreeMap<>();
        again.scan("offset/").forEach((k, v) -> scanned.put(k, text(v)));
        assertThat(scanned).containsExactly(Map.entry("offset/a", "1b"), Map.entry("offset/b", "2"));
        assertThat(again.scan("").keySet()).containsExactly("offset/a", "offset/b", "schema");
        assertThat(store.keyValueStore(other).scan("").keySet()).containsExactly("offset/z");
    }

    // ---------------------------------------------------------------- helpers

    protected List<RecordId> appendN(String stream, int n, String keyPrefix) {
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(StreamRecord.raw(keyPrefix + i, seqPayload(0, i)));
        }
        return store.append(stream, records).join();
    }

    /** All records of the stream, by id. */
    protected Map<RecordId, StreamRecord> readAll(String stream) throws InterruptedException {
        Map<RecordId, StreamRecord> all = new LinkedHashMap<>();
        for (ShardInfo shard : store.findStream(stream).orElseThrow().shards()) {
            for (ReceivedRecord r : readShard(stream, shard.shardId(), null)) {
                all.put(r.id(), r.record());
            }
        }
        return all;
    }

    protected List<ReceivedRecord> readShard(String stream, long shard, RecordId after) throws InterruptedException {
        List<ReceivedRecord> out = new ArrayList<>();
        try (ShardReader reader = store.openShardReader(stream, shard, after)) {
            while (true) {
                List<ReceivedRecord> got = reader.read(1000, EMPTY_TIMEOUT_MS);
                if (got.isEmpty()) {
                    return out;
                }
                out.addAll(got);
            }
        }
    }

    /** Polls until {@code n} records arrived (failing after the read timeout without progress). */
    protected static List<ReceivedRecord> pollUntil(StreamSubscription sub, int n) throws InterruptedException {
        List<ReceivedRecord> out = new ArrayList<>();
        while (out.size() < n) {
            List<ReceivedRecord> got = sub.poll(n - out.size(), READ_TIMEOUT_MS);
            assertThat(got).as("records after %s of %s", out.size(), n).isNotEmpty();
            out.addAll(got);
        }
        assertThat(out).hasSize(n);
        return out;
    }

    private static void assertPerShardOrder(List<ReceivedRecord> got) {
        for (List<RecordId> ids : byShard(got).values()) {
            assertThat(ids).isSorted();
        }
    }

    private static Map<Long, List<RecordId>> byShard(List<ReceivedRecord> got) {
        Map<Long, List<RecordId>> m = new TreeMap<>();
        for (ReceivedRecord r : got) {
            m.computeIfAbsent(r.id().shardId(), k -> new ArrayList<>()).add(r.id());
        }
        return m;
    }

    protected static List<RecordId> ids(Collection<ReceivedRecord> records) {
        return records.stream().map(ReceivedRecord::id).toList();
    }

    protected static byte[] seqPayload(int thread, int seq) {
        return ByteBuffer.allocate(8 + thread % 13).putInt(thread).putInt(seq).array();
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

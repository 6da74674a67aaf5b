package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.config.Configuration;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryListener;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Debezium's offsets and schema history in the task's key/value store, in the stock key layout. */
class KvStorageTest {

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void offsetsOfAllPartitionsLiveUnderOneStockKeyAndReadBack() throws Exception {
        var kv = new InMemoryKeyValueStore();
        var store = new KvOffsetBackingStore(kv);
        String k1 = "[\"engine\",{\"server\":\"a\"}]";
        String k2 = "[\"engine\",{\"server\":\"b\"}]";
        AtomicReference<Throwable> callbackError = new AtomicReference<>(new Throwable("not called"));
        store.set(Map.of(utf8(k1), utf8("{\"file\":\"mysql-bin.000001\",\"pos\":4}")),
                (e, v) -> callbackError.set(e)).get();
        store.set(Map.of(utf8(k2), utf8("{\"lsn\":42}")), (e, v) -> {}).get();
        store.set(Map.of(utf8(k1), utf8("{\"file\":\"mysql-bin.000002\",\"pos\":8}")), (e, v) -> {}).get();
        assertThat(callbackError.get()).isNull();

        assertThat(kv.scan("").keySet()).containsExactly(KvOffsetBackingStore.KEY);
        Map<String, Object> stored = new ObjectMapper().readValue(kv.get(KvOffsetBackingStore.KEY).orElseThrow(),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
        assertThat(stored).containsOnlyKeys(k1, k2);
        assertThat(stored.get(k1)).isEqualTo("{\"file\":\"mysql-bin.000002\",\"pos\":8}");

        // A new store instance (a restarted task) reads what the old one wrote.
        var reread = new KvOffsetBackingStore(kv).get(List.of(utf8(k1), utf8(k2), utf8("[\"x\"]"))).get();
        assertThat(reread).hasSize(2);
        assertThat(StandardCharsets.UTF_8.decode(reread.get(utf8(k2))).toString()).isEqualTo("{\"lsn\":42}");
    }

    @Test
    void schemaHistoryUsesStockKeysAndRecoversInOrder() {
        var kv = new InMemoryKeyValueStore();
        String id = KvRegistry.register(kv);
        try {
            var history = new KvSchemaHistory();
            history.configure(Configuration.create()
                            .with("schema.history.internal." + KvRegistry.ID_PROPERTY, id).build(),
                    HistoryRecordComparator.INSTANCE, SchemaHistoryListener.NOOP, false);
            history.start();
            assertThat(history.exists()).isFalse();
            for (int i = 0; i < 3; i++) {
                history.record(Map.of("server", "s"), Map.of("pos", i), "db", "CREATE TABLE t" + i + " (id INT)");
            }
            assertThat(history.exists()).isTrue();
            assertThat(kv.scan("history_").keySet())
                    .containsExactlyInAnyOrder("history_0", "history_1", "history_2", "history_count");
            assertThat(new String(kv.get("history_count").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("3");

            List<String> ddl = new ArrayList<>();
            history.recoverRecords(r -> ddl.add(r.document().getString("ddl")));
            assertThat(ddl).containsExactly("CREATE TABLE t0 (id INT)", "CREATE TABLE t1 (id INT)",
                    "CREATE TABLE t2 (id INT)");
            assertThat(KvSchemaHistory.readAll(kv)).extracting(HistoryRecord::document)
                    .extracting(d -> d.getDocument("position").getInteger("pos")).containsExactly(0, 1, 2);
        } finally {
            KvRegistry.unregister(id);
        }
    }

    @Test
    void theStoredBinlogPositionIsWhereTheStreamResumesEvenWhenMarkedAsASnapshots() throws Exception {
        var kv = new InMemoryKeyValueStore();
        assertThat(KvOffsetBackingStore.storedBinlogProgress(kv)).isNull();
        var store = new KvOffsetBackingStore(kv);
        String k1 = "[\"engine\",{\"server\":\"a\"}]";
        // What a parallel snapshot's engine stores after its schema-only snapshot, before any change.
        store.set(Map.of(utf8(k1), utf8("{\"ts_sec\":1,\"file\":\"mysql-bin.000002\",\"pos\":396330582,"
                + "\"gtids\":\"0-1-12506\",\"snapshot\":\"INITIAL\"}")), (e, v) -> {}).get();
        assertThat(KvOffsetBackingStore.storedBinlogProgress(kv)).containsExactly(2L, 396330582L);
        // A PostgreSQL offset has no binlog position; two partitions leave it open which one the stream is.
        var pg = new InMemoryKeyValueStore();
        new KvOffsetBackingStore(pg).set(Map.of(utf8(k1), utf8("{\"lsn\":42}")), (e, v) -> {}).get();
        assertThat(KvOffsetBackingStore.storedBinlogProgress(pg)).isNull();
        store.set(Map.of(utf8("[\"engine\",{\"server\":\"b\"}]"), utf8("{\"file\":\"mysql-bin.000003\",\"pos\":4}")),
                (e, v) -> {}).get();
        assertThat(KvOffsetBackingStore.storedBinlogProgress(kv)).isNull();
    }
}

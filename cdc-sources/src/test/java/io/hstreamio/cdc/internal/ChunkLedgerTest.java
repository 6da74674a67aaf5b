package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.snapshot.Chunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkLedgerTest {
    private static final TableId ID = TableId.of("shop", "orders");
    private static final TableSchema ORDERS = schema(LogicalType.STRING, LogicalType.INT64);

    private final InMemoryKeyValueStore state = new InMemoryKeyValueStore();
    private final ChunkLedger ledger = new ChunkLedger(state);

    private static TableSchema schema(LogicalType first, LogicalType second) {
        return new TableSchema(ID, List.of(ColumnSchema.builder("region", first).build(),
                ColumnSchema.builder("id", second).build(), ColumnSchema.builder("note", LogicalType.STRING).build()),
                List.of("region", "id"));
    }

    private static Chunk chunk(int index, Object[] lower, Object[] upper) {
        return new Chunk(ORDERS, index, lower, upper, null, true);
    }

    private final List<Chunk> chunks = List.of(
            chunk(0, null, new Object[] {"eu", 10L}),
            chunk(1, new Object[] {"eu", 10L}, new Object[] {"eu", 20L}),
            chunk(2, new Object[] {"eu", 20L}, new Object[] {"us", 5L}),
            chunk(3, new Object[] {"us", 5L}, new Object[] {"us", 9L}));

    @Test
    void aRestartReadsTheChunksNotDoneAgainAndSplitsOnAfterTheLast() {
        chunks.forEach(ledger::split);
        ledger.done(chunks.get(0), 7);
        ledger.done(chunks.get(2), 5);

        ChunkLedger.Plan plan = ledger.plan(ORDERS, "test");

        assertThat(plan.doneChunks()).isEqualTo(2);
        assertThat(plan.doneRows()).isEqualTo(12);
        assertThat(plan.resume().again().stream().map(Chunk::describe))
                .containsExactly(chunks.get(1).describe(), chunks.get(3).describe());
        assertThat(plan.resume().last().index()).isEqualTo(3);
        assertThat(plan.resume().last().upper()).isEqualTo(new Object[] {"us", 9L});
    }

    @Test
    void theLastChunkWithoutUpperBoundEndsTheSplitting() {
        ledger.split(chunk(0, null, new Object[] {"eu", 10L}));
        ledger.split(chunk(1, new Object[] {"eu", 10L}, null));
        ledger.done(chunk(1, new Object[] {"eu", 10L}, null), 3);

        ChunkLedger.Plan plan = ledger.plan(ORDERS, "test");

        assertThat(plan.resume().last().upper()).isNull();
        assertThat(plan.resume().again()).extracting(Chunk::index).containsExactly(0);
    }

    @Test
    void aRecordWithAGapIsReadWholeAndForgotten() {
        chunks.forEach(ledger::split);
        state.delete(state.scan(ChunkLedger.PREFIX).firstKey()); // chunk 0: a forget cut short

        assertThat(ledger.plan(ORDERS, "test").resume()).isNull();
        assertThat(state.scan(ChunkLedger.PREFIX)).isEmpty();
    }

    @Test
    void aKeyOfAnotherTypeNowIsReadWhole() {
        chunks.forEach(ledger::split);

        assertThat(ledger.plan(schema(LogicalType.STRING, LogicalType.INT32), "test").resume()).isNull();
        assertThat(state.scan(ChunkLedger.PREFIX)).isEmpty();
    }

    @Test
    void forgettingATableLeavesTheOthers() {
        chunks.forEach(ledger::split);
        TableSchema other = new TableSchema(TableId.of("shop", "orders2"), ORDERS.columns(), ORDERS.primaryKey());
        ledger.split(new Chunk(other, 0, null, null, null, true));

        assertThat(ledger.tables()).containsExactly(ID.toString(), other.id().toString());

        ledger.forget(ID.toString());

        assertThat(ChunkLedger.entries(state, ID.toString())).isEmpty();
        assertThat(ChunkLedger.entries(state, other.id().toString())).hasSize(1);
    }

    @Test
    void keylessTablesAreNotRecorded() {
        TableSchema heap = new TableSchema(ID, ORDERS.columns(), List.of());
        ledger.split(new Chunk(heap, 0, null, null, "ctid < '(10,0)'", false));

        assertThat(state.scan(ChunkLedger.PREFIX)).isEmpty();
    }
}

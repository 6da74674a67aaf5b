package io.hstreamio.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.hstreamio.core.testing.RandomCases;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchReducerTest {
    private static final TableSchema T = new TableSchema(TableId.of("db", "t"), List.of(
            ColumnSchema.builder("k", LogicalType.INT32).nullable(false).build(),
            ColumnSchema.builder("v", LogicalType.STRING).build()), List.of("k"));
    private static final int[] KEY = {0};

    private static Row row(int k, String v) {
        return Row.of(T, k, v);
    }

    @Test
    void lastChangePerKeyWinsAndKeyChangeDeletesTheOldKey() {
        var r = BatchReducer.reduce(List.of(
                ChangeEvent.insert(T, row(1, "a"), null, null),
                ChangeEvent.update(T, row(1, "a"), row(1, "b"), null, null),
                ChangeEvent.insert(T, row(2, "x"), null, null),
                ChangeEvent.update(T, row(2, "x"), row(3, "x"), null, null),
                ChangeEvent.delete(T, row(1, "b"), null, null),
                ChangeEvent.insert(T, row(1, "c"), null, null)), KEY);
        assertThat(r.deletes()).extracting(k -> k.values()[0]).containsExactly(2);
        assertThat(r.upserts()).containsExactly(row(3, "x"), row(1, "c"));
    }

    @Test
    void decimalKeysMeetWhateverTheirScale() {
        TableSchema d = new TableSchema(TableId.of("db", "d"), List.of(
                ColumnSchema.builder("k", LogicalType.DECIMAL).nullable(false).build()), List.of("k"));
        var r = BatchReducer.reduce(List.of(
                ChangeEvent.insert(d, Row.of(d, new BigDecimal("1.0")), null, null),
                ChangeEvent.delete(d, Row.of(d, new BigDecimal("1.00")), null, null)), KEY);
        assertThat(r.upserts()).isEmpty();
        assertThat(r.deletes()).hasSize(1);
    }

    /** Applying the reduction (deletes, then upserts) to a table gives what applying every change does. */
    @Test
    void reductionEqualsApplyingEveryChange() {
        RandomCases.forAll(gen -> reductionEqualsApplyingEveryChange(new Random(gen.anyLong())));
    }

    private static void reductionEqualsApplyingEveryChange(Random rnd) {
        Map<Integer, Row> start = new HashMap<>();
        for (int k = 0; k < 8; k++) {
            if (rnd.nextBoolean()) {
                start.put(k, row(k, "s" + k));
            }
        }
        Map<Integer, Row> state = new HashMap<>(start);
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < rnd.nextInt(40); i++) {
            int k = rnd.nextInt(8);
            Row old = state.get(k);
            if (old == null) {
                Row r = row(k, "i" + i);
                events.add(ChangeEvent.insert(T, r, null, null));
                state.put(k, r);
            } else if (rnd.nextInt(3) == 0) {
                events.add(ChangeEvent.delete(T, old, null, null));
                state.remove(k);
            } else {
                int to = rnd.nextBoolean() ? k : rnd.nextInt(8);
                if (to != k && state.containsKey(to)) {
                    continue;
                }
                Row r = row(to, "u" + i);
                events.add(ChangeEvent.update(T, old, r, null, null));
                state.remove(k);
                state.put(to, r);
            }
        }
        var reduced = BatchReducer.reduce(events, KEY);
        Map<Integer, Row> applied = new HashMap<>(start);
        reduced.deletes().forEach(k -> applied.remove((Integer) k.values()[0]));
        reduced.upserts().forEach(r -> applied.put((Integer) r.get(0), r));
        assertThat(applied).isEqualTo(state);
        assertThat(reduced.deletes().size() + reduced.upserts().size()).isLessThanOrEqualTo(events.size() * 2);
    }
}

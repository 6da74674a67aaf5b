package io.hstreamio.sink.write;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces a run of row changes to one table with a primary key to the final state of each key it touches: the last
 * change per key wins. An UPDATE whose key changed deletes the old key and writes the new one.
 *
 * <p>The result applies correctly as "all deletes, then all upserts in the order of each key's last change": a key
 * is either deleted or upserted, never both, and the upsert order follows the source, so a unique value that moved
 * from one row to a later one is freed before it is taken.
 */
public final class BatchReducer {
    private BatchReducer() {}

    /**
     * @param deletes keys whose final state is "absent", in the order of their last change
     * @param upserts final rows, in the order of their key's last change
     */
    public record Reduced(List<RowKey> deletes, List<Row> upserts) {}

    private record Op(Row row) {} // row null: delete

    public static Reduced reduce(List<ChangeEvent> events, int[] keyPositions) {
        Map<RowKey, Op> last = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            switch (e.type()) {
                case READ, INSERT -> put(last, key(e.after(), keyPositions), new Op(e.after()));
                case UPDATE -> {
                    RowKey newKey = key(e.after(), keyPositions);
                    if (e.before() != null) {
                        RowKey oldKey = key(e.before(), keyPositions);
                        if (!oldKey.equals(newKey)) {
                            put(last, oldKey, new Op(null));
                        }
                    }
                    put(last, newKey, new Op(e.after()));
                }
                case DELETE -> put(last, key(e.before(), keyPositions), new Op(null));
                default -> throw new IllegalArgumentException("not a row change: " + e.type());
            }
        }
        List<RowKey> deletes = new ArrayList<>();
        List<Row> upserts = new ArrayList<>();
        last.forEach((k, op) -> {
            if (op.row() == null) {
                deletes.add(k);
            } else {
                upserts.add(op.row());
            }
        });
        return new Reduced(deletes, upserts);
    }

    private static void put(Map<RowKey, Op> last, RowKey key, Op op) {
        last.remove(key); // re-insert so iteration follows the key's last change
        last.put(key, op);
    }

    private static RowKey key(Row row, int[] positions) {
        return RowKey.of(row, positions);
    }
}

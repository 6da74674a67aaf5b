package io.hstreamio.cdc.internal;

import io.hstreamio.core.codec.CodecException;
import io.hstreamio.core.codec.TypedValues;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.snapshot.Chunk;
import io.hstreamio.snapshot.SnapshotReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parallel snapshot's progress per chunk, in the task's key/value state, so that a restart reads again only the
 * chunks whose rows are not durable: {@code handoff.chunk/<table>/<index>} is written for each chunk as it is split,
 * before any worker reads it, and rewritten as done once the chunk's rows are durable in the stream. Since chunks are
 * recorded in the order they are split, a table's records always run from chunk 0 to the last chunk handed out.
 *
 * <p>A value is {@link TypedValues}: done, rows put into the stream (when done), whether there is a lower and an upper
 * bound, then the bounds' key values, typed, so a key that changed type since is noticed rather than misread.
 * Keyless tables are not recorded: their physical ranges move as rows are updated, so they resume whole.
 *
 * <p>Thread-safe (the store is); {@link #split} comes from the snapshot's splitter, {@link #done} from the task thread.
 */
public final class ChunkLedger {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkLedger.class);
    /** Task state: one key per chunk handed out of a table not done yet. */
    public static final String PREFIX = "handoff.chunk/";
    private static final int HEADER = 4; // done, rows, has lower, has upper

    private final KeyValueStore state;

    public ChunkLedger(KeyValueStore state) {
        this.state = state;
    }

    /** A chunk as recorded; {@code keyTypes} are the types its bounds were written with (empty without bounds). */
    public record Entry(int index, Object[] lower, Object[] upper, boolean done, long rows,
            List<LogicalType> keyTypes) {}

    /** What a restart does with a table: {@code resume} null means read it whole. */
    record Plan(SnapshotReader.Resume resume, int doneChunks, long doneRows) {
        static final Plan WHOLE = new Plan(null, 0, 0);
    }

    /** Splitter: {@code chunk} is about to be handed out. */
    void split(Chunk chunk) {
        if (chunk.keyed()) {
            state.put(key(chunk.table().id().toString(), chunk.index()), encode(chunk, false, 0));
        }
    }

    /** Task thread: {@code chunk}'s {@code rows} rows (those not left to newer changes) are durable in the stream. */
    void done(Chunk chunk, long rows) {
        if (chunk.keyed()) {
            state.put(key(chunk.table().id().toString(), chunk.index()), encode(chunk, true, rows));
        }
    }

    /**
     * Deletes a table's records, chunk 0 first: a restart that finds a later chunk but not chunk 0 (a delete cut
     * short, or a split racing it) sees a broken record and reads the table whole.
     */
    void forget(String table) {
        for (String k : state.scan(prefix(table)).keySet()) {
            state.delete(k);
        }
    }

    /** The tables with records. */
    java.util.Set<String> tables() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String k : state.scan(PREFIX).keySet()) {
            out.add(k.substring(PREFIX.length(), k.lastIndexOf('/')));
        }
        return out;
    }

    /** Every table's records (one forgotten snapshot). */
    static void forgetAll(KeyValueStore state) {
        for (String k : state.scan(PREFIX).keySet()) {
            state.delete(k);
        }
    }

    /** A table's records in index order (tests and diagnostics); records that do not decode are left out. */
    public static List<Entry> entries(KeyValueStore state, String table) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : state.scan(prefix(table)).entrySet()) {
            try {
                out.add(decode(e.getKey(), e.getValue()));
            } catch (RuntimeException ex) { // CodecException, or a value not of the type written
                // left out: plan() says why it reads such a table whole
            }
        }
        return out;
    }

    /**
     * How a restart reads {@code table}: the recorded chunks not done again, with their bounds and indexes, then on
     * from the last recorded chunk; whole when nothing or something unusable is recorded (then the records go).
     */
    Plan plan(TableSchema table, String source) {
        String name = table.id().toString();
        Map<String, byte[]> raw = state.scan(prefix(name));
        if (raw.isEmpty()) {
            return Plan.WHOLE;
        }
        String problem = null;
        List<Entry> entries = new ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> e : raw.entrySet()) {
                entries.add(decode(e.getKey(), e.getValue()));
            }
            problem = check(table, entries);
        } catch (RuntimeException e) { // CodecException, or a value not of the type written
            problem = "a record does not decode (" + e.getMessage() + ")";
        }
        if (problem != null) {
            LOG.warn("Source {}: the snapshot progress of {} is unusable ({}); reading the table whole", source,
                    name, problem);
            forget(name);
            return Plan.WHOLE;
        }
        List<Chunk> again = new ArrayList<>();
        long doneRows = 0;
        int done = 0;
        for (Entry e : entries) {
            if (e.done()) {
                done++;
                doneRows += e.rows();
            } else {
                again.add(chunk(table, e));
            }
        }
        Chunk last = chunk(table, entries.get(entries.size() - 1));
        return new Plan(new SnapshotReader.Resume(again, last), done, doneRows);
    }

    /** Null when the records are chunks 0..n of the table's current key, each starting where the one before ended. */
    private static String check(TableSchema table, List<Entry> entries) {
        if (!table.hasPrimaryKey()) {
            return "the table has no primary key now";
        }
        List<LogicalType> types = keyTypes(table);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.index() != i) {
                return "chunk " + i + " is missing";
            }
            Object[] before = i == 0 ? null : entries.get(i - 1).upper();
            if (i > 0 && before == null) {
                return "chunk " + (i - 1) + " was the last, yet chunk " + i + " follows";
            }
            if (!Arrays.deepEquals(before, e.lower())) {
                return "chunk " + i + " does not start where chunk " + (i - 1) + " ended";
            }
            if (!e.keyTypes().isEmpty() && !types.equals(e.keyTypes())) {
                return "the primary key is " + types + " now, the records hold " + e.keyTypes();
            }
        }
        return null;
    }

    private static List<LogicalType> keyTypes(TableSchema table) {
        return table.primaryKey().stream().map(c -> table.column(c).type()).toList();
    }

    private static Chunk chunk(TableSchema table, Entry e) {
        return new Chunk(table, e.index(), e.lower(), e.upper(), null, true);
    }

    private static byte[] encode(Chunk chunk, boolean done, long rows) {
        List<LogicalType> key = keyTypes(chunk.table());
        List<LogicalType> types = new ArrayList<>(List.of(LogicalType.BOOLEAN, LogicalType.INT64, LogicalType.BOOLEAN,
                LogicalType.BOOLEAN));
        List<Object> values = new ArrayList<>(List.of(done, rows, chunk.lower() != null, chunk.upper() != null));
        for (Object[] bound : new Object[][] {chunk.lower(), chunk.upper()}) {
            if (bound != null) {
                types.addAll(key);
                values.addAll(Arrays.asList(bound));
            }
        }
        return TypedValues.encode(types, values.toArray());
    }

    private static Entry decode(String key, byte[] value) {
        TypedValues.Decoded d = TypedValues.decode(value);
        Object[] v = d.values();
        int bounds = (Boolean) v[2] ? 1 : 0;
        bounds += (Boolean) v[3] ? 1 : 0;
        int width = bounds == 0 ? 0 : (v.length - HEADER) / bounds;
        if (v.length != HEADER + bounds * width) {
            throw new CodecException(key + ": " + (v.length - HEADER) + " key values for " + bounds + " bound(s)");
        }
        Object[] lower = (Boolean) v[2] ? Arrays.copyOfRange(v, HEADER, HEADER + width) : null;
        Object[] upper = (Boolean) v[3] ? Arrays.copyOfRange(v, v.length - width, v.length) : null;
        int index = Integer.parseInt(key.substring(key.lastIndexOf('/') + 1));
        List<LogicalType> keyTypes = d.types().subList(HEADER, HEADER + width);
        return new Entry(index, lower, upper, (Boolean) v[0], (Long) v[1], keyTypes);
    }

    private static String prefix(String table) {
        return PREFIX + table + "/";
    }

    /** Zero-padded, so that the store's key order is index order. */
    private static String key(String table, int index) {
        return prefix(table) + String.format("%010d", index);
    }
}

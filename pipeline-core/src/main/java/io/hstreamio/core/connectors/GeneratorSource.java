package io.hstreamio.core.connectors;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.OptionException;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.SourceTask;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A source of deterministic rows: row {@code n} of a given seed is always the same, so a test or benchmark can check
 * every value at the far end. Emits inserts, and with {@code updateEvery} an update of an earlier row every so often.
 * Resumes after the last committed row.
 */
public final class GeneratorSource implements SourceConnector {
    public static final OptionDef<Long> ROWS = OptionDef.longInt("rows")
            .doc("How many rows to generate; 0 generates until stopped.")
            .defaultValue(1_000_000L)
            .validator(Validators.range(0, Long.MAX_VALUE))
            .build();
    public static final OptionDef<Long> RATE = OptionDef.longInt("rate")
            .doc("Rows per second at most; 0 means as fast as possible.")
            .defaultValue(0L)
            .validator(Validators.range(0, Long.MAX_VALUE))
            .build();
    public static final OptionDef<Integer> BATCH = OptionDef.integer("batch")
            .doc("Rows per poll.")
            .defaultValue(1000)
            .validator(Validators.range(1, 100_000))
            .build();
    public static final OptionDef<Long> SEED = OptionDef.longInt("seed")
            .doc("The seed that fixes every generated value.")
            .defaultValue(42L)
            .build();
    public static final OptionDef<String> TABLE = OptionDef.string("table")
            .doc("The name of the generated table.")
            .defaultValue("orders")
            .validator(Validators.nonEmpty())
            .build();
    public static final OptionDef<Integer> UPDATE_EVERY = OptionDef.integer("updateEvery")
            .doc("Every n-th event (n >= 2) updates an earlier row instead of inserting; 0 inserts only.")
            .defaultValue(0)
            .validator((name, v) -> {
                if (v < 0 || v == 1) {
                    throw new OptionException(name, "option '" + name + "' must be 0 or at least 2, got " + v);
                }
            })
            .build();

    private static final OptionsDefinition OPTIONS = OptionsDefinition.builder("generator source")
            .add(ROWS, RATE, BATCH, SEED, TABLE, UPDATE_EVERY)
            .build();

    @Override
    public String name() {
        return "generator";
    }

    @Override
    public OptionsDefinition options() {
        return OPTIONS;
    }

    @Override
    public SourceTask createTask() {
        return new Task();
    }

    /** The schema of the generated table. */
    public static TableSchema schema(String table) {
        return new TableSchema(TableId.of("generator", table), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).sourceType("BIGINT").nullable(false).build(),
                ColumnSchema.builder("customer", LogicalType.STRING).sourceType("VARCHAR").length(64).build(),
                ColumnSchema.builder("amount", LogicalType.DECIMAL).sourceType("DECIMAL").precision(12).scale(2)
                        .build(),
                ColumnSchema.builder("created_at", LogicalType.TIMESTAMP_TZ).sourceType("TIMESTAMP").precision(6)
                        .build(),
                ColumnSchema.builder("note", LogicalType.STRING).sourceType("TEXT").build()),
                List.of("id"));
    }

    /**
     * Event {@code n} (1-based) of a generator: the row it writes. An update of row {@code k} writes row {@code k}
     * with the version {@code n}.
     */
    public static Row row(TableSchema schema, long seed, long id, long version) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + id * 31 + version);
        String customer = "customer-" + r.nextInt(100_000);
        BigDecimal amount = BigDecimal.valueOf(r.nextLong(0, 10_000_000_00L), 2);
        Instant created = Instant.ofEpochSecond(1_600_000_000L + id, r.nextInt(1_000_000) * 1000L);
        String note = "v" + version + " " + Long.toHexString(r.nextLong());
        return Row.of(schema, id, customer, amount, created, note);
    }

    /** Inserts among the events before event {@code n} (1-based). */
    static long insertsBefore(long n, int updateEvery) {
        long before = n - 1;
        return updateEvery > 0 ? before - before / updateEvery : before;
    }

    /** Whether event {@code n} (1-based) updates an earlier row rather than inserting a new one. */
    public static boolean isUpdate(long n, int updateEvery) {
        return updateEvery > 0 && n % updateEvery == 0;
    }

    /** The id of the row event {@code n} (1-based) inserts or updates; a function of n alone, so resumes agree. */
    public static long rowId(long n, int updateEvery) {
        long inserts = insertsBefore(n, updateEvery);
        return isUpdate(n, updateEvery) ? 1 + Math.floorMod(n * 7919, inserts) : inserts + 1;
    }

    static final class Task implements SourceTask {
        private TableSchema schema;
        private long rows;
        private long rate;
        private int batch;
        private long seed;
        private int updateEvery;
        private long next;
        private Clock clock;
        private Instant startedAt;
        private long startedAtEvent;
        private volatile boolean stopped;
        private String sourceName;

        @Override
        public void start(Options options, SourceContext context) {
            schema = schema(options.get(TABLE));
            rows = options.get(ROWS);
            rate = options.get(RATE);
            batch = options.get(BATCH);
            seed = options.get(SEED);
            updateEvery = options.get(UPDATE_EVERY);
            clock = context.clock();
            sourceName = "generator:" + context.taskId();
            next = context.committedPosition().map(p -> p.order()[0] + 1).orElse(1L);
            startedAt = clock.instant();
            startedAtEvent = next;
        }

        @Override
        public List<ChangeEvent> poll() throws InterruptedException {
            if (stopped) {
                return List.of();
            }
            if (rows > 0 && next > rows) {
                return null;
            }
            long count = rows > 0 ? Math.min(batch, rows - next + 1) : batch;
            if (rate > 0) {
                long allowed = (clock.millis() - startedAt.toEpochMilli()) * rate / 1000 - (next - startedAtEvent);
                if (allowed <= 0) {
                    Thread.sleep(Math.max(1, 1000 / rate));
                    return List.of();
                }
                count = Math.min(count, allowed);
            }
            List<ChangeEvent> out = new ArrayList<>((int) count);
            if (next == 1) {
                out.add(ChangeEvent.schemaChange(schema.id(), schema, null, position(0), null));
            }
            Instant now = clock.instant();
            for (long i = 0; i < count; i++, next++) {
                long id = rowId(next, updateEvery);
                SourcePosition pos = position(next);
                if (isUpdate(next, updateEvery)) {
                    // The before-image is the key only: the generator does not track versions it wrote earlier.
                    out.add(ChangeEvent.update(schema, keyOnly(id), row(schema, seed, id, next), pos, now));
                } else {
                    out.add(ChangeEvent.insert(schema, row(schema, seed, id, 0), pos, now));
                }
            }
            return out;
        }

        private Row keyOnly(long id) {
            return Row.of(schema, id, null, null, null, null);
        }

        private SourcePosition position(long n) {
            return new SourcePosition(sourceName, new long[] {n}, Map.of("event", Long.toString(n)));
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}

package io.hstreamio.snapshot;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;
import java.util.List;
import java.util.Map;

/** The snapshot's options: one declarative definition, parsed once into immutable {@link Options}. */
public final class SnapshotOptions {
    private SnapshotOptions() {}

    public static final OptionDef<List<String>> TABLES = OptionDef.list("tables")
            .doc("Tables to read: comma-separated names or globs (* and ?), matched against the table name or "
                    + "database.table / schema.table. Unset: every table.").build();
    public static final OptionDef<Integer> PARALLELISM = OptionDef.integer("parallelism")
            .doc("Chunks read (and written) at the same time, each over its own connection.").defaultValue(4)
            .validator(Validators.positive()).build();
    public static final OptionDef<Integer> CHUNK_ROWS = OptionDef.integer("chunk.rows")
            .doc("Rows per chunk: the unit of parallel work, of consistency (without --consistent) and of commit.")
            .defaultValue(50_000).validator(Validators.positive()).build();
    public static final OptionDef<Long> CHUNK_BYTES = OptionDef.longInt("chunk.bytes")
            .doc("Estimated bytes per chunk at the source: a table's chunks hold at most chunk.bytes / its row width "
                    + "rows (fewer than chunk.rows when rows are wide). The width is the larger of the catalog's "
                    + "(MariaDB avg_row_length, PostgreSQL table size per row) and that of a sample of 100 rows, "
                    + "since stale statistics and values stored off the row (BLOB pages, TOAST) escape the catalog.")
            .defaultValue(64L << 20).validator(Validators.positive()).build();
    public static final OptionDef<Integer> BATCH_ROWS = OptionDef.integer("batch.rows")
            .doc("Rows handed to the consumer at a time; bounds memory per worker.").defaultValue(10_000)
            .validator(Validators.positive()).build();
    public static final OptionDef<Long> BATCH_BYTES = OptionDef.longInt("batch.bytes")
            .doc("Estimated heap bytes of rows handed to the consumer at a time: batches end at batch.rows or here, "
                    + "whichever comes first, so wide rows stay bounded too.").defaultValue(8L << 20)
            .validator(Validators.positive()).build();
    public static final OptionDef<Integer> FETCH_SIZE = OptionDef.integer("fetch.size")
            .doc("Rows the driver fetches per round trip of a streaming read.").defaultValue(5_000)
            .validator(Validators.positive()).build();
    public static final OptionDef<Boolean> CONSISTENT = OptionDef.bool("consistent")
            .doc("Read every chunk from one consistent snapshot (PostgreSQL: exported snapshot; MySQL/MariaDB: a "
                    + "brief FLUSH TABLES WITH READ LOCK while workers open consistent-snapshot transactions). "
                    + "Otherwise each chunk is consistent on its own.").defaultValue(false).build();

    public static final OptionsDefinition DEFINITION = OptionsDefinition.builder("snapshot")
            .add(TABLES, PARALLELISM, CHUNK_ROWS, CHUNK_BYTES, BATCH_ROWS, BATCH_BYTES, FETCH_SIZE, CONSISTENT).build();

    public static Options parse(Map<String, ?> raw) {
        return DEFINITION.parse(raw);
    }
}

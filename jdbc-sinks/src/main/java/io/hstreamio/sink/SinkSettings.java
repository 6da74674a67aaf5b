package io.hstreamio.sink;

import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.SqlDialect;
import java.util.Objects;

/**
 * Everything a {@link JdbcSinkWriter} needs besides its connections. Immutable.
 *
 * @param dialect            the target database kind
 * @param sinkName           identifies this sink's checkpoints in the target; must stay the same across restarts
 * @param mapping            which source tables go where
 * @param mappingOptions     type-mapping choices
 * @param checkpointSchema   schema (PostgreSQL) or database (MySQL) holding the checkpoint table; null for none
 *                           (one-shot bulk loads whose records carry no stream position worth keeping)
 * @param createTables       create missing target tables (else a missing table is an error)
 * @param dryRun             plan only: log DDL and risky casts, write nothing
 * @param maxBufferedRecords write() flushes by itself beyond this many buffered records
 * @param batchSize          rows per JDBC batch
 * @param copyThreshold      snapshot rows of one table in one flush from which PostgreSQL COPY is used
 * @param dropColumns        a column dropped at the source is dropped in the target (else kept, made nullable)
 * @param dropTables         a table dropped at the source is dropped in the target (else left, and logged)
 */
public record SinkSettings(SqlDialect dialect, String sinkName, TableMapping mapping, MappingOptions mappingOptions,
                           String checkpointSchema, boolean createTables, boolean dryRun, int maxBufferedRecords,
                           int batchSize, int copyThreshold, boolean dropColumns, boolean dropTables) {

    public static final String DEFAULT_CHECKPOINT_SCHEMA = "_hstream_io";

    public SinkSettings {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(sinkName, "sinkName");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(mappingOptions, "mappingOptions");
        if (maxBufferedRecords < 1 || batchSize < 1 || copyThreshold < 1) {
            throw new IllegalArgumentException("buffer, batch size and copy threshold must be positive");
        }
    }

    /** Schema changes keep dropped columns and tables. */
    public SinkSettings(SqlDialect dialect, String sinkName, TableMapping mapping, MappingOptions mappingOptions,
                        String checkpointSchema, boolean createTables, boolean dryRun, int maxBufferedRecords,
                        int batchSize, int copyThreshold) {
        this(dialect, sinkName, mapping, mappingOptions, checkpointSchema, createTables, dryRun, maxBufferedRecords,
                batchSize, copyThreshold, false, false);
    }

    public SinkSettings withSchemaDrops(boolean columns, boolean tables) {
        return new SinkSettings(dialect, sinkName, mapping, mappingOptions, checkpointSchema, createTables, dryRun,
                maxBufferedRecords, batchSize, copyThreshold, columns, tables);
    }

    public static SinkSettings defaults(SqlDialect dialect, String sinkName, TableMapping mapping) {
        return new SinkSettings(dialect, sinkName, mapping, MappingOptions.DEFAULTS, DEFAULT_CHECKPOINT_SCHEMA, true,
                false, 50_000, 5_000, 1_000);
    }

    public SinkSettings withDryRun(boolean v) {
        return new SinkSettings(dialect, sinkName, mapping, mappingOptions, checkpointSchema, createTables, v,
                maxBufferedRecords, batchSize, copyThreshold, dropColumns, dropTables);
    }

    public SinkSettings withMappingOptions(MappingOptions v) {
        return new SinkSettings(dialect, sinkName, mapping, v, checkpointSchema, createTables, dryRun,
                maxBufferedRecords, batchSize, copyThreshold, dropColumns, dropTables);
    }

    public SinkSettings withCopyThreshold(int v) {
        return new SinkSettings(dialect, sinkName, mapping, mappingOptions, checkpointSchema, createTables, dryRun,
                maxBufferedRecords, batchSize, v, dropColumns, dropTables);
    }

    /** Without a checkpoint table: for bulk loads, whose records are not replayed from a stream. */
    public SinkSettings withoutCheckpoints() {
        return new SinkSettings(dialect, sinkName, mapping, mappingOptions, null, createTables, dryRun,
                maxBufferedRecords, batchSize, copyThreshold, dropColumns, dropTables);
    }

    public SinkSettings withMaxBufferedRecords(int v) {
        return new SinkSettings(dialect, sinkName, mapping, mappingOptions, checkpointSchema, createTables, dryRun,
                v, batchSize, copyThreshold, dropColumns, dropTables);
    }
}

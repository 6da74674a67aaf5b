package io.hstreamio.core.record;

import java.time.Instant;
import java.util.Objects;

/**
 * One change at a source, as it travels through a stream.
 *
 * @param type          what happened
 * @param table         the table it happened to
 * @param schema        the table's shape that {@code before}/{@code after} follow; for SCHEMA_CHANGE the new shape,
 *                      null when the table was dropped; null for transaction boundaries
 * @param before        the row before the change (UPDATE, DELETE); null otherwise or when the source has none
 * @param after         the row after the change (READ, INSERT, UPDATE); null otherwise
 * @param position      where the change sits in the source's log; null for snapshot reads outside any log
 * @param commitTime    when the source committed the change; null when unknown (snapshot reads)
 * @param transactionId the source transaction, when known
 * @param ddl           the statement behind a SCHEMA_CHANGE or TRUNCATE, when known; a source without DDL events
 *                      (PostgreSQL) may state a change it recognised (column renames) as equivalent statements
 */
public record ChangeEvent(
        ChangeType type,
        TableId table,
        TableSchema schema,
        Row before,
        Row after,
        SourcePosition position,
        Instant commitTime,
        String transactionId,
        String ddl) {

    public ChangeEvent {
        Objects.requireNonNull(type, "type");
        switch (type) {
            case READ, INSERT -> require(after != null && before == null, type, "an after-row only");
            case UPDATE -> require(after != null, type, "an after-row");
            case DELETE -> require(before != null && after == null, type, "a before-row only");
            case SCHEMA_CHANGE, TRUNCATE -> require(before == null && after == null, type, "no rows");
            case TRANSACTION_BEGIN, TRANSACTION_END -> require(before == null && after == null, type, "no rows");
        }
        if (type != ChangeType.TRANSACTION_BEGIN && type != ChangeType.TRANSACTION_END) {
            Objects.requireNonNull(table, "table");
        }
        if (before != null || after != null) {
            Objects.requireNonNull(schema, "a row event needs its schema");
            if (!schema.id().equals(table)) {
                throw new IllegalArgumentException("schema of " + schema.id() + " given for table " + table);
            }
        }
    }

    public static ChangeEvent read(TableSchema schema, Row after) {
        return new ChangeEvent(ChangeType.READ, schema.id(), schema, null, after, null, null, null, null);
    }

    public static ChangeEvent insert(TableSchema schema, Row after, SourcePosition position, Instant commitTime) {
        return new ChangeEvent(ChangeType.INSERT, schema.id(), schema, null, after, position, commitTime, null, null);
    }

    public static ChangeEvent update(
            TableSchema schema, Row before, Row after, SourcePosition position, Instant commitTime) {
        return new ChangeEvent(ChangeType.UPDATE, schema.id(), schema, before, after, position, commitTime, null, null);
    }

    public static ChangeEvent delete(TableSchema schema, Row before, SourcePosition position, Instant commitTime) {
        return new ChangeEvent(ChangeType.DELETE, schema.id(), schema, before, null, position, commitTime, null, null);
    }

    public static ChangeEvent schemaChange(
            TableId table, TableSchema newSchema, String ddl, SourcePosition position, Instant commitTime) {
        return new ChangeEvent(ChangeType.SCHEMA_CHANGE, table, newSchema, null, null, position, commitTime, null, ddl);
    }

    /** The row that carries the key: after for reads, inserts and updates; before for deletes. */
    public Row keyRow() {
        return after != null ? after : before;
    }

    private static void require(boolean ok, ChangeType type, String what) {
        if (!ok) {
            throw new IllegalArgumentException(type + " event needs " + what);
        }
    }
}

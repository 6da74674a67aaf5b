package io.hstreamio.core.record;

/** What a {@link ChangeEvent} says happened. */
public enum ChangeType {
    /** A row read by a snapshot: {@code after} only. */
    READ,
    /** {@code after} only. */
    INSERT,
    /** {@code before} (full or key-only, as the source gives it) and {@code after}; the key may change. */
    UPDATE,
    /** {@code before} only. */
    DELETE,
    /** The table's shape changed: {@code schema} is the new shape (null when the table was dropped), {@code ddl} says how. */
    SCHEMA_CHANGE,
    /** All rows of the table were removed. */
    TRUNCATE,
    /** Optional transaction boundaries; {@code transactionId} names the transaction. */
    TRANSACTION_BEGIN,
    TRANSACTION_END
}

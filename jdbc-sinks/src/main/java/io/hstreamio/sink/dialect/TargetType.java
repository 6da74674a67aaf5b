package io.hstreamio.sink.dialect;

import java.util.List;

/**
 * What a source column becomes in a target database.
 *
 * @param ddl           the column type as written in CREATE TABLE, e.g. {@code numeric(20,0)}
 * @param check         a CHECK constraint body over the quoted column (ENUM/SET as text), or null
 * @param preStatements statements that must run before CREATE TABLE (e.g. {@code CREATE TYPE ... AS ENUM})
 * @param notes         every lossy or risky aspect of this mapping, one sentence each; empty when exact
 * @param bind          how values are bound for this target column
 */
public record TargetType(String ddl, String check, List<String> preStatements, List<String> notes, Bind bind) {

    public TargetType {
        preStatements = List.copyOf(preStatements);
        notes = List.copyOf(notes);
    }

    /** Value conversions the writers need beyond the logical type's natural JDBC binding. */
    public enum Bind {
        /** The logical type's natural binding. */
        NATIVE,
        /** An INT32 (TINYINT(1)) written into a boolean column. */
        INT_AS_BOOLEAN,
        /** A bit string wider than the target's BIT limit, written as its bytes. */
        BITS_AS_BYTES,
        /** A PostgreSQL enum type: the text is cast to the type. */
        PG_ENUM
    }
}

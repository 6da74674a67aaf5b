package io.hstreamio.sink.dialect;

/**
 * Where a column is being mapped.
 *
 * @param source  the kind of database the column came from
 * @param inIndex whether the column is part of the primary key or an index (MySQL needs bounded types there)
 * @param target  the target table (PostgreSQL enum types are named after it)
 * @param options the user's mapping choices
 */
public record ColumnContext(SourceKind source, boolean inIndex, TableRef target, MappingOptions options) {}

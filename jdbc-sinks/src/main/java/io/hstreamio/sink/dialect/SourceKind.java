package io.hstreamio.sink.dialect;

import io.hstreamio.core.record.TableId;

/** Which kind of database a column came from; a few mappings depend on it (e.g. MySQL TIME vs PostgreSQL time). */
public enum SourceKind {
    MYSQL,
    POSTGRESQL;

    /** A PostgreSQL table id carries a schema; a MySQL/MariaDB one does not ({@link TableId}'s convention). */
    public static SourceKind of(TableId id) {
        return id.schema() != null ? POSTGRESQL : MYSQL;
    }
}

package io.hstreamio.core.record;

import java.util.List;
import java.util.Objects;

/** A secondary or unique index of a table (the primary key is {@link TableSchema#primaryKey()}). */
public record IndexSchema(String name, List<String> columns, boolean unique) {
    public IndexSchema {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("index " + name + " has no columns");
        }
    }
}

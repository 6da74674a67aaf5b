package io.hstreamio.core.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of one table: its columns in order, its primary key and its indexes.
 *
 * <p>A {@link Row} holds values positionally in {@link #columns()} order. The {@link #fingerprint()} identifies this
 * exact shape; row events in a stream carry it instead of the whole schema.
 *
 * @param primaryKey primary-key column names in key order; empty for a table without a primary key
 */
public record TableSchema(TableId id, List<ColumnSchema> columns, List<String> primaryKey, List<IndexSchema> indexes) {

    public TableSchema {
        Objects.requireNonNull(id, "id");
        columns = List.copyOf(columns);
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        indexes = indexes == null ? List.of() : List.copyOf(indexes);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            if (seen.put(columns.get(i).name(), i) != null) {
                throw new IllegalArgumentException("table " + id + " has two columns named " + columns.get(i).name());
            }
        }
        for (String pk : primaryKey) {
            if (!seen.containsKey(pk)) {
                throw new IllegalArgumentException("primary key column " + pk + " is not a column of " + id);
            }
        }
    }

    public TableSchema(TableId id, List<ColumnSchema> columns, List<String> primaryKey) {
        this(id, columns, primaryKey, List.of());
    }

    /** Position of the named column, or -1. */
    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    public ColumnSchema column(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("table " + id + " has no column " + name);
        }
        return columns.get(i);
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    /** Positions of the primary-key columns, in key order. */
    public int[] primaryKeyPositions() {
        int[] out = new int[primaryKey.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = indexOf(primaryKey.get(i));
        }
        return out;
    }

    /**
     * A 64-bit identity of this exact shape (all fields), stable across JVMs and versions of this class as long as
     * {@link #toString()}'s record form is unchanged.
     */
    public long fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(toString().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

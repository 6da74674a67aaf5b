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

 */
public final class TableSchema {
    private final TableId id;
    private final List<ColumnSchema> columns;
    private final List<String> primaryKey;
    private final List<IndexSchema> indexes;
    // Computed once: every row event is encoded with its schema's fingerprint, and schemas are shared by many rows.
    private volatile Long fingerprint;
    private int hash;

    public TableSchema(TableId id, List<ColumnSchema> columns, List<String> primaryKey, List<IndexSchema> indexes) {
        this.id = Objects.requireNonNull(id, "id");
        this.columns = columns = List.copyOf(columns);
        this.primaryKey = primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        this.indexes = indexes == null ? List.of() : List.copyOf(indexes);
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

    public TableId id() {
        return id;
    }

    /** Columns in row order. */
    public List<ColumnSchema> columns() {
        return columns;
    }

    /** Primary-key column names in key order; empty for a table without a primary key. */
    public List<String> primaryKey() {
        return primaryKey;
    }

    public List<IndexSchema> indexes() {
        return indexes;
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
     * A 64-bit identity of this exact shape (all fields), stable across JVMs as long as {@link #toString()}'s form is
     * unchanged. Computed once per instance.
     */
    public long fingerprint() {
        Long f = fingerprint;
        if (f == null) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(toString().getBytes(StandardCharsets.UTF_8));
                fingerprint = f = ByteBuffer.wrap(digest).getLong();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every Java platform", e);
            }
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TableSchema t && t.hashCode() == hashCode() && t.id.equals(id)
                && t.columns.equals(columns) && t.primaryKey.equals(primaryKey) && t.indexes.equals(indexes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Objects.hash(id, columns, primaryKey, indexes);
            hash = h;
        }
        return h;
    }

    /** The record-style form the fingerprint hashes; keep it stable. */
    @Override
    public String toString() {
        return "TableSchema[id=TableId[database=" + id.database() + ", schema=" + id.schema() + ", table=" + id.table()
                + "], columns=" + columns + ", primaryKey=" + primaryKey + ", indexes=" + indexes
                + "]";
    }
}

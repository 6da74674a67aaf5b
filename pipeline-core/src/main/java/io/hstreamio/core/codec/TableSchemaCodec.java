package io.hstreamio.core.codec;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link TableSchema} with every field of its columns and indexes: inside SCHEMA_CHANGE events,
 * and on its own (version byte, body, CRC32C) as the value of a durable registry entry.
 *
 * <p>Stateless and thread-safe.
 */
public final class TableSchemaCodec {
    /** First byte of a stand-alone schema; bump it when the body changes shape. */
    public static final int FORMAT_VERSION = 1;

    private static final int UNSIGNED = 1;
    private static final int NULLABLE = 2;
    private static final int AUTO_INCREMENT = 4;

    private TableSchemaCodec() {}

    public static byte[] encode(TableSchema schema) {
        ByteWriter w = new ByteWriter(256);
        w.writeByte(FORMAT_VERSION);
        write(w, schema);
        w.writeChecksum();
        return w.toByteArray();
    }

    public static TableSchema decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new CodecException("an empty value is not an encoded table schema");
        }
        int version = bytes[0] & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new CodecException("table schema format version " + version + " is not supported (this reader reads "
                    + FORMAT_VERSION + "); upgrade the reader");
        }
        verifyChecksum(bytes, "table schema");
        ByteReader r = new ByteReader(bytes, 1, bytes.length - 4, "table schema");
        TableSchema schema;
        try {
            schema = read(r);
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw r.corrupt(e.getMessage());
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " trailing byte(s)");
        }
        return schema;
    }

    static void write(ByteWriter w, TableSchema schema) {
        writeTableId(w, schema.id());
        List<ColumnSchema> columns = schema.columns();
        w.writeVarLong(columns.size());
        for (ColumnSchema c : columns) {
            w.writeString(c.name());
            w.writeByte(WireCodes.code(c.type()));
            w.writeString(c.sourceType());
            w.writeNullableInt(c.length());
            w.writeNullableInt(c.precision());
            w.writeNullableInt(c.scale());
            w.writeByte((c.unsigned() ? UNSIGNED : 0) | (c.nullable() ? NULLABLE : 0)
                    | (c.autoIncrement() ? AUTO_INCREMENT : 0));
            w.writeNullableString(c.charset());
            w.writeVarLong(c.enumValues().size());
            for (String v : c.enumValues()) {
                w.writeString(v);
            }
            w.writeNullableString(c.defaultValue());
        }
        // Key columns by position: shorter than names, and a reader cannot be handed a key column that is not there.
        int[] pk = schema.primaryKeyPositions();
        w.writeVarLong(pk.length);
        for (int p : pk) {
            w.writeVarLong(p);
        }
        w.writeVarLong(schema.indexes().size());
        for (IndexSchema index : schema.indexes()) {
            w.writeString(index.name());
            w.writeVarLong(index.columns().size());
            for (String column : index.columns()) {
                w.writeString(column);
            }
            w.writeBoolean(index.unique());
        }
    }

    static TableSchema read(ByteReader r) {
        TableId id = readTableId(r);
        int columnCount = r.readCount("column", 6);
        List<ColumnSchema> columns = new ArrayList<>(columnCount);
        for (int i = 0; i < columnCount; i++) {
            String name = r.readString("column name");
            int code = r.readByte();
            LogicalType type = WireCodes.logicalType(code);
            if (type == null) {
                throw r.corrupt("unknown logical type code " + code + " for column " + name);
            }
            String sourceType = r.readString("source type");
            Integer length = r.readNullableInt("length");
            Integer precision = r.readNullableInt("precision");
            Integer scale = r.readNullableInt("scale");
            int flags = r.readByte();
            if ((flags & ~(UNSIGNED | NULLABLE | AUTO_INCREMENT)) != 0) {
                throw r.corrupt("unknown column flags " + Integer.toBinaryString(flags) + " for column " + name);
            }
            String charset = r.readNullableString("charset");
            int enumCount = r.readCount("enum value", 1);
            List<String> enumValues = new ArrayList<>(enumCount);
            for (int e = 0; e < enumCount; e++) {
                enumValues.add(r.readString("enum value"));
            }
            String defaultValue = r.readNullableString("default value");
            columns.add(new ColumnSchema(name, type, sourceType, length, precision, scale, (flags & UNSIGNED) != 0,
                    (flags & NULLABLE) != 0, charset, enumValues, defaultValue, (flags & AUTO_INCREMENT) != 0));
        }
        int pkCount = r.readCount("primary key column", 1);
        List<String> primaryKey = new ArrayList<>(pkCount);
        for (int i = 0; i < pkCount; i++) {
            if (columnCount == 0) {
                throw r.corrupt("primary key on a table without columns");
            }
            primaryKey.add(columns.get(r.readUnsigned(columnCount - 1, "primary key position")).name());
        }
        int indexCount = r.readCount("index", 3);
        List<IndexSchema> indexes = new ArrayList<>(indexCount);
        for (int i = 0; i < indexCount; i++) {
            String name = r.readString("index name");
            int n = r.readCount("index column", 1);
            List<String> indexColumns = new ArrayList<>(n);
            for (int c = 0; c < n; c++) {
                indexColumns.add(r.readString("index column"));
            }
            indexes.add(new IndexSchema(name, indexColumns, r.readBoolean()));
        }
        return new TableSchema(id, columns, primaryKey, indexes);
    }

    static void writeTableId(ByteWriter w, TableId id) {
        w.writeNullableString(id.database());
        w.writeNullableString(id.schema());
        w.writeString(id.table());
    }

    static TableId readTableId(ByteReader r) {
        String database = r.readNullableString("database name");
        String schema = r.readNullableString("schema name");
        String table = r.readString("table name");
        if (table.isEmpty()) {
            throw r.corrupt("empty table name");
        }
        return new TableId(database, schema, table);
    }

    /** Checks the trailing CRC32C of a versioned payload of at least version byte + checksum. */
    static void verifyChecksum(byte[] bytes, String what) {
        if (bytes.length < 5) {
            throw new CodecException("truncated " + what + ": " + bytes.length
                    + " byte(s), the smallest valid one is longer");
        }
        int end = bytes.length - 4;
        int stored = (bytes[end] & 0xFF) << 24 | (bytes[end + 1] & 0xFF) << 16 | (bytes[end + 2] & 0xFF) << 8
                | (bytes[end + 3] & 0xFF);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, end);
        int computed = (int) crc.getValue();
        if (stored != computed) {
            throw new CodecException(String.format(
                    "corrupt %s of %d bytes: checksum mismatch (stored %08x, computed %08x); it was truncated or"
                            + " altered after it was written", what, bytes.length, stored, computed));
        }
    }
}

package io.hstreamio.core.codec;

import io.hstreamio.core.record.LogicalType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A short list of values, each tagged with its logical type, in {@link BinaryChangeEventCodec}'s value encoding: for
 * small durable state that holds typed values outside any row, such as a snapshot chunk's key bounds. The tags make a
 * value readable without its table's schema, and let a reader notice that the schema changed since it was written.
 *
 * <h2>Format version 1</h2>
 * <pre>
 * byte     version (1)
 * varint   count
 * per value: byte logical type code (0 for null), then the value as in row events
 * fixed32  CRC32C of all bytes before it
 * </pre>
 * Stateless and thread-safe.
 */
public final class TypedValues {
    public static final int FORMAT_VERSION = 1;
    private static final int NULL = 0;

    private TypedValues() {}

    /** Decoded values with their types (null for a null value). */
    public record Decoded(List<LogicalType> types, Object[] values) {}

    /** Encodes {@code values[i]} as {@code types.get(i)}; fails with {@link CodecException} on a value of the wrong type. */
    public static byte[] encode(List<LogicalType> types, Object[] values) {
        if (types.size() != values.length) {
            throw new IllegalArgumentException(types.size() + " types for " + values.length + " values");
        }
        ByteWriter w = new ByteWriter(16 + 16 * values.length);
        w.writeByte(FORMAT_VERSION);
        w.writeVarLong(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                w.writeByte(NULL);
                continue;
            }
            LogicalType t = types.get(i);
            w.writeByte(WireCodes.code(t));
            try {
                BinaryChangeEventCodec.writeValue(w, t, values[i]);
            } catch (ClassCastException e) {
                throw new CodecException("value " + i + " is " + t + " (" + t.javaType().getSimpleName() + "), got a "
                        + values[i].getClass().getSimpleName(), e);
            }
        }
        w.writeChecksum();
        return w.toByteArray();
    }

    public static Decoded decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new CodecException("an empty value is not an encoded list of typed values");
        }
        int version = bytes[0] & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new CodecException("typed values format version " + version + " is not supported (this reader reads "
                    + FORMAT_VERSION + "); upgrade the reader");
        }
        TableSchemaCodec.verifyChecksum(bytes, "typed values");
        ByteReader r = new ByteReader(bytes, 1, bytes.length - 4, "typed values");
        try {
            int n = r.readCount("value", 1);
            List<LogicalType> types = new ArrayList<>(n);
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                int code = r.readByte();
                if (code == NULL) {
                    types.add(null);
                    continue;
                }
                LogicalType t = WireCodes.logicalType(code);
                if (t == null) {
                    throw r.corrupt("unknown logical type code " + code);
                }
                types.add(t);
                values[i] = BinaryChangeEventCodec.readValue(r, t);
            }
            if (r.remaining() != 0) {
                throw r.corrupt(r.remaining() + " trailing byte(s)");
            }
            return new Decoded(Collections.unmodifiableList(types), values);
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw r.corrupt(e.getMessage());
        }
    }
}

package io.hstreamio.core.codec;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The production {@link ChangeEventCodec}: a compact, versioned binary form, chosen over Jackson CBOR and Smile
 * encodings of the same content by {@code CodecBenchmark} (smaller, and faster to encode and to decode). Row events carry their schema's 8-byte fingerprint, resolved through a
 * {@link SchemaRegistry}; SCHEMA_CHANGE events carry the whole schema. The encoder registers every schema it meets
 * before it returns bytes that refer to it, and the decoder registers the schemas of SCHEMA_CHANGE events it reads.
 *
 * <h2>Format version 1</h2>
 * <pre>
 * byte     version (1)
 * byte     change type code (bits 0-3) | schema mode (bits 4-5: 0 none, 1 fingerprint, 2 inline); bits 6-7 zero
 * byte     presence flags: table, before, after, position, commitTime, transactionId, ddl (bits 0-6); bit 7 zero
 * [table]  database, schema (nullable strings), table (string)
 * [schema] fixed64 fingerprint | inline schema body ({@link TableSchemaCodec})
 * [before] [after]  rows: null bitmap (bit set = null, ceil(columns/8) bytes), then each non-null value
 * [position] source string, varint count + zigzag order numbers, varint count + key/value strings (key order)
 * [commitTime] zigzag epoch second, nano-of-second
 * [transactionId] [ddl] strings
 * fixed32  CRC32C of all bytes before it
 * </pre>
 * Varints are unsigned LEB128, signed numbers zigzag; strings are varint byte length + UTF-8, nullable ones spell
 * null as 0 and shift lengths by one. Values by logical type: BOOLEAN 1 byte; INT32, INT64, YEAR, DATE (epoch day)
 * zigzag varints; UINT64 8 bytes; FLOAT32/64 IEEE bits, 4/8 bytes; DECIMAL a varint {@code zigzag(scale) << 1 |
 * form}, then the unscaled value as a zigzag varint (form 0, when it fits 64 bits) or length-prefixed
 * two's-complement bytes (form 1); STRING, ENUM, JSON UTF-8 strings; BYTES length-prefixed; TIME seconds (zigzag)
 * + nano-of-second; TIME_TZ second of day, nano-of-second, zigzag offset seconds; TIMESTAMP epoch seconds of the wall
 * clock read as UTC, TIMESTAMP_TZ epoch seconds, each + nano-of-second; BITS varint bit length + packed bytes; SET
 * count + strings; GEOMETRY zigzag SRID + WKB bytes; UUID 16 bytes. A nano-of-second is written as
 * {@code micros << 1} when it is a whole number of microseconds (all a database gives) and {@code nanos << 1 | 1}
 * otherwise: nanosecond-exact, microsecond-cheap.
 *
 * <p>Thread-safe. Keeps, per codec, a bounded cache of the schemas it has seen; sources should reuse one
 * {@link TableSchema} instance per table shape, since a new instance costs a SHA-256 fingerprint on first use.
 */
public final class BinaryChangeEventCodec implements ChangeEventCodec {
    public static final int FORMAT_VERSION = 1;

    private static final int SCHEMA_NONE = 0;
    private static final int SCHEMA_FINGERPRINT = 1;
    private static final int SCHEMA_INLINE = 2;

    private static final int HAS_TABLE = 1;
    private static final int HAS_BEFORE = 1 << 1;
    private static final int HAS_AFTER = 1 << 2;
    private static final int HAS_POSITION = 1 << 3;
    private static final int HAS_COMMIT_TIME = 1 << 4;
    private static final int HAS_TRANSACTION_ID = 1 << 5;
    private static final int HAS_DDL = 1 << 6;

    /** Version, type, flags and checksum: nothing shorter is an event. */
    private static final int MIN_LENGTH = 7;
    private static final int MAX_CACHED_SCHEMAS = 4096;
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final SchemaRegistry registry;
    private final Map<IdentityKey, SchemaInfo> byInstance = new ConcurrentHashMap<>();
    private final Map<Long, SchemaInfo> byFingerprint = new ConcurrentHashMap<>();
    /** The last schema encoded: consecutive events of one table skip even the identity lookup. */
    private volatile SchemaInfo lastEncoded;
    /** The last schema decoded by reference, for the same reason. */
    private volatile SchemaInfo lastDecoded;
    private volatile LastOffset lastOffset;
    private volatile EncodedOffset lastEncodedOffset;

    public BinaryChangeEventCodec(SchemaRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    // ---------------------------------------------------------------- encode

    @Override
    public byte[] encode(ChangeEvent event) {
        ByteWriter w = new ByteWriter(256);
        TableSchema schema = event.schema();
        int schemaMode = schema == null ? SCHEMA_NONE
                : event.type() == ChangeType.SCHEMA_CHANGE ? SCHEMA_INLINE : SCHEMA_FINGERPRINT;
        int flags = (event.table() != null ? HAS_TABLE : 0)
                | (event.before() != null ? HAS_BEFORE : 0)
                | (event.after() != null ? HAS_AFTER : 0)
                | (event.position() != null ? HAS_POSITION : 0)
                | (event.commitTime() != null ? HAS_COMMIT_TIME : 0)
                | (event.transactionId() != null ? HAS_TRANSACTION_ID : 0)
                | (event.ddl() != null ? HAS_DDL : 0);
        w.writeByte(FORMAT_VERSION);
        w.writeByte(WireCodes.code(event.type()) | schemaMode << 4);
        w.writeByte(flags);
        if (event.table() != null) {
            TableSchemaCodec.writeTableId(w, event.table());
        }
        SchemaInfo info = null;
        if (schemaMode == SCHEMA_FINGERPRINT) {
            info = schemaInfo(schema);
            w.writeFixed64(info.fingerprint);
        } else if (schemaMode == SCHEMA_INLINE) {
            schemaInfo(schema); // registers it, so later row events of the new shape resolve
            TableSchemaCodec.write(w, schema);
        }
        if (event.before() != null) {
            writeRow(w, info, event.before(), "before");
        }
        if (event.after() != null) {
            writeRow(w, info, event.after(), "after");
        }
        if (event.position() != null) {
            writePosition(w, event.position());
        }
        if (event.commitTime() != null) {
            w.writeZigZag(event.commitTime().getEpochSecond());
            writeNanos(w, event.commitTime().getNano());
        }
        if (event.transactionId() != null) {
            w.writeString(event.transactionId());
        }
        if (event.ddl() != null) {
            w.writeString(event.ddl());
        }
        w.writeChecksum();
        return w.toByteArray();
    }

    private SchemaInfo schemaInfo(TableSchema schema) {
        SchemaInfo last = lastEncoded;
        if (last != null && last.schema == schema) {
            return last;
        }
        IdentityKey key = new IdentityKey(schema);
        SchemaInfo info = byInstance.get(key);
        if (info == null) {
            long fingerprint = schema.fingerprint();
            info = byFingerprint.get(fingerprint);
            if (info == null || !info.schema.equals(schema)) {
                registry.register(schema); // before any bytes that refer to it leave this codec
                info = new SchemaInfo(schema, fingerprint);
                cache(byFingerprint, fingerprint, info);
            }
            cache(byInstance, key, info);
        }
        lastEncoded = info;
        return info;
    }

    private static <K> void cache(Map<K, SchemaInfo> cache, K key, SchemaInfo info) {
        if (cache.size() >= MAX_CACHED_SCHEMAS) {
            cache.clear(); // a source that makes a schema instance per event; correctness does not need the cache
        }
        cache.put(key, info);
    }

    private static void writeRow(ByteWriter w, SchemaInfo info, Row row, String which) {
        LogicalType[] types = info.types;
        int n = types.length;
        if (row.size() != n) {
            throw new CodecException("the " + which + "-row of a " + info.schema.id() + " event has " + row.size()
                    + " values but the table has " + n + " columns; build rows with Row.of(schema, ...)");
        }
        for (int i = 0; i < n; i += 8) {
            int bits = 0;
            for (int j = i; j < Math.min(n, i + 8); j++) {
                if (row.get(j) == null) {
                    bits |= 1 << (j - i);
                }
            }
            w.writeByte(bits);
        }
        for (int i = 0; i < n; i++) {
            Object v = row.get(i);
            if (v != null) {
                try {
                    writeValue(w, types[i], v);
                } catch (ClassCastException | NullPointerException e) {
                    throw badValue(info.schema, i, v, e);
                }
            }
        }
    }

    private static CodecException badValue(TableSchema schema, int i, Object v, RuntimeException cause) {
        ColumnSchema c = schema.columns().get(i);
        return new CodecException("column " + schema.id() + "." + c.name() + " is " + c.type() + " ("
                + c.type().javaType().getSimpleName() + "), got a " + v.getClass().getSimpleName()
                + "; build rows with Row.of(schema, ...), which checks types", cause);
    }

    @SuppressWarnings("unchecked")
    static void writeValue(ByteWriter w, LogicalType type, Object v) {
        switch (type) {
            case BOOLEAN -> w.writeBoolean((Boolean) v);
            case INT32 -> w.writeZigZag((Integer) v);
            case INT64 -> w.writeZigZag((Long) v);
            case UINT64 -> {
                BigInteger u = (BigInteger) v;
                if (u.signum() < 0 || u.bitLength() > 64) {
                    throw new CodecException("UINT64 value " + u + " is outside 0..18446744073709551615");
                }
                w.writeFixed64(u.longValue());
            }
            case FLOAT32 -> w.writeFixed32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> w.writeFixed64(Double.doubleToRawLongBits((Double) v));
            case DECIMAL -> {
                // zigzag(scale) << 1 | form; form 0: unscaled as a zigzag varint, 1: as two's-complement bytes
                BigDecimal d = (BigDecimal) v;
                BigInteger unscaled = d.unscaledValue();
                long scale = zigzag(d.scale()) << 1;
                if (unscaled.bitLength() < 64) {
                    w.writeVarLong(scale);
                    w.writeZigZag(unscaled.longValue());
                } else {
                    w.writeVarLong(scale | 1);
                    w.writeBytes(unscaled.toByteArray());
                }
            }
            case STRING, ENUM -> w.writeString((String) v);
            case BYTES -> w.writeBytes((byte[]) v);
            case JSON -> w.writeString(((JsonText) v).json());
            case DATE -> w.writeZigZag(((LocalDate) v).toEpochDay());
            case TIME -> {
                Duration d = (Duration) v;
                w.writeZigZag(d.getSeconds());
                writeNanos(w, d.getNano());
            }
            case TIME_TZ -> {
                OffsetTime t = (OffsetTime) v;
                w.writeVarLong(t.toLocalTime().toSecondOfDay());
                writeNanos(w, t.getNano());
                w.writeZigZag(t.getOffset().getTotalSeconds());
            }
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) v;
                w.writeZigZag(t.toEpochSecond(ZoneOffset.UTC));
                writeNanos(w, t.getNano());
            }
            case TIMESTAMP_TZ -> {
                Instant t = (Instant) v;
                w.writeZigZag(t.getEpochSecond());
                writeNanos(w, t.getNano());
            }
            case YEAR -> w.writeZigZag(((Year) v).getValue());
            case BITS -> {
                BitString b = (BitString) v;
                w.writeVarLong(b.length());
                w.writeRaw(b.bytes());
            }
            case SET -> {
                List<String> members = (List<String>) v;
                w.writeVarLong(members.size());
                for (String m : members) {
                    w.writeString(m);
                }
            }
            case GEOMETRY -> {
                Geometry g = (Geometry) v;
                w.writeZigZag(g.srid());
                w.writeBytes(g.wkb());
            }
            case UUID -> {
                UUID u = (UUID) v;
                w.writeFixed64(u.getMostSignificantBits());
                w.writeFixed64(u.getLeastSignificantBits());
            }
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static void writeNanos(ByteWriter w, int nanos) {
        w.writeVarLong(nanos % 1000 == 0 ? (long) (nanos / 1000) << 1 : (long) nanos << 1 | 1);
    }

    private void writePosition(ByteWriter w, SourcePosition p) {
        w.writeString(p.source());
        long[] order = p.order();
        w.writeVarLong(order.length);
        for (long o : order) {
            w.writeZigZag(o);
        }
        Map<String, String> offset = p.offset();
        // Consecutive events mostly share their offset map (see readPosition): write the last one's bytes again.
        EncodedOffset last = lastEncodedOffset;
        if (last != null && (last.offset == offset || last.offset.equals(offset))) {
            w.writeRaw(last.bytes);
            return;
        }
        int start = w.position();
        w.writeVarLong(offset.size());
        // Key order, so one event always encodes to the same bytes (Map.copyOf iterates in a per-JVM order).
        Object[] keys = offset.keySet().toArray();
        Arrays.sort(keys);
        for (Object k : keys) {
            w.writeString((String) k);
            w.writeString(offset.get(k));
        }
        lastEncodedOffset = new EncodedOffset(offset, w.copy(start, w.position()));
    }

    /** The offset map last encoded, with its bytes (count and entries). */
    private record EncodedOffset(Map<String, String> offset, byte[] bytes) {}

    // ---------------------------------------------------------------- decode

    @Override
    public ChangeEvent decode(byte[] payload) {
        if (payload.length == 0) {
            throw new CodecException("an empty payload is not a change event");
        }
        int version = payload[0] & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new CodecException("change event format version " + version + " is not supported (this reader"
                    + " reads version " + FORMAT_VERSION + "); upgrade the reader or check that the stream holds"
                    + " binary change events");
        }
        if (payload.length < MIN_LENGTH) {
            throw new CodecException("truncated change event: " + payload.length + " byte(s), a version-"
                    + FORMAT_VERSION + " event has at least " + MIN_LENGTH);
        }
        TableSchemaCodec.verifyChecksum(payload, "change event");
        ByteReader r = new ByteReader(payload, 1, payload.length - 4, "change event");
        try {
            ChangeEvent event = read(r);
            if (r.remaining() != 0) {
                throw r.corrupt(r.remaining() + " trailing byte(s)");
            }
            return event;
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bytes that pass the checksum but break a model invariant: a writer bug, not line noise.
            throw new CodecException("change event decodes to an invalid event: " + e.getMessage(), e);
        }
    }

    private ChangeEvent read(ByteReader r) {
        int typeByte = r.readByte();
        ChangeType type = WireCodes.changeType(typeByte & 0x0F);
        int schemaMode = (typeByte >>> 4) & 0x03;
        if (type == null || (typeByte & 0xC0) != 0 || schemaMode > SCHEMA_INLINE) {
            throw r.corrupt("unknown change type / schema mode byte " + typeByte);
        }
        int flags = r.readByte();
        if ((flags & 0x80) != 0) {
            throw r.corrupt("reserved flag bit set in " + flags);
        }
        TableId table = (flags & HAS_TABLE) != 0 ? TableSchemaCodec.readTableId(r) : null;
        TableSchema schema = null;
        SchemaInfo info = null;
        if (schemaMode == SCHEMA_FINGERPRINT) {
            info = resolve(r.readFixed64(), table, type);
            schema = info.schema;
        } else if (schemaMode == SCHEMA_INLINE) {
            schema = TableSchemaCodec.read(r);
            info = learn(schema);
        }
        if ((flags & (HAS_BEFORE | HAS_AFTER)) != 0 && schemaMode != SCHEMA_FINGERPRINT) {
            throw r.corrupt(type + " event has rows but no schema fingerprint");
        }
        Row before = (flags & HAS_BEFORE) != 0 ? readRow(r, info) : null;
        Row after = (flags & HAS_AFTER) != 0 ? readRow(r, info) : null;
        SourcePosition position = (flags & HAS_POSITION) != 0 ? readPosition(r) : null;
        Instant commitTime = (flags & HAS_COMMIT_TIME) != 0
                ? Instant.ofEpochSecond(r.readZigZag(), readNanos(r))
                : null;
        String transactionId = (flags & HAS_TRANSACTION_ID) != 0 ? r.readString("transaction id") : null;
        String ddl = (flags & HAS_DDL) != 0 ? r.readString("ddl") : null;
        return new ChangeEvent(type, table, schema, before, after, position, commitTime, transactionId, ddl);
    }

    private SchemaInfo resolve(long fingerprint, TableId table, ChangeType type) {
        SchemaInfo last = lastDecoded;
        if (last != null && last.fingerprint == fingerprint) {
            return last;
        }
        SchemaInfo info = byFingerprint.get(fingerprint);
        if (info != null) {
            lastDecoded = info;
            return info;
        }
        TableSchema schema = registry.find(fingerprint).orElseThrow(() -> new CodecException(
                type + " event of table " + table + " refers to schema fingerprint "
                        + SchemaFingerprints.hex(fingerprint) + ", which the schema registry does not know; read"
                        + " with the registry the writer used (e.g. a KeyValueSchemaRegistry on the same store)"));
        info = new SchemaInfo(schema, fingerprint);
        cache(byFingerprint, fingerprint, info);
        lastDecoded = info;
        return info;
    }

    private SchemaInfo learn(TableSchema schema) {
        long fingerprint = schema.fingerprint();
        SchemaInfo info = byFingerprint.get(fingerprint);
        if (info == null || !info.schema.equals(schema)) {
            registry.register(schema);
            info = new SchemaInfo(schema, fingerprint);
            cache(byFingerprint, fingerprint, info);
        }
        return info;
    }

    private static Row readRow(ByteReader r, SchemaInfo info) {
        LogicalType[] types = info.types;
        int n = types.length;
        Object[] values = new Object[n];
        int bitmapBytes = (n + 7) >>> 3;
        long[] nulls = n <= 64 ? null : new long[(n + 63) >>> 6];
        long nulls64 = 0;
        for (int b = 0; b < bitmapBytes; b++) {
            long bits = r.readByte();
            int used = Math.min(8, n - b * 8);
            if (used < 8 && (bits >>> used) != 0) {
                throw r.corrupt("null bitmap marks columns past the last of " + info.schema.id());
            }
            if (nulls == null) {
                nulls64 |= bits << (b * 8);
            } else {
                nulls[b >>> 3] |= bits << ((b & 7) * 8);
            }
        }
        for (int i = 0; i < n; i++) {
            long word = nulls == null ? nulls64 : nulls[i >>> 6];
            if ((word & (1L << (i & 63))) == 0) {
                try {
                    values[i] = readValue(r, types[i]);
                } catch (RuntimeException e) {
                    ColumnSchema c = info.schema.columns().get(i);
                    throw new CodecException("cannot decode column " + info.schema.id() + "." + c.name() + " ("
                            + c.type() + "): " + e.getMessage(), e);
                }
            }
        }
        return Row.trusted(values);
    }

    static Object readValue(ByteReader r, LogicalType type) {
        return switch (type) {
            case BOOLEAN -> r.readBoolean();
            case INT32 -> r.readZigZagInt();
            case INT64 -> r.readZigZag();
            case UINT64 -> {
                long bits = r.readFixed64();
                yield bits >= 0 ? BigInteger.valueOf(bits) : BigInteger.valueOf(bits).add(TWO_TO_64);
            }
            case FLOAT32 -> Float.intBitsToFloat(r.readFixed32());
            case FLOAT64 -> Double.longBitsToDouble(r.readFixed64());
            case DECIMAL -> {
                long header = r.readVarLong();
                long z = header >>> 1;
                long scale = (z >>> 1) ^ -(z & 1);
                if (scale != (int) scale) {
                    throw r.corrupt("decimal scale " + scale + " does not fit 32 bits");
                }
                if ((header & 1) == 0) {
                    yield BigDecimal.valueOf(r.readZigZag(), (int) scale);
                }
                byte[] unscaled = r.readBytes("decimal");
                if (unscaled.length == 0) {
                    throw r.corrupt("decimal with no digits");
                }
                yield new BigDecimal(new BigInteger(unscaled), (int) scale);
            }
            case STRING, ENUM -> r.readString("text");
            case BYTES -> r.readBytes("bytes");
            case JSON -> new JsonText(r.readString("json"));
            case DATE -> LocalDate.ofEpochDay(r.readZigZag());
            case TIME -> Duration.ofSeconds(r.readZigZag(), readNanos(r));
            case TIME_TZ -> {
                int secondOfDay = r.readUnsigned(86_399, "second of day");
                LocalTime local = LocalTime.ofSecondOfDay(secondOfDay).withNano(readNanos(r));
                yield OffsetTime.of(local, ZoneOffset.ofTotalSeconds(r.readZigZagInt()));
            }
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(r.readZigZag(), readNanos(r), ZoneOffset.UTC);
            case TIMESTAMP_TZ -> Instant.ofEpochSecond(r.readZigZag(), readNanos(r));
            case YEAR -> Year.of(r.readZigZagInt());
            case BITS -> {
                int length = r.readUnsigned(Integer.MAX_VALUE - 7, "bit length");
                yield new BitString(length, r.readRaw((int) ((length + 7L) / 8)));
            }
            case SET -> {
                int count = r.readCount("set member", 1);
                List<String> members = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    members.add(r.readString("set member"));
                }
                yield List.copyOf(members);
            }
            case GEOMETRY -> new Geometry(r.readZigZagInt(), r.readBytes("wkb"));
            case UUID -> new UUID(r.readFixed64(), r.readFixed64());
        };
    }

    private static int readNanos(ByteReader r) {
        long v = r.readVarLong();
        long nanos = (v & 1) == 0 ? (v >>> 1) * 1000 : v >>> 1;
        if (v < 0 || nanos > 999_999_999) {
            throw r.corrupt("nano-of-second " + nanos + " out of range");
        }
        return (int) nanos;
    }

    private SourcePosition readPosition(ByteReader r) {
        String source = r.readString("position source");
        int n = r.readCount("position order", 1);
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = r.readZigZag();
        }
        int entries = r.readCount("offset entry", 2);
        // Consecutive events of a source mostly carry the same offset map (a snapshot's rows, a transaction's
        // changes) and differ in the order only: compare its bytes with the last one decoded before decoding its
        // strings, which were over half of a sink's decoding time during a snapshot.
        int start = r.position();
        for (int i = 0; i < entries; i++) {
            r.skipString("offset key");
            r.skipString("offset value");
        }
        int end = r.position();
        LastOffset last = lastOffset;
        if (last != null && last.source.equals(source) && r.bytesEqual(start, end, last.bytes)) {
            return new SourcePosition(source, order, last.offset);
        }
        r.seek(start);
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] offset = new Map.Entry[entries];
        for (int i = 0; i < entries; i++) {
            String key = r.readString("offset key");
            offset[i] = Map.entry(key, r.readString("offset value"));
            if (i > 0 && key.compareTo(offset[i - 1].getKey()) <= 0) {
                throw r.corrupt("offset keys out of order at '" + key + "'");
            }
        }
        // an immutable map, which SourcePosition's Map.copyOf keeps as it is
        Map<String, String> map = Map.ofEntries(offset);
        lastOffset = new LastOffset(source, r.copy(start, end), map);
        return new SourcePosition(source, order, map);
    }

    /** The offset map last decoded, with its encoded bytes. */
    private record LastOffset(String source, byte[] bytes, Map<String, String> offset) {}

    /** A schema with what the row loops need at hand. */
    private static final class SchemaInfo {
        final TableSchema schema;
        final long fingerprint;
        final LogicalType[] types;

        SchemaInfo(TableSchema schema, long fingerprint) {
            this.schema = schema;
            this.fingerprint = fingerprint;
            this.types = schema.columns().stream().map(ColumnSchema::type).toArray(LogicalType[]::new);
        }
    }

    /** Identity, not equality: hashing a whole schema per event costs more than the cache saves. */
    private static final class IdentityKey {
        private final Object ref;

        IdentityKey(Object ref) {
            this.ref = ref;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.ref == ref;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(ref);
        }
    }
}

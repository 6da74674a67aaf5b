package io.hstreamio.benchmarks.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.codec.CodecException;
import io.hstreamio.core.codec.SchemaRegistry;
import io.hstreamio.core.codec.TableSchemaCodec;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The candidate the production binary codec was measured against: the same event content (schema by fingerprint,
 * positional values, exact types) written with Jackson's streaming API into a generic binary data format (CBOR or
 * Smile, whichever factory is given). Complete enough to round-trip every logical type, so that the benchmark
 * compares like with like; not meant for production (no corruption detection, no validation of input).
 */
public final class JacksonChangeEventCodec implements ChangeEventCodec {
    private final JsonFactory factory;
    private final SchemaRegistry registry;
    /** Like the production codec, fingerprint and register a schema instance once, not per event. */
    private volatile Known last;

    public JacksonChangeEventCodec(JsonFactory factory, SchemaRegistry registry) {
        this.factory = factory;
        this.registry = registry;
    }

    @Override
    public byte[] encode(ChangeEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartArray();
            g.writeNumber(1);
            g.writeNumber(e.type().ordinal());
            TableId t = e.table();
            writeNullableString(g, t == null ? null : t.database());
            writeNullableString(g, t == null ? null : t.schema());
            writeNullableString(g, t == null ? null : t.table());
            TableSchema schema = e.schema();
            if (schema == null) {
                g.writeNull();
            } else if (e.type() == ChangeType.SCHEMA_CHANGE) {
                registry.register(schema);
                g.writeBinary(TableSchemaCodec.encode(schema));
            } else {
                g.writeNumber(fingerprint(schema));
            }
            writeRow(g, schema, e.before());
            writeRow(g, schema, e.after());
            SourcePosition p = e.position();
            if (p == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                g.writeString(p.source());
                long[] order = p.order();
                g.writeArray(order, 0, order.length);
                g.writeStartObject();
                for (Map.Entry<String, String> entry : p.offset().entrySet()) {
                    g.writeStringField(entry.getKey(), entry.getValue());
                }
                g.writeEndObject();
                g.writeEndArray();
            }
            if (e.commitTime() == null) {
                g.writeNull();
            } else {
                writePair(g, e.commitTime().getEpochSecond(), e.commitTime().getNano());
            }
            writeNullableString(g, e.transactionId());
            writeNullableString(g, e.ddl());
            g.writeEndArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private long fingerprint(TableSchema schema) {
        Known known = last;
        if (known == null || known.schema != schema) {
            registry.register(schema);
            known = new Known(schema, schema.fingerprint());
            last = known;
        }
        return known.fingerprint;
    }

    private record Known(TableSchema schema, long fingerprint) {}

    private static void writeNullableString(JsonGenerator g, String s) throws IOException {
        if (s == null) {
            g.writeNull();
        } else {
            g.writeString(s);
        }
    }

    private static void writePair(JsonGenerator g, long a, long b) throws IOException {
        g.writeStartArray();
        g.writeNumber(a);
        g.writeNumber(b);
        g.writeEndArray();
    }

    @SuppressWarnings("unchecked")
    private static void writeRow(JsonGenerator g, TableSchema schema, Row row) throws IOException {
        if (row == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        List<ColumnSchema> columns = schema.columns();
        for (int i = 0; i < columns.size(); i++) {
            Object v = row.get(i);
            if (v == null) {
                g.writeNull();
                continue;
            }
            switch (columns.get(i).type()) {
                case BOOLEAN -> g.writeBoolean((Boolean) v);
                case INT32 -> g.writeNumber((Integer) v);
                case INT64 -> g.writeNumber((Long) v);
                case UINT64 -> g.writeNumber((BigInteger) v);
                case FLOAT32 -> g.writeNumber((Float) v);
                case FLOAT64 -> g.writeNumber((Double) v);
                case DECIMAL -> g.writeNumber((BigDecimal) v);
                case STRING, ENUM -> g.writeString((String) v);
                case BYTES -> g.writeBinary((byte[]) v);
                case JSON -> g.writeString(((JsonText) v).json());
                case DATE -> g.writeNumber(((LocalDate) v).toEpochDay());
                case TIME -> writePair(g, ((Duration) v).getSeconds(), ((Duration) v).getNano());
                case TIME_TZ -> {
                    OffsetTime o = (OffsetTime) v;
                    g.writeStartArray();
                    g.writeNumber(o.toLocalTime().toNanoOfDay());
                    g.writeNumber(o.getOffset().getTotalSeconds());
                    g.writeEndArray();
                }
                case TIMESTAMP -> writePair(g, ((LocalDateTime) v).toEpochSecond(ZoneOffset.UTC),
                        ((LocalDateTime) v).getNano());
                case TIMESTAMP_TZ -> writePair(g, ((Instant) v).getEpochSecond(), ((Instant) v).getNano());
                case YEAR -> g.writeNumber(((Year) v).getValue());
                case BITS -> {
                    g.writeStartArray();
                    g.writeNumber(((BitString) v).length());
                    g.writeBinary(((BitString) v).bytes());
                    g.writeEndArray();
                }
                case SET -> {
                    g.writeStartArray();
                    for (String s : (List<String>) v) {
                        g.writeString(s);
                    }
                    g.writeEndArray();
                }
                case GEOMETRY -> {
                    g.writeStartArray();
                    g.writeNumber(((Geometry) v).srid());
                    g.writeBinary(((Geometry) v).wkb());
                    g.writeEndArray();
                }
                case UUID -> g.writeBinary(ByteBuffer.allocate(16).putLong(((UUID) v).getMostSignificantBits())
                        .putLong(((UUID) v).getLeastSignificantBits()).array());
            }
        }
        g.writeEndArray();
    }

    @Override
    public ChangeEvent decode(byte[] payload) {
        try (JsonParser p = factory.createParser(payload)) {
            p.nextToken(); // [
            p.nextToken();
            if (p.getIntValue() != 1) {
                throw new CodecException("unknown version " + p.getIntValue());
            }
            p.nextToken();
            ChangeType type = ChangeType.values()[p.getIntValue()];
            String database = nextNullableString(p);
            String schemaName = nextNullableString(p);
            String tableName = nextNullableString(p);
            TableId table = tableName == null ? null : new TableId(database, schemaName, tableName);
            TableSchema schema = null;
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                schema = TableSchemaCodec.decode(p.getBinaryValue());
                registry.register(schema);
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                long fingerprint = p.getLongValue();
                schema = registry.find(fingerprint).orElseThrow(() -> new CodecException("unknown schema"));
            }
            Row before = readRow(p, schema);
            Row after = readRow(p, schema);
            SourcePosition position = null;
            if (p.nextToken() == JsonToken.START_ARRAY) {
                String source = nextNullableString(p);
                p.nextToken();
                List<Long> order = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    order.add(p.getLongValue());
                }
                p.nextToken();
                Map<String, String> offset = new HashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    offset.put(key, p.getText());
                }
                p.nextToken(); // ]
                position = new SourcePosition(source, order.stream().mapToLong(Long::longValue).toArray(), offset);
            }
            Instant commitTime = null;
            if (p.nextToken() == JsonToken.START_ARRAY) {
                long[] pair = readPairRest(p);
                commitTime = Instant.ofEpochSecond(pair[0], pair[1]);
            }
            String tx = nextNullableString(p);
            String ddl = nextNullableString(p);
            return new ChangeEvent(type, table, schema, before, after, position, commitTime, tx, ddl);
        } catch (IOException ex) {
            throw new CodecException("cannot decode: " + ex.getMessage(), ex);
        }
    }

    private static String nextNullableString(JsonParser p) throws IOException {
        return p.nextToken() == JsonToken.VALUE_NULL ? null : p.getText();
    }

    /** After a START_ARRAY of two integers: reads them and the END_ARRAY. */
    private static long[] readPairRest(JsonParser p) throws IOException {
        p.nextToken();
        long a = p.getLongValue();
        p.nextToken();
        long b = p.getLongValue();
        p.nextToken();
        return new long[] {a, b};
    }

    private static Row readRow(JsonParser p, TableSchema schema) throws IOException {
        if (p.nextToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        List<ColumnSchema> columns = schema.columns();
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            LogicalType type = columns.get(i).type();
            values[i] = switch (type) {
                case BOOLEAN -> p.getBooleanValue();
                case INT32 -> p.getIntValue();
                case INT64 -> p.getLongValue();
                case UINT64 -> p.getBigIntegerValue();
                case FLOAT32 -> p.getFloatValue();
                case FLOAT64 -> p.getDoubleValue();
                case DECIMAL -> p.getDecimalValue();
                case STRING, ENUM -> p.getText();
                case BYTES -> p.getBinaryValue();
                case JSON -> new JsonText(p.getText());
                case DATE -> LocalDate.ofEpochDay(p.getLongValue());
                case TIME -> {
                    long[] pair = readPairRest(p);
                    yield Duration.ofSeconds(pair[0], pair[1]);
                }
                case TIME_TZ -> {
                    long[] pair = readPairRest(p);
                    yield OffsetTime.of(LocalTime.ofNanoOfDay(pair[0]), ZoneOffset.ofTotalSeconds((int) pair[1]));
                }
                case TIMESTAMP -> {
                    long[] pair = readPairRest(p);
                    yield LocalDateTime.ofEpochSecond(pair[0], (int) pair[1], ZoneOffset.UTC);
                }
                case TIMESTAMP_TZ -> {
                    long[] pair = readPairRest(p);
                    yield Instant.ofEpochSecond(pair[0], pair[1]);
                }
                case YEAR -> Year.of(p.getIntValue());
                case BITS -> {
                    p.nextToken();
                    int length = p.getIntValue();
                    p.nextToken();
                    byte[] bytes = p.getBinaryValue();
                    p.nextToken();
                    yield new BitString(length, bytes);
                }
                case SET -> {
                    List<String> members = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        members.add(p.getText());
                    }
                    yield List.copyOf(members);
                }
                case GEOMETRY -> {
                    p.nextToken();
                    int srid = p.getIntValue();
                    p.nextToken();
                    byte[] wkb = p.getBinaryValue();
                    p.nextToken();
                    yield new Geometry(srid, wkb);
                }
                case UUID -> {
                    ByteBuffer b = ByteBuffer.wrap(p.getBinaryValue());
                    yield new UUID(b.getLong(), b.getLong());
                }
            };
        }
        p.nextToken(); // ]
        return Row.trusted(values);
    }
}

package io.hstreamio.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * HStream's stock JSON envelope, for consumers that are not this project:
 * {@code {"key":{<primary-key columns>},"value":{<all columns>}|null}}, where a null value means the row was deleted.
 * A table without a primary key is keyed by all columns of the row. The row is the event's after-row, or its
 * before-row for a delete; an UPDATE that changes the key is therefore written under the new key only.
 *
 * <h2>Values</h2>
 * BOOLEAN as true/false; INT32, INT64, UINT64 and YEAR as JSON integers (UINT64 up to 18446744073709551615, exact);
 * DECIMAL as a JSON number spelled by {@link BigDecimal#toString()} (exact, scale kept, possibly with an exponent);
 * FLOAT32/FLOAT64 as numbers, and the non-finite ones as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}; STRING, ENUM and UUID as strings; BYTES as standard base64; JSON columns embedded as JSON,
 * byte for byte; DATE, TIMESTAMP, TIMESTAMP_TZ and TIME_TZ as ISO-8601 text ({@code 2024-02-29},
 * {@code 2024-02-29T23:59:59.000001}, {@code 2024-02-29T23:59:59.000001Z}, {@code 23:59:59+02:00}); TIME as an
 * ISO-8601 duration ({@code PT-838H-59M-59S}); BITS as a string of '0' and '1'; SET as an array of strings;
 * GEOMETRY as {@code {"srid":4326,"wkb":"<base64>"}}; SQL NULL as null.
 *
 * <h2>Decoding</h2>
 * {@link #decode(byte[], TableSchema)} restores the exact Java type of every column. Two losses remain: whitespace
 * before or after a JSON column's document, and a JSON column holding the document {@code null}, which reads back as
 * SQL NULL. Without a schema, {@link #decodeUntyped} gives a Jackson tree and loses:
 * which integer type a number was, and with it UINT64's unsignedness; decimals' column precision (the value itself is
 * read as an exact {@link BigDecimal}); every temporal (text), bytes and geometry WKB (base64 text), bits (text), UUIDs
 * and ENUMs (text, like strings), non-finite floats (strings, like text columns), JSON columns (parsed: duplicate keys
 * and number spelling are lost). The envelope never carries the change type beyond delete-or-not, the before-row,
 * the source position, the commit time or the transaction.
 *
 * <p>Thread-safe and stateless.
 */
public final class JsonEnvelopeCodec {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    private static final DateTimeFormatter TIME_TZ = DateTimeFormatter.ISO_OFFSET_TIME;

    private final JsonFactory factory;
    private final ObjectMapper untyped;

    public JsonEnvelopeCodec() {
        // Decimals of any precision are legal values; Jackson's default caps numbers at 1000 characters.
        factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE).build())
                // emoji as 4 UTF-8 bytes, not as an escaped surrogate pair
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
        untyped = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /** What an envelope says about one row, with the exact Java types of its schema. */
    public record Envelope(Map<String, Object> key, Row value) {
        public boolean isDelete() {
            return value == null;
        }
    }

    /** Encodes a row event (READ, INSERT, UPDATE, DELETE); other events have no envelope form. */
    public byte[] encode(ChangeEvent event) {
        Row row = event.keyRow();
        if (row == null) {
            throw new CodecException("the JSON envelope carries row events only, got " + event.type() + " of "
                    + event.table() + "; filter those events out or use BinaryChangeEventCodec");
        }
        TableSchema schema = event.schema();
        List<ColumnSchema> columns = schema.columns();
        if (row.size() != columns.size()) {
            throw new CodecException("a row of " + schema.id() + " has " + row.size() + " values but the table has "
                    + columns.size() + " columns");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("key");
            g.writeStartObject();
            for (int i : keyPositions(schema)) {
                writeField(g, schema, i, row.get(i));
            }
            g.writeEndObject();
            g.writeFieldName("value");
            if (event.after() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    writeField(g, schema, i, row.get(i));
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Decodes an envelope of a table with this schema, restoring exact Java types. */
    public Envelope decode(byte[] json, TableSchema schema) {
        try (JsonParser p = factory.createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "an envelope object");
            Map<String, Object> key = null;
            Row value = null;
            boolean sawValue = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "key" -> {
                        expect(p, v, JsonToken.START_OBJECT, "\"key\" to be an object");
                        key = Collections.unmodifiableMap(readColumns(p, json, schema));
                    }
                    case "value" -> {
                        sawValue = true;
                        if (v != JsonToken.VALUE_NULL) {
                            expect(p, v, JsonToken.START_OBJECT, "\"value\" to be an object or null");
                            Map<String, Object> named = readColumns(p, json, schema);
                            Object[] values = new Object[schema.columns().size()];
                            for (int i = 0; i < values.length; i++) {
                                values[i] = named.get(schema.columns().get(i).name());
                            }
                            value = Row.trusted(values);
                        }
                    }
                    default -> throw new CodecException("JSON envelope of " + schema.id() + " has an unknown field \""
                            + field + "\"; expected \"key\" and \"value\"");
                }
            }
            if (key == null || !sawValue) {
                throw new CodecException("JSON envelope of " + schema.id() + " lacks \"" + (key == null ? "key" : "value")
                        + "\"");
            }
            if (p.nextToken() != null) {
                throw new CodecException("JSON envelope of " + schema.id() + " has content after its end");
            }
            return new Envelope(key, value);
        } catch (IOException e) {
            throw new CodecException("not a JSON envelope of " + schema.id() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes an envelope without its schema: a tree whose losses the class comment lists. */
    public JsonNode decodeUntyped(byte[] json) {
        try {
            JsonNode tree = untyped.readTree(json);
            if (tree == null || !tree.isObject() || !tree.has("key") || !tree.has("value")) {
                throw new CodecException("not a JSON envelope: expected an object with \"key\" and \"value\"");
            }
            return tree;
        } catch (IOException e) {
            throw new CodecException("not a JSON envelope: " + e.getMessage(), e);
        }
    }

    private static int[] keyPositions(TableSchema schema) {
        if (schema.hasPrimaryKey()) {
            return schema.primaryKeyPositions();
        }
        int[] all = new int[schema.columns().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    // ---------------------------------------------------------------- writing

    private void writeField(JsonGenerator g, TableSchema schema, int i, Object v) throws IOException {
        ColumnSchema c = schema.columns().get(i);
        g.writeFieldName(c.name());
        if (v == null) {
            g.writeNull();
            return;
        }
        try {
            writeValue(g, c.type(), v);
        } catch (ClassCastException e) {
            throw new CodecException("column " + schema.id() + "." + c.name() + " is " + c.type() + " ("
                    + c.type().javaType().getSimpleName() + "), got a " + v.getClass().getSimpleName(), e);
        } catch (CodecException e) {
            throw new CodecException("column " + schema.id() + "." + c.name() + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private void writeValue(JsonGenerator g, LogicalType type, Object v) throws IOException {
        switch (type) {
            case BOOLEAN -> g.writeBoolean((Boolean) v);
            case INT32 -> g.writeNumber((Integer) v);
            case INT64 -> g.writeNumber((Long) v);
            case UINT64 -> g.writeNumber((BigInteger) v);
            case FLOAT32 -> {
                float f = (Float) v;
                if (Float.isFinite(f)) {
                    g.writeNumber(f);
                } else {
                    g.writeString(Float.toString(f));
                }
            }
            case FLOAT64 -> {
                double d = (Double) v;
                if (Double.isFinite(d)) {
                    g.writeNumber(d);
                } else {
                    g.writeString(Double.toString(d));
                }
            }
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                // toString() writes an exponent; beyond the int range no BigDecimal reader can parse it back.
                if (d.scale() < 0 && d.precision() - 1L - d.scale() > Integer.MAX_VALUE) {
                    throw new CodecException("decimal " + d.unscaledValue() + "E" + -(long) d.scale()
                            + " has an exponent beyond 2147483647, which JSON readers cannot parse back; use"
                            + " BinaryChangeEventCodec for such values");
                }
                g.writeNumber(d.toString());
            }
            case STRING, ENUM -> g.writeString((String) v);
            case BYTES -> g.writeString(Base64.getEncoder().encodeToString((byte[]) v));
            case JSON -> {
                String text = ((JsonText) v).json();
                requireJsonDocument(text);
                g.writeRawValue(text);
            }
            case DATE -> g.writeString(v.toString());
            case TIME -> g.writeString(v.toString());
            case TIME_TZ -> g.writeString(TIME_TZ.format((OffsetTime) v));
            case TIMESTAMP -> g.writeString(TIMESTAMP.format((LocalDateTime) v));
            case TIMESTAMP_TZ -> g.writeString(v.toString());
            case YEAR -> g.writeNumber(((Year) v).getValue());
            case BITS -> g.writeString(v.toString());
            case SET -> {
                g.writeStartArray();
                for (String member : (List<String>) v) {
                    g.writeString(member);
                }
                g.writeEndArray();
            }
            case GEOMETRY -> {
                Geometry geometry = (Geometry) v;
                g.writeStartObject();
                g.writeNumberField("srid", geometry.srid());
                g.writeStringField("wkb", Base64.getEncoder().encodeToString(geometry.wkb()));
                g.writeEndObject();
            }
            case UUID -> g.writeString(v.toString());
        }
    }

    /** Raw JSON goes into the envelope verbatim, so it must be one complete document or the envelope breaks. */
    private void requireJsonDocument(String text) {
        try (JsonParser p = factory.createParser(text)) {
            if (p.nextToken() == null) {
                throw new CodecException("the JSON value is empty, so it cannot be embedded in the envelope");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new CodecException("the JSON value holds more than one document");
            }
        } catch (IOException e) {
            throw new CodecException("the JSON value is not valid JSON, so it cannot be embedded in the envelope: "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads the fields of an object (current token START_OBJECT) as columns of {@code schema}, in input order. */
    private Map<String, Object> readColumns(JsonParser p, byte[] json, TableSchema schema) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        long rawStart = -1;
        String rawColumn = null;
        for (JsonToken t = p.nextToken(); ; t = p.nextToken()) {
            if (rawColumn != null) {
                // A JSON column's document ends where the next token starts, less separators.
                out.put(rawColumn, new JsonText(rawText(json, rawStart, p.currentTokenLocation().getByteOffset())));
                rawColumn = null;
            }
            if (t == JsonToken.END_OBJECT) {
                return out;
            }
            String name = p.currentName();
            int i = schema.indexOf(name);
            if (i < 0) {
                throw new CodecException("JSON envelope names column " + name + ", which " + schema.id()
                        + " does not have; decode with the schema the envelope was written with");
            }
            if (out.containsKey(name)) {
                throw new CodecException("JSON envelope names column " + schema.id() + "." + name + " twice");
            }
            ColumnSchema c = schema.columns().get(i);
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                out.put(name, null);
            } else if (c.type() == LogicalType.JSON) {
                rawStart = p.currentTokenLocation().getByteOffset();
                rawColumn = name;
                p.skipChildren();
            } else {
                try {
                    out.put(name, readValue(p, c.type()));
                } catch (RuntimeException e) {
                    throw new CodecException("JSON envelope column " + schema.id() + "." + name + " is not a valid "
                            + c.type() + " value: " + e.getMessage(), e);
                }
            }
        }
    }

    private static String rawText(byte[] json, long start, long nextToken) {
        int end = (int) nextToken;
        while (end > start && isJsonSpace(json[end - 1])) {
            end--;
        }
        if (end > start && json[end - 1] == ',') {
            end--;
        }
        while (end > start && isJsonSpace(json[end - 1])) {
            end--;
        }
        return new String(json, (int) start, end - (int) start, StandardCharsets.UTF_8);
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static Object readValue(JsonParser p, LogicalType type) throws IOException {
        JsonToken t = p.currentToken();
        return switch (type) {
            case BOOLEAN -> {
                if (!t.isBoolean()) {
                    throw new CodecException("expected true or false, got " + t);
                }
                yield t == JsonToken.VALUE_TRUE;
            }
            case INT32 -> Integer.parseInt(integerText(p));
            case INT64 -> Long.parseLong(integerText(p));
            case UINT64 -> {
                BigInteger u = new BigInteger(integerText(p));
                if (u.signum() < 0 || u.bitLength() > 64) {
                    throw new CodecException(u + " is outside 0..18446744073709551615");
                }
                yield u;
            }
            case FLOAT32 -> t == JsonToken.VALUE_STRING ? nonFinite(p.getText()).floatValue()
                    : Float.parseFloat(numberText(p));
            case FLOAT64 -> t == JsonToken.VALUE_STRING ? nonFinite(p.getText()) : Double.parseDouble(numberText(p));
            case DECIMAL -> new BigDecimal(numberText(p));
            case STRING, ENUM -> text(p);
            case BYTES -> Base64.getDecoder().decode(text(p));
            case JSON -> throw new IllegalStateException("JSON columns are read raw");
            case DATE -> LocalDate.parse(text(p));
            case TIME -> Duration.parse(text(p));
            case TIME_TZ -> OffsetTime.parse(text(p), TIME_TZ);
            case TIMESTAMP -> LocalDateTime.parse(text(p), TIMESTAMP);
            case TIMESTAMP_TZ -> Instant.parse(text(p));
            case YEAR -> Year.of(Integer.parseInt(integerText(p)));
            case BITS -> BitString.parse(text(p));
            case SET -> {
                if (t != JsonToken.START_ARRAY) {
                    throw new CodecException("expected an array of strings, got " + t);
                }
                List<String> members = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    members.add(text(p));
                }
                yield List.copyOf(members);
            }
            case GEOMETRY -> readGeometry(p);
            case UUID -> UUID.fromString(text(p));
        };
    }

    private static Geometry readGeometry(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new CodecException("expected {\"srid\":..,\"wkb\":..}, got " + p.currentToken());
        }
        Integer srid = null;
        byte[] wkb = null;
        while (p.nextToken() != JsonToken.END_OBJECT) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "srid" -> srid = Integer.parseInt(integerText(p));
                case "wkb" -> wkb = Base64.getDecoder().decode(text(p));
                default -> throw new CodecException("unknown geometry field \"" + field + "\"");
            }
        }
        if (srid == null || wkb == null) {
            throw new CodecException("geometry needs both \"srid\" and \"wkb\"");
        }
        return new Geometry(srid, wkb);
    }

    private static Double nonFinite(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new CodecException("expected a number, NaN, Infinity or -Infinity, got \"" + text + "\"");
        };
    }

    private static String text(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new CodecException("expected a string, got " + p.currentToken());
        }
        return p.getText();
    }

    /** The number as spelled in the input, so no conversion on the way can round it. */
    private static String numberText(JsonParser p) throws IOException {
        if (!p.currentToken().isNumeric()) {
            throw new CodecException("expected a number, got " + p.currentToken());
        }
        return p.getText();
    }

    private static String integerText(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new CodecException("expected an integer, got " + p.currentToken());
        }
        return p.getText();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new CodecException("JSON envelope: expected " + what + " at " + p.currentTokenLocation().offsetDescription()
                    + ", got " + actual);
        }
    }
}

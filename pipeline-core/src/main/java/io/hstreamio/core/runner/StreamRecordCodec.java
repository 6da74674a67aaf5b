package io.hstreamio.core.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.codec.CodecException;
import io.hstreamio.core.codec.JsonEnvelopeCodec;
import io.hstreamio.core.codec.SchemaRegistry;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.task.StreamFormat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one place that decides how a {@link ChangeEvent} becomes a {@link StreamRecord} and back, for both stream
 * formats (see {@link StreamFormat}).
 *
 * <h2>Writing</h2>
 * BINARY: every event as a RAW record of the binary codec. JSON: each row event (READ, INSERT, UPDATE, DELETE) as a
 * JSON record holding HStreamDB's stock envelope ({@link JsonEnvelopeCodec}), plus attributes that let this
 * project's sinks restore the exact event: {@value #ATTR_SCHEMA} (the schema fingerprint, registered in the same
 * registry the binary codec uses), {@value #ATTR_CHANGE} (the change type), {@value #ATTR_BEFORE} (the before-row of
 * an UPDATE or DELETE, as an envelope), and the source position, commit time and transaction when known. Events the
 * envelope cannot express (SCHEMA_CHANGE, TRUNCATE, transaction boundaries) are still written, binary and RAW, so
 * this project's sinks see them. A stock sink cannot read them as envelopes; whether HStreamDB's toolkit hands it a
 * RAW record at all, or counts it as a failed record under {@code task.error.skipStrategy}, is not verified here, so
 * run stock sinks on such a stream with SkipAll. (HStreamDB's public JDBC sink upserts a JSON record that is not an
 * envelope by its fields, which is why these events are not written as JSON.)
 *
 * <h2>Reading</h2>
 * A RAW record is decoded by the binary codec. A JSON record with {@value #ATTR_SCHEMA} decodes to the exact event
 * (the envelope's own losses apply: whitespace around a JSON column's document, and a JSON column holding the
 * document {@code null}, which reads as SQL NULL). A JSON record without it is a stock envelope, e.g. written by
 * HStreamDB's own sources, and is read best-effort: a non-null value is an INSERT, a null value a DELETE; the table
 * is named by the attribute {@value #ATTR_TABLE} ({@code db.table} or {@code table}), else by the fallback the sink
 * gives (its {@code table} option or its stream). The schema is inferred from that one record: the key's fields are
 * the primary key, columns are the value's fields in order then any key field the value lacks; integers are INT64
 * (DECIMAL beyond the INT64 range), other numbers DECIMAL, strings STRING, booleans BOOLEAN, objects and arrays
 * JSON, null STRING; key columns are NOT NULL, others nullable. Lossy: every temporal, bytes, UUID, enum, set,
 * geometry and bit value arrives as text (or JSON); integer width and signedness, decimal precision and scale,
 * column defaults, lengths and any column the record does not carry; the before-row (a DELETE carries only the key
 * columns, so its inferred schema has only those); the change type beyond insert-or-delete (an update reads as an
 * INSERT of the new row); the source position, commit time and transaction. Records of one table may infer
 * different schemas, e.g. when a column is null in one and a number in the next.
 *
 * <p>Thread-safe when the codec and registry are.
 */
public final class StreamRecordCodec {
    public static final String ATTR_SCHEMA = "hstreamio.schema";
    public static final String ATTR_CHANGE = "hstreamio.change";
    public static final String ATTR_BEFORE = "hstreamio.before";
    public static final String ATTR_POSITION = "hstreamio.position";
    public static final String ATTR_COMMIT_TIME = "hstreamio.commitTime";
    public static final String ATTR_TRANSACTION = "hstreamio.transaction";
    /** Names the table of a stock envelope; this project's JSON records carry it too, for readers' convenience. */
    public static final String ATTR_TABLE = "hstreamio.table";

    private final ChangeEventCodec binary;
    private final SchemaRegistry registry;
    private final JsonEnvelopeCodec json = new JsonEnvelopeCodec();

    /** {@code registry} must be the one {@code binary} resolves fingerprints with, so both formats share schemas. */
    public StreamRecordCodec(ChangeEventCodec binary, SchemaRegistry registry) {
        this.binary = Objects.requireNonNull(binary, "binary");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The record for one event in {@code format}; events without an envelope form are binary in either format. */
    public StreamRecord encode(ChangeEvent event, StreamFormat format) {
        String partitionKey = PartitionKeys.of(event);
        if (format == StreamFormat.BINARY || event.keyRow() == null) {
            return StreamRecord.raw(partitionKey, binary.encode(event));
        }
        TableSchema schema = event.schema();
        byte[] payload = json.encode(event);
        registry.register(schema); // before any record that refers to it is written
        Map<String, String> attributes = new HashMap<>();
        attributes.put(ATTR_SCHEMA, String.format("%016x", schema.fingerprint()));
        attributes.put(ATTR_CHANGE, event.type().name());
        attributes.put(ATTR_TABLE, event.table().toString());
        if (event.before() != null) {
            attributes.put(ATTR_BEFORE, new String(json.encode(ChangeEvent.read(schema, event.before())),
                    StandardCharsets.UTF_8));
        }
        if (event.position() != null) {
            attributes.put(ATTR_POSITION, new String(PositionCodec.encode(event.position()), StandardCharsets.UTF_8));
        }
        if (event.commitTime() != null) {
            attributes.put(ATTR_COMMIT_TIME, event.commitTime().toString());
        }
        if (event.transactionId() != null) {
            attributes.put(ATTR_TRANSACTION, event.transactionId());
        }
        return new StreamRecord(partitionKey, PayloadFormat.JSON, payload, attributes);
    }

    /**
     * The event in a record of either format.
     *
     * @param fallbackTable the table of a stock envelope that names none in its attributes
     */
    public ChangeEvent decode(StreamRecord record, TableId fallbackTable) {
        if (record.format() == PayloadFormat.RAW) {
            return binary.decode(record.payload());
        }
        Map<String, String> attributes = record.attributes();
        String fingerprint = attributes.get(ATTR_SCHEMA);
        return fingerprint != null ? decodeExact(record.payload(), attributes, fingerprint)
                : decodeStock(record.payload(), attributes, fallbackTable);
    }

    private ChangeEvent decodeExact(byte[] payload, Map<String, String> attributes, String fingerprint) {
        long fp;
        try {
            fp = Long.parseUnsignedLong(fingerprint, 16);
        } catch (NumberFormatException e) {
            throw new CodecException("JSON record attribute " + ATTR_SCHEMA + "=" + fingerprint
                    + " is not a hex fingerprint; remove the attribute to read the record as a stock envelope", e);
        }
        TableSchema schema = registry.find(fp).orElseThrow(() -> new CodecException("JSON record refers to schema "
                + fingerprint + ", which the schema registry does not know; read with the registry of the store the"
                + " source wrote to"));
        ChangeType type = changeType(attributes.get(ATTR_CHANGE));
        JsonEnvelopeCodec.Envelope envelope = json.decode(payload, schema);
        String beforeText = attributes.get(ATTR_BEFORE);
        Row before = beforeText == null ? null
                : json.decode(beforeText.getBytes(StandardCharsets.UTF_8), schema).value();
        String position = attributes.get(ATTR_POSITION);
        String commitTime = attributes.get(ATTR_COMMIT_TIME);
        return new ChangeEvent(type, schema.id(), schema, before, envelope.value(),
                position == null ? null : PositionCodec.decode(position.getBytes(StandardCharsets.UTF_8)),
                commitTime == null ? null : Instant.parse(commitTime), attributes.get(ATTR_TRANSACTION), null);
    }

    private static ChangeType changeType(String name) {
        if (name == null) {
            throw new CodecException("JSON record has " + ATTR_SCHEMA + " but no " + ATTR_CHANGE
                    + " attribute; a writer of this project sets both");
        }
        try {
            ChangeType type = ChangeType.valueOf(name);
            if (type == ChangeType.READ || type == ChangeType.INSERT || type == ChangeType.UPDATE
                    || type == ChangeType.DELETE) {
                return type;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new CodecException("JSON record attribute " + ATTR_CHANGE + "=" + name
                + " is not a row change (READ, INSERT, UPDATE, DELETE)");
    }

    // ---------------------------------------------------------------- stock envelopes

    private ChangeEvent decodeStock(byte[] payload, Map<String, String> attributes, TableId fallbackTable) {
        JsonNode tree = json.decodeUntyped(payload);
        JsonNode key = tree.get("key");
        JsonNode value = tree.get("value");
        if (!key.isObject() || !(value.isObject() || value.isNull())) {
            throw new CodecException("not a JSON envelope: \"key\" must be an object and \"value\" an object or null");
        }
        TableId table = attributes.containsKey(ATTR_TABLE) ? parseTable(attributes.get(ATTR_TABLE)) : fallbackTable;
        if (table == null) {
            throw new CodecException("a stock JSON envelope names no table; set the record attribute " + ATTR_TABLE
                    + " or the sink's table option");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        if (value.isObject()) {
            value.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            fields.putIfAbsent(e.getKey(), e.getValue());
        }
        List<ColumnSchema> columns = new ArrayList<>(fields.size());
        Object[] values = new Object[fields.size()];
        int i = 0;
        for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
            JsonNode v = e.getValue();
            LogicalType type = inferType(v);
            columns.add(ColumnSchema.builder(e.getKey(), type).nullable(!key.has(e.getKey())).build());
            values[i++] = toValue(v, type);
        }
        List<String> primaryKey = new ArrayList<>();
        key.fieldNames().forEachRemaining(primaryKey::add);
        TableSchema schema = new TableSchema(table, columns, primaryKey);
        Row row = Row.trusted(values);
        return value.isNull() ? ChangeEvent.delete(schema, row, null, null)
                : ChangeEvent.insert(schema, row, null, null);
    }

    /** A table named {@code db.table} or {@code table}, as in {@value #ATTR_TABLE} and sinks' table options. */
    public static TableId parseTable(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? TableId.of(null, name) : TableId.of(name.substring(0, dot), name.substring(dot + 1));
    }

    private static LogicalType inferType(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? LogicalType.INT64 : LogicalType.DECIMAL;
        }
        if (v.isNumber()) {
            return LogicalType.DECIMAL;
        }
        if (v.isBoolean()) {
            return LogicalType.BOOLEAN;
        }
        if (v.isContainerNode()) {
            return LogicalType.JSON;
        }
        return LogicalType.STRING; // text, and null whose type the record cannot tell
    }

    private static Object toValue(JsonNode v, LogicalType type) {
        if (v.isNull()) {
            return null;
        }
        return switch (type) {
            case INT64 -> v.longValue();
            case DECIMAL -> v.isIntegralNumber() ? new BigDecimal((BigInteger) v.bigIntegerValue()) : v.decimalValue();
            case BOOLEAN -> v.booleanValue();
            case JSON -> new JsonText(v.toString());
            default -> v.textValue();
        };
    }
}

package io.hstreamio.cdc.internal;

import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.JsonTableChangeSerializer;
import io.debezium.relational.history.TableChanges;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps Debezium {@link SourceRecord}s to core {@link ChangeEvent}s.
 *
 * <p>Not thread-safe: the engine thread owns an instance ({@link #announced} alone may be called from another). It keeps per table the column detail Debezium's DDL
 * tracking knows (from schema-change events and, after a restart, from the stored schema history) and the schema it
 * last emitted, so that a row whose shape differs from the last one is preceded by a {@code SCHEMA_CHANGE} (this is
 * how PostgreSQL relation changes, which have no DDL events, reach the stream; see {@link #relationChange} for how a
 * rename is told from a dropped plus an added column).
 */
public final class RecordMapper {
    private static final Logger LOG = LoggerFactory.getLogger(RecordMapper.class);
    static final String TYPE_PARAM = "__debezium.source.column.type";
    static final String LENGTH_PARAM = "__debezium.source.column.length";
    static final String SCALE_PARAM = "__debezium.source.column.scale";
    private static final String NEW_KEY_HEADER = "__debezium.newkey";
    private static final String OLD_KEY_HEADER = "__debezium.oldkey";
    private static final Pattern JSON_VALID = Pattern.compile("(?i)json_valid\\(`((?:[^`]|``)+)`\\)");

    private final Dialect dialect;
    private final String sourceName;
    private final Map<TableId, Table> detail = new HashMap<>();
    private final Map<TableId, TableSchema> lastEmitted = new HashMap<>();
    private final Map<Schema, TableSchema> byEnvelope = new IdentityHashMap<>();
    private final Set<String> zeroDateColumnsLogged = new HashSet<>();
    private final AtomicLong zeroDates = new AtomicLong();
    private final Map<TableId, Set<String>> jsonColumns = new HashMap<>();
    private long snapshotSequence;
    private long[] lastBase = new long[0];
    private long sameBaseCount;
    private Row pendingKeyUpdate;

    private final ColumnExtras extras;
    private final Map<TableId, Map<String, ColumnExtras.Extra>> extrasCache = new HashMap<>();
    /** PostgreSQL: the catalog positions (attnums) of the columns of the shape last emitted, by column name. */
    private final Map<TableId, Map<String, Integer>> positions = new HashMap<>();
    /** Shapes a snapshot outside the stream announced (another thread puts them): the stream's "last" until its own. */
    private final Map<TableId, Shape> announced = new java.util.concurrent.ConcurrentHashMap<>();

    private record Shape(TableSchema schema, Map<String, Integer> positions) {}

    public RecordMapper(Dialect dialect, String sourceName) {
        this(dialect, sourceName, ColumnExtras.NONE);
    }

    public RecordMapper(Dialect dialect, String sourceName, ColumnExtras extras) {
        this.dialect = dialect;
        this.sourceName = sourceName;
        this.extras = extras;
    }

    /** Learns the tables' column detail from stored schema history, so a restart emits the same schemas. */
    public void recover(List<HistoryRecord> history) {
        JsonTableChangeSerializer serializer = new JsonTableChangeSerializer();
        for (HistoryRecord r : history) {
            io.debezium.document.Array changes = r.document().getArray("tableChanges");
            if (changes == null || changes.isEmpty()) {
                continue;
            }
            String ddl = r.document().getString("ddl");
            for (TableChanges.TableChange change : serializer.deserialize(changes, true)) {
                apply(change, ddl);
            }
        }
    }

    /** Zero dates seen so far (MySQL '0000-00-00', delivered as null). */
    public long zeroDates() {
        return zeroDates.get();
    }

    /**
     * What one record yields.
     *
     * @param events the events, in order; empty for records that carry no change (heartbeats, other tables' DDL)
     * @param held   the record starts a change that the next record completes (the delete half of a primary-key
     *               update); its offset must not be committed on its own
     */
    public record Mapped(List<ChangeEvent> events, boolean held) {
        static final Mapped NONE = new Mapped(List.of(), false);
    }

    public Mapped map(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return Mapped.NONE;
        }
        Schema valueSchema = record.valueSchema();
        if (valueSchema.field("tableChanges") != null && valueSchema.field("ddl") != null) {
            return new Mapped(schemaChanges(record, value), false);
        }
        if (valueSchema.field("op") == null || valueSchema.field("source") == null) {
            return Mapped.NONE; // heartbeats and transaction metadata
        }
        String op = value.getString("op");
        if ("m".equals(op)) {
            return Mapped.NONE; // logical decoding messages (hand-off watermarks) are not changes of a table
        }
        Struct source = value.getStruct("source");
        TableId table = tableId(source);
        Instant commitTime = "r".equals(op) ? null : commitTime(source);
        String txId = transactionId(source);
        List<ChangeEvent> out = new ArrayList<>(2);
        if ("t".equals(op)) {
            out.add(new ChangeEvent(ChangeType.TRUNCATE, table, lastEmitted.get(table), null, null,
                    position(record, source), commitTime, txId, null));
            return new Mapped(out, false);
        }
        ChangeType type = switch (op) {
            case "r" -> ChangeType.READ;
            case "c" -> ChangeType.INSERT;
            case "u" -> ChangeType.UPDATE;
            case "d" -> ChangeType.DELETE;
            default -> null;
        };
        if (type == null) {
            return Mapped.NONE; // "m": logical decoding messages are not changes of a table
        }
        TableSchema schema = schemaFor(table, record, valueSchema);
        Row before = row(schema, valueSchema, value, "before");
        Row after = row(schema, valueSchema, value, "after");

        // Debezium splits a primary-key update into a delete (header newkey) and an insert (header oldkey) with the
        // same offset; they travel as one UPDATE whose before-row has the old key.
        if (type == ChangeType.DELETE && record.headers().lastWithName(NEW_KEY_HEADER) != null) {
            pendingKeyUpdate = before;
            return new Mapped(List.of(), true);
        }
        if (pendingKeyUpdate != null) {
            if (type == ChangeType.INSERT && record.headers().lastWithName(OLD_KEY_HEADER) != null) {
                type = ChangeType.UPDATE;
                before = pendingKeyUpdate;
            } else {
                LOG.warn("primary-key update of {} had no insert half; delivering its delete alone", table);
                out.add(new ChangeEvent(ChangeType.DELETE, table, schema, pendingKeyUpdate, null,
                        position(record, source), commitTime, txId, null));
            }
            pendingKeyUpdate = null;
        }
        TableSchema last = lastEmitted.put(table, schema);
        if (!schema.equals(last)) {
            String ddl = dialect.isBinlog() ? null : relationChange(table, last, schema);
            out.add(new ChangeEvent(ChangeType.SCHEMA_CHANGE, table, schema, null, null, position(record, source),
                    commitTime, txId, ddl));
        }
        out.add(new ChangeEvent(type, table, schema, before, after, position(record, source), commitTime, txId, null));
        return new Mapped(out, false);
    }

    /**
     * The column renames between two shapes of a PostgreSQL table, as the statements that would make them; null when
     * there are none or they cannot be told.
     *
     * <p>PostgreSQL sends no DDL: a relation message lists the live columns in attnum order, by name and type. A renamed
     * column therefore looks like a dropped one plus an added one, and when the last column is dropped and a new one
     * added between two rows, even its place is the same. The attnum tells them apart: a rename (or a type change)
     * keeps it, and an added column gets a new one, never reused. The attnums of each shape are read from the catalog
     * when the shape is first seen; a catalog that has moved on since (a column of the shape is gone, or the attnums no
     * longer rise in column order) yields no renames, so a doubtful change is announced as drops and adds.
     */
    private String relationChange(TableId table, TableSchema last, TableSchema next) {
        Map<String, Integer> before = positions.remove(table);
        // At first sight the catalog was just read for the column extras; later shapes need a fresh read.
        Map<String, ColumnExtras.Extra> catalog = last == null
                ? extrasCache.getOrDefault(table, Map.of()) : extras.of(table);
        Shape snapshot = announced.remove(table);
        if (last == null && snapshot != null) {
            last = snapshot.schema(); // the shape the snapshot's rows went out with
            before = snapshot.positions();
        }
        Map<String, Integer> now = positionsOf(next, catalog);
        if (now != null) {
            positions.put(table, now);
        }
        if (last == null || before == null || now == null) {
            return null;
        }
        Map<Integer, String> oldNameAt = new HashMap<>();
        before.forEach((name, attnum) -> oldNameAt.put(attnum, name));
        Map<String, String> renames = new LinkedHashMap<>();
        for (ColumnSchema c : next.columns()) {
            String was = oldNameAt.get(now.get(c.name()));
            if (was != null && !was.equals(c.name())) {
                renames.put(was, c.name());
            }
        }
        if (renames.isEmpty()) {
            return null;
        }
        LOG.info("relation change of {}: columns renamed {}", table, renames);
        return renameStatements(table, last, next, renames);
    }

    /**
     * A table shape a snapshot outside the stream (the parallel hand-off) sends its rows with, so that a rename made
     * before the stream's first row of the table is still told. Called on the snapshot's thread, right after it read
     * the shape from the catalog; reads the columns' attnums now, while they match. PostgreSQL only.
     */
    public void announced(TableSchema shape) {
        if (dialect.isBinlog()) {
            return; // the binlog carries the DDL itself
        }
        Map<String, Integer> attnums = positionsOf(shape, extras.of(shape.id()));
        if (attnums != null) {
            announced.put(shape.id(), new Shape(shape, attnums));
        }
    }

    /** Catalog positions of the shape's columns, or null unless each has one and they rise in column order. */
    private static Map<String, Integer> positionsOf(TableSchema shape, Map<String, ColumnExtras.Extra> catalog) {
        Map<String, Integer> out = new HashMap<>();
        int previous = Integer.MIN_VALUE;
        for (ColumnSchema c : shape.columns()) {
            ColumnExtras.Extra e = catalog.get(c.name());
            if (e == null || e.position() == null || e.position() <= previous) {
                return null;
            }
            previous = e.position();
            out.put(c.name(), previous);
        }
        return out;
    }

    /**
     * Statements that turn the old names into the new ones in order: a name held by a column dropped in the same
     * change is dropped first, and renames that swap names go through a free temporary name.
     */
    static String renameStatements(TableId table, TableSchema last, TableSchema next, Map<String, String> renames) {
        String t = (table.schema() == null ? "" : quoteIdentifier(table.schema()) + ".")
                + quoteIdentifier(table.table());
        List<String> out = new ArrayList<>();
        Set<String> held = new HashSet<>();
        last.columns().forEach(c -> held.add(c.name()));
        for (String to : renames.values()) {
            if (held.contains(to) && !renames.containsKey(to)) {
                out.add("ALTER TABLE " + t + " DROP COLUMN " + quoteIdentifier(to));
                held.remove(to);
            }
        }
        Set<String> taken = new HashSet<>(held);
        next.columns().forEach(c -> taken.add(c.name()));
        Map<String, String> pending = new LinkedHashMap<>(renames);
        int temporary = 0;
        while (!pending.isEmpty()) {
            Map.Entry<String, String> step = null;
            for (Map.Entry<String, String> e : pending.entrySet()) {
                if (!held.contains(e.getValue())) {
                    step = e;
                    break;
                }
            }
            String from;
            String to;
            if (step != null) {
                from = step.getKey();
                to = step.getValue();
                pending.remove(from);
            } else { // every target is still held: a cycle of renames, broken by a temporary name
                from = pending.keySet().iterator().next();
                String finalName = pending.remove(from);
                do {
                    to = "hstream_io_rename_" + temporary++;
                } while (taken.contains(to));
                taken.add(to);
                pending.put(to, finalName);
            }
            out.add("ALTER TABLE " + t + " RENAME COLUMN " + quoteIdentifier(from) + " TO " + quoteIdentifier(to));
            held.remove(from);
            held.add(to);
        }
        return String.join("; ", out);
    }

    private static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private List<ChangeEvent> schemaChanges(SourceRecord record, Struct value) {
        List<?> changes = value.getArray("tableChanges");
        if (changes == null || changes.isEmpty()) {
            return List.of(); // CREATE DATABASE, SET ... and other statements that change no captured table
        }
        // Debezium can only read table changes back from documents, so convert the Connect structs to one.
        TableChanges parsed = new JsonTableChangeSerializer().deserialize(toArray(changes), true);
        Struct source = value.getStruct("source");
        Instant commitTime = commitTime(source);
        String ddl = value.getString("ddl");
        List<ChangeEvent> out = new ArrayList<>();
        byEnvelope.clear(); // a DDL may change column detail without changing the Connect schema
        boolean snapshot = isSnapshot(record.sourceOffset(), source);
        for (TableChanges.TableChange change : parsed) {
            TableSchema schema = apply(change, ddl);
            if (snapshot && change.getType() == TableChanges.TableChangeType.DROP) {
                // The snapshot's "DROP TABLE IF EXISTS" before each CREATE only resets Debezium's own schema
                // model; passed on, it would make a sink drop a table that still exists.
                continue;
            }
            out.add(ChangeEvent.schemaChange(tableId(change.getId()), schema, ddl, position(record, source),
                    commitTime));
        }
        return out;
    }

    /** Records a table change; returns the table's new schema, null when it was dropped. */
    private TableSchema apply(TableChanges.TableChange change, String ddl) {
        TableId id = tableId(change.getId());
        if (change.getPreviousId() != null && !change.getPreviousId().equals(change.getId())) {
            TableId previous = tableId(change.getPreviousId());
            detail.remove(previous);
            lastEmitted.remove(previous);
            jsonColumns.remove(previous);
        }
        if (change.getType() == TableChanges.TableChangeType.DROP) {
            detail.remove(id);
            lastEmitted.remove(id);
            jsonColumns.remove(id);
            return null;
        }
        if (ddl != null) {
            // MariaDB's JSON is LONGTEXT with a json_valid check; the check is the only trace of the type.
            Matcher m = JSON_VALID.matcher(ddl);
            while (m.find()) {
                jsonColumns.computeIfAbsent(id, k -> new HashSet<>()).add(m.group(1));
            }
        }
        detail.put(id, change.getTable());
        TableSchema schema = fromTable(id, change.getTable());
        lastEmitted.put(id, schema);
        return schema;
    }

    private static io.debezium.document.Array toArray(List<?> list) {
        io.debezium.document.Array out = io.debezium.document.Array.create();
        for (Object o : list) {
            out.add(io.debezium.document.Value.create(toDocumentValue(o)));
        }
        return out;
    }

    private static Object toDocumentValue(Object o) {
        if (o instanceof Struct s) {
            io.debezium.document.Document d = io.debezium.document.Document.create();
            for (Field f : s.schema().fields()) {
                Object v = s.get(f);
                if (v != null) {
                    d.set(f.name(), toDocumentValue(v));
                }
            }
            return d;
        }
        if (o instanceof List<?> l) {
            return toArray(l);
        }
        return o;
    }

    private TableSchema schemaFor(TableId table, SourceRecord record, Schema envelope) {
        TableSchema cached = byEnvelope.get(envelope);
        if (cached != null) {
            return cached;
        }
        Table known = detail.get(table);
        Schema rowSchema = envelope.field("after").schema();
        List<ColumnSchema> columns = new ArrayList<>(rowSchema.fields().size());
        Map<String, ColumnExtras.Extra> extra = known == null ? extrasFor(table, rowSchema) : Map.of();
        for (Field f : rowSchema.fields()) {
            Column c = known == null ? null : known.columnWithName(f.name());
            columns.add(c != null ? fromColumn(table, c) : fromConnect(f, extra.get(f.name())));
        }
        List<String> pk;
        if (known != null) {
            pk = known.primaryKeyColumnNames();
        } else if (record.keySchema() != null && record.keySchema().type() == Schema.Type.STRUCT) {
            pk = record.keySchema().fields().stream().map(Field::name).toList();
        } else {
            pk = List.of();
        }
        TableSchema schema = new TableSchema(table, columns, pk);
        TableSchema last = lastEmitted.get(table);
        if (schema.equals(last)) {
            schema = last; // keep one instance per shape
        }
        byEnvelope.put(envelope, schema);
        return schema;
    }

    /**
     * Catalog detail of a table, looked up when the table or one of its columns is first seen and kept: a later
     * lookup may already see a later DDL than the record being mapped, so known columns keep what was read first.
     */
    private Map<String, ColumnExtras.Extra> extrasFor(TableId table, Schema rowSchema) {
        Map<String, ColumnExtras.Extra> cached = extrasCache.computeIfAbsent(table, t -> new HashMap<>());
        boolean complete = rowSchema.fields().stream().allMatch(f -> cached.containsKey(f.name()));
        if (!complete) {
            extras.of(table).forEach(cached::putIfAbsent);
        }
        return cached;
    }

    private Row row(TableSchema schema, Schema envelope, Struct value, String which) {
        Struct s = value.getStruct(which);
        if (s == null) {
            return null;
        }
        List<Field> fields = envelope.field(which).schema().fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            Field f = fields.get(i);
            ColumnSchema c = schema.columns().get(i);
            Object raw = s.getWithoutDefault(f.name()); // get() would swap a NULL for the schema default
            if (!dialect.isBinlog() && isUnavailable(raw)) {
                // Writing the placeholder would corrupt the target silently; stopping names the fix.
                throw new IllegalStateException("table " + schema.id() + " column " + c.name() + ": PostgreSQL "
                        + "sent an update without the column's unchanged TOASTed value, since the table's REPLICA "
                        + "IDENTITY is not FULL; run ALTER TABLE " + schema.id().table() + " REPLICA IDENTITY FULL "
                        + "and snapshot the table again (snapshot.on.position.lost does not apply: recreate the "
                        + "connector, or its target table)");
            }
            values[i] = ValueDecoder.decode(c.type(), f.schema(), raw,
                    c.type() == LogicalType.BITS ? c.length() : null);
            if (raw == null && !c.nullable() && isTemporal(c.type())) {
                zeroDate(schema, c);
            }
        }
        return Row.trusted(values);
    }

    /** Debezium's stand-in for an unchanged TOASTed value (set in {@link EngineProperties}). */
    static final String UNAVAILABLE = "__hstream_io_unchanged_toast__";
    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static boolean isUnavailable(Object raw) {
        if (raw instanceof String str) {
            return str.equals(UNAVAILABLE);
        }
        if (raw instanceof byte[] b) {
            return Arrays.equals(b, UNAVAILABLE_BYTES);
        }
        if (raw instanceof java.nio.ByteBuffer bb) {
            return bb.remaining() == UNAVAILABLE_BYTES.length
                    && java.nio.ByteBuffer.wrap(UNAVAILABLE_BYTES).equals(bb);
        }
        return raw instanceof List<?> list && list.contains(UNAVAILABLE);
    }

    private void zeroDate(TableSchema schema, ColumnSchema c) {
        zeroDates.incrementAndGet();
        String column = schema.id() + "." + c.name();
        if (zeroDateColumnsLogged.add(column)) {
            LOG.warn("column {} holds a zero date in a NOT NULL column; it is delivered as null (logged once per "
                    + "column, counted in zeroDates)", column);
        }
    }

    private static boolean isTemporal(LogicalType t) {
        return t == LogicalType.DATE || t == LogicalType.TIMESTAMP || t == LogicalType.TIMESTAMP_TZ;
    }

    private TableSchema fromTable(TableId id, Table table) {
        List<ColumnSchema> columns = new ArrayList<>();
        for (Column c : table.columns()) {
            columns.add(fromColumn(id, c));
        }
        return new TableSchema(id, columns, table.primaryKeyColumnNames());
    }

    private ColumnSchema fromColumn(TableId table, Column c) {
        Integer length = c.length() >= 0 ? c.length() : null;
        boolean json = jsonColumns.getOrDefault(table, Set.of()).contains(c.name());
        LogicalType type = json ? LogicalType.JSON
                : dialect.isBinlog() ? SourceTypes.fromBinlogTypeName(c.typeName(), length) : null;
        if (type == null) {
            type = LogicalType.STRING;
        }
        ColumnSchema.Builder b = sized(ColumnSchema.builder(c.name(), type), type, c.typeName(), length,
                c.scale().orElse(null))
                .sourceType(json ? "JSON" : c.typeName())
                .unsigned(c.typeName() != null && c.typeName().toUpperCase().contains("UNSIGNED"))
                .nullable(c.isOptional())
                .charset(c.typeUsesCharset() ? c.charsetName() : null)
                .enumValues(unquote(c.enumValues()))
                .defaultValue(c.defaultValueExpression().orElse(null))
                .autoIncrement(c.isAutoIncremented());
        return b.build();
    }

    private ColumnSchema fromConnect(Field f, ColumnExtras.Extra extra) {
        Schema s = f.schema();
        Map<String, String> p = s.parameters() == null ? Map.of() : s.parameters();
        String typeName = p.get(TYPE_PARAM);
        Integer length = p.containsKey(LENGTH_PARAM) ? Integer.valueOf(p.get(LENGTH_PARAM)) : null;
        Integer scale = p.containsKey(SCALE_PARAM) ? Integer.valueOf(p.get(SCALE_PARAM)) : null;
        LogicalType type = dialect.isBinlog() ? SourceTypes.fromBinlogTypeName(typeName, length) : null;
        if (type == null) {
            type = SourceTypes.fromConnect(s);
        }
        if (type == LogicalType.DECIMAL && (length == null || length < 1 || length > 1000)) {
            // PostgreSQL numeric without bounds: the snapshot reports precision 131089, the stream 0.
            length = null;
            scale = null;
        }
        if (length != null && length == Integer.MAX_VALUE) {
            length = null; // PostgreSQL varchar, varbit, text... without a bound: Debezium reports Integer.MAX_VALUE
        }
        List<String> enumValues = p.containsKey("allowed") ? Arrays.asList(p.get("allowed").split(",", -1)) : List.of();
        return sized(ColumnSchema.builder(f.name(), type), type, typeName, length, scale)
                .sourceType(typeName != null ? typeName : s.type().getName())
                .unsigned(typeName != null && typeName.toUpperCase().contains("UNSIGNED"))
                .nullable(s.isOptional())
                .enumValues(enumValues)
                .defaultValue(extra == null ? null : extra.defaultValue())
                .autoIncrement(extra != null && extra.autoIncrement())
                .charset(extra == null ? null : extra.charset())
                .build();
    }

    /** Puts Debezium's single "length" where ColumnSchema expects it for the type. */
    private ColumnSchema.Builder sized(ColumnSchema.Builder b, LogicalType type, String typeName, Integer length,
            Integer scale) {
        return switch (type) {
            case DECIMAL, FLOAT32, FLOAT64 -> b.precision(length).scale(scale);
            case TIME, TIME_TZ, TIMESTAMP, TIMESTAMP_TZ -> b.precision(length);
            // TINYINT's display width is kept because TINYINT(1) is MySQL's boolean, which sinks may map to one;
            // other integer widths mean nothing (MySQL 8 no longer reports them).
            case INT32 -> dialect.isBinlog() && SourceTypes.isTinyint(typeName) ? b.length(length) : b;
            case INT64, UINT64, BOOLEAN, YEAR, DATE, JSON, UUID, GEOMETRY, ENUM, SET -> b;
            case STRING, BYTES, BITS -> b.length(length);
        };
    }

    private static List<String> unquote(List<String> values) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            String s = v;
            if (s.length() >= 2 && s.charAt(0) == '\'' && s.charAt(s.length() - 1) == '\'') {
                s = s.substring(1, s.length() - 1).replace("''", "'");
            }
            out.add(s);
        }
        return out;
    }

    private TableId tableId(io.debezium.relational.TableId id) {
        if (dialect.isBinlog()) {
            return new TableId(id.catalog(), null, id.table());
        }
        return new TableId(id.catalog(), id.schema(), id.table());
    }

    private TableId tableId(Struct source) {
        String db = source.getString("db");
        String schema = source.schema().field("schema") != null ? source.getString("schema") : null;
        return new TableId(db, dialect.isBinlog() ? null : schema, source.getString("table"));
    }

    private static Instant commitTime(Struct source) {
        if (source.schema().field("ts_us") != null && source.get("ts_us") != null) {
            return Instant.EPOCH.plus(source.getInt64("ts_us"), ChronoUnit.MICROS);
        }
        Object ms = source.get("ts_ms");
        return ms == null ? null : Instant.ofEpochMilli((Long) ms);
    }

    private String transactionId(Struct source) {
        String field = dialect.isBinlog() ? "gtid" : "txId";
        if (source.schema().field(field) == null) {
            return null;
        }
        Object v = source.get(field);
        return v == null ? null : v.toString();
    }

    /** The prefix of the logical decoding messages that mark a hand-off chunk's HIGH watermark in the WAL. */
    public static final String WATERMARK_PREFIX = "hstream_io_watermark";

    /** The content of a watermark message (PostgreSQL {@code pg_logical_emit_message} with our prefix), else null. */
    public String marker(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null
                || !"m".equals(value.getString("op")) || value.schema().field("message") == null) {
            return null;
        }
        Struct message = value.getStruct("message");
        if (message == null || !WATERMARK_PREFIX.equals(message.getString("prefix"))) {
            return null;
        }
        Object content = message.get("content");
        return content instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                : content instanceof java.nio.ByteBuffer bb ? java.nio.charset.StandardCharsets.UTF_8.decode(bb.duplicate()).toString()
                : content == null ? null : content.toString();
    }

    /**
     * How far the log has been read at a record, heartbeats included. Binlog: [file number, restart position]: every
     * transaction that starts before it has been read. PostgreSQL: [LSN]. Null when the record has no offset.
     */
    public long[] progress(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null || isSnapshot(offset, null)) {
            return null;
        }
        if (dialect.isBinlog()) {
            return binlogPosition(offset);
        }
        Object lsn = offset.get("lsn");
        return lsn == null ? null : new long[] {Long.parseLong(lsn.toString())};
    }

    /**
     * The position of a record: the Debezium offset as strings, plus an order. Binlog: [file number, restart
     * position, events to skip, rows to skip], which grows along the log; snapshot reads take [file, pos, -1, n] so
     * they sort before the stream that starts at their position. PostgreSQL: [last commit LSN, change LSN], which
     * grows in commit order; snapshot reads [0, 0, n].
     */
    SourcePosition position(SourceRecord record, Struct source) {
        Map<String, ?> offset = record.sourceOffset();
        Map<String, String> strings = new LinkedHashMap<>();
        if (offset != null) {
            offset.forEach((k, v) -> {
                if (v != null) {
                    strings.put(k, v.toString());
                }
            });
        }
        boolean snapshot = isSnapshot(offset, source);
        long[] order;
        if (dialect.isBinlog()) {
            long file = fileNumber(strings.get("file"));
            long pos = number(strings.get("pos"));
            order = snapshot
                    ? new long[] {file, pos, -1, ++snapshotSequence}
                    : new long[] {file, pos, number(strings.get("event")), number(strings.get("row"))};
        } else {
            order = snapshot
                    ? new long[] {0, 0, ++snapshotSequence}
                    : new long[] {number(strings.get("lsn_commit")), number(strings.get("lsn")), 0};
        }
        // Several events can share one offset (a primary-key update, a synthesized schema change before its row):
        // a trailing counter keeps every event's order distinct and increasing.
        if (!Arrays.equals(order, lastBase)) {
            lastBase = order;
            sameBaseCount = 0;
        } else {
            sameBaseCount++;
        }
        long[] unique = Arrays.copyOf(order, order.length + 1);
        unique[order.length] = sameBaseCount;
        return new SourcePosition(sourceName, unique, strings);
    }

    private static boolean isSnapshot(Map<String, ?> offset, Struct source) {
        if (offset != null && offset.get("snapshot") != null) {
            Object s = offset.get("snapshot");
            return !"false".equalsIgnoreCase(s.toString());
        }
        if (source != null && source.schema().field("snapshot") != null) {
            Object s = source.get("snapshot");
            return s != null && !"false".equalsIgnoreCase(s.toString());
        }
        return false;
    }

    /** [file number, restart position] of a binlog offset, or null without them. */
    static long[] binlogPosition(Map<String, ?> offset) {
        Object file = offset.get("file");
        Object pos = offset.get("pos");
        return file == null || pos == null ? null
                : new long[] {fileNumber(file.toString()), Long.parseLong(pos.toString())};
    }

    static long fileNumber(String file) {
        if (file == null) {
            return 0;
        }
        int dot = file.lastIndexOf('.');
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("binlog file name '" + file + "' does not end in a number", e);
        }
    }

    private static long number(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }
}

package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Hand-built Debezium envelopes (PostgreSQL shape) through the mapper. */
class RecordMapperTest {
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static Schema row(boolean withExtra) {
        SchemaBuilder b = SchemaBuilder.struct().name("db.public.t.Value").optional()
                .field("id", SchemaBuilder.int32().parameter(RecordMapper.TYPE_PARAM, "INT4").build())
                .field("name", SchemaBuilder.string().optional().parameter(RecordMapper.TYPE_PARAM, "VARCHAR")
                        .parameter(RecordMapper.LENGTH_PARAM, "20").build());
        if (withExtra) {
            b.field("extra", SchemaBuilder.int64().optional().parameter(RecordMapper.TYPE_PARAM, "INT8").build());
        }
        return b.build();
    }

    private static Schema envelope(Schema row) {
        return SchemaBuilder.struct().name("db.public.t.Envelope")
                .field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
    }

    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

    private static SourceRecord record(Schema env, String op, Struct before, Struct after, long lsn, String header) {
        Struct source = new Struct(SOURCE).put("db", "db").put("schema", "public").put("table", "t")
                .put("ts_ms", 1_700_000_000_000L).put("txId", 7L);
        Struct value = new Struct(env).put("before", before).put("after", after).put("source", source).put("op", op);
        Struct keyRow = after != null ? after : before;
        ConnectHeaders headers = new ConnectHeaders();
        if (header != null) {
            headers.addString(header, "k");
        }
        return new SourceRecord(Map.of("server", "s"), Map.of("lsn", lsn, "lsn_commit", lsn - 1), "t", null,
                KEY, new Struct(KEY).put("id", keyRow.get("id")), env, value, null, headers);
    }

    private static Struct row(Schema s, int id, String name) {
        return new Struct(s).put("id", id).put("name", name);
    }

    @Test
    void firstRowAnnouncesItsShapeAndANewShapeIsAnnouncedAgain() {
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src");
        Schema r1 = row(false);
        Schema e1 = envelope(r1);
        List<ChangeEvent> out = new ArrayList<>();
        out.addAll(m.map(record(e1, "c", null, row(r1, 1, "a"), 100, null)).events());
        out.addAll(m.map(record(e1, "c", null, row(r1, 2, "b"), 200, null)).events());
        Schema r2 = row(true);
        Schema e2 = envelope(r2);
        out.addAll(m.map(record(e2, "c", null, new Struct(r2).put("id", 3).put("extra", 5L), 300, null)).events());

        assertThat(out).extracting(ChangeEvent::type).containsExactly(ChangeType.SCHEMA_CHANGE, ChangeType.INSERT,
                ChangeType.INSERT, ChangeType.SCHEMA_CHANGE, ChangeType.INSERT);
        assertThat(out.get(0).table()).isEqualTo(new TableId("db", "public", "t"));
        assertThat(out.get(0).schema().primaryKey()).containsExactly("id");
        assertThat(out.get(0).schema().column("name").length()).isEqualTo(20);
        assertThat(out.get(0).schema().column("name").sourceType()).isEqualTo("VARCHAR");
        assertThat(out.get(3).schema().column("extra").type()).isEqualTo(LogicalType.INT64);
        assertThat(out.get(4).after().get(out.get(4).schema(), "extra")).isEqualTo(5L);
        assertThat(out.get(1).transactionId()).isEqualTo("7");
        for (int i = 1; i < out.size(); i++) {
            assertThat(out.get(i).position().isAfter(out.get(i - 1).position())).isTrue();
        }
    }

    @Test
    void primaryKeyUpdateBecomesOneUpdateAndItsFirstHalfIsHeld() {
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src");
        Schema r = row(false);
        Schema e = envelope(r);
        m.map(record(e, "c", null, row(r, 1, "a"), 100, null));
        RecordMapper.Mapped deleteHalf = m.map(record(e, "d", row(r, 1, "a"), null, 200, "__debezium.newkey"));
        RecordMapper.Mapped insertHalf = m.map(record(e, "c", null, row(r, 2, "a"), 200, "__debezium.oldkey"));

        assertThat(deleteHalf.held()).isTrue();
        assertThat(deleteHalf.events()).isEmpty();
        assertThat(insertHalf.held()).isFalse();
        assertThat(insertHalf.events()).singleElement().satisfies(u -> {
            assertThat(u.type()).isEqualTo(ChangeType.UPDATE);
            assertThat(u.before().get(0)).isEqualTo(1);
            assertThat(u.after().get(0)).isEqualTo(2);
        });
    }

    @Test
    void eventsSharingAnOffsetGetDistinctIncreasingPositions() {
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src");
        Schema r = row(false);
        Schema e = envelope(r);
        ChangeEvent a = m.map(record(e, "c", null, row(r, 1, "a"), 100, null)).events().get(1);
        ChangeEvent b = m.map(record(e, "c", null, row(r, 2, "b"), 100, null)).events().get(0);
        assertThat(b.position().isAfter(a.position())).isTrue();
        assertThat(b.position().offset()).isEqualTo(a.position().offset()).containsEntry("lsn", "100");
    }

    /** A row schema of an int4 key and text columns, in the order given. */
    private static Schema shape(String... columns) {
        SchemaBuilder b = SchemaBuilder.struct().name("db.public.t.Value").optional()
                .field("id", SchemaBuilder.int32().parameter(RecordMapper.TYPE_PARAM, "INT4").build());
        for (String c : columns) {
            b.field(c, SchemaBuilder.string().optional().parameter(RecordMapper.TYPE_PARAM, "TEXT").build());
        }
        return b.build();
    }

    /** A catalog whose columns (name, attnum pairs) the test changes between rows, as DDL would. */
    private static final class FakeCatalog implements ColumnExtras {
        final Map<String, Extra> columns = new java.util.HashMap<>();

        FakeCatalog set(Object... nameThenAttnum) {
            columns.clear();
            for (int i = 0; i < nameThenAttnum.length; i += 2) {
                columns.put((String) nameThenAttnum[i], new Extra(null, false, null, (Integer) nameThenAttnum[i + 1]));
            }
            return this;
        }

        @Override
        public Map<String, Extra> of(TableId table) {
            return Map.copyOf(columns);
        }
    }

    /** Maps one insert of the given shape and returns the DDL of the schema change it brought, or "none". */
    private static String ddlOfShapeChange(RecordMapper m, Schema shape, long lsn) {
        List<ChangeEvent> events = m.map(record(envelope(shape), "c", null, new Struct(shape).put("id", 1), lsn,
                null)).events();
        assertThat(events.get(events.size() - 1).type()).isEqualTo(ChangeType.INSERT);
        if (events.size() == 1) {
            return "none";
        }
        assertThat(events.get(0).type()).isEqualTo(ChangeType.SCHEMA_CHANGE);
        assertThat(events.get(0).schema()).isSameAs(events.get(1).schema());
        return String.valueOf(events.get(0).ddl());
    }

    @Test
    void aColumnKeepingItsAttnumUnderANewNameIsARenameAndANewAttnumIsNot() {
        FakeCatalog catalog = new FakeCatalog().set("id", 1, "a", 2, "b", 3);
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src", catalog);
        assertThat(ddlOfShapeChange(m, shape("a", "b"), 100)).isEqualTo("null");

        catalog.set("id", 1, "a", 2, "c", 3); // RENAME b TO c
        assertThat(ddlOfShapeChange(m, shape("a", "c"), 200))
                .isEqualTo("ALTER TABLE \"public\".\"t\" RENAME COLUMN \"b\" TO \"c\"");

        catalog.set("id", 1, "a", 2, "d", 4); // DROP c, ADD d: same place in the row, another attnum
        assertThat(ddlOfShapeChange(m, shape("a", "d"), 300)).isEqualTo("null");

        catalog.set("id", 1, "a", 2, "d", 4); // same shape: no change at all
        assertThat(ddlOfShapeChange(m, shape("a", "d"), 400)).isEqualTo("none");
    }

    @Test
    void aShapeAnnouncedByASnapshotOutsideTheStreamLetsTheFirstStreamedRowTellARename() {
        FakeCatalog catalog = new FakeCatalog().set("id", 1, "a", 2, "b", 3);
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src", catalog);
        TableId t = new TableId("db", "public", "t");
        m.announced(new TableSchema(t, List.of(ColumnSchema.builder("id", LogicalType.INT32).build(), text("a"),
                text("b")), List.of("id")));
        catalog.set("id", 1, "a", 2, "c", 3); // RENAME b TO c before the stream's first row of the table
        assertThat(ddlOfShapeChange(m, shape("a", "c"), 100))
                .isEqualTo("ALTER TABLE \"public\".\"t\" RENAME COLUMN \"b\" TO \"c\"");
        // Without an announced shape the first row has nothing to compare with.
        RecordMapper fresh = new RecordMapper(Dialect.POSTGRESQL, "src", catalog);
        assertThat(ddlOfShapeChange(fresh, shape("a", "c"), 100)).isEqualTo("null");
    }

    @Test
    void aCatalogThatMovedOnSinceTheRowYieldsNoRename() {
        FakeCatalog catalog = new FakeCatalog().set("id", 1, "a", 2, "b", 3);
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src", catalog);
        ddlOfShapeChange(m, shape("a", "b"), 100);
        // The row says b became c, but by the time it is read c was renamed again: c is not in the catalog.
        catalog.set("id", 1, "a", 2, "e", 3);
        assertThat(ddlOfShapeChange(m, shape("a", "c"), 200)).isEqualTo("null");
        // Names that no longer rise in attnum order are not trusted either: the row says b became c, but since
        // then a was renamed to c and b to a; read naively, that would be a swap.
        FakeCatalog later = new FakeCatalog().set("id", 1, "a", 2, "b", 3);
        RecordMapper m2 = new RecordMapper(Dialect.POSTGRESQL, "src", later);
        ddlOfShapeChange(m2, shape("a", "b"), 100);
        later.set("id", 1, "c", 2, "a", 3);
        assertThat(ddlOfShapeChange(m2, shape("a", "c"), 200)).isEqualTo("null");
        // Without a catalog (lookup failed) a changed shape is still announced, without renames.
        RecordMapper blind = new RecordMapper(Dialect.POSTGRESQL, "src");
        ddlOfShapeChange(blind, shape("a", "b"), 100);
        assertThat(ddlOfShapeChange(blind, shape("a", "c"), 200)).isEqualTo("null");
    }

    @Test
    void renameStatementsFreeTheNamesTheyReuse() {
        TableId t = new TableId("db", "public", "t");
        TableSchema old = new TableSchema(t, List.of(text("a"), text("b"), text("c")), List.of());
        // swap a and b: one temporary name
        assertThat(RecordMapper.renameStatements(t, old, new TableSchema(t, List.of(text("b"), text("a"), text("c")),
                List.of()), new java.util.LinkedHashMap<>(Map.of("a", "b", "b", "a")))).isIn(
                "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"a\" TO \"hstream_io_rename_0\"; "
                        + "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"b\" TO \"a\"; "
                        + "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"hstream_io_rename_0\" TO \"b\"",
                "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"b\" TO \"hstream_io_rename_0\"; "
                        + "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"a\" TO \"b\"; "
                        + "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"hstream_io_rename_0\" TO \"a\"");
        // a chain a -> b -> x: the free end first, no temporary name
        java.util.LinkedHashMap<String, String> chain = new java.util.LinkedHashMap<>();
        chain.put("a", "b");
        chain.put("b", "x");
        assertThat(RecordMapper.renameStatements(t, old, new TableSchema(t, List.of(text("b"), text("x"), text("c")),
                List.of()), chain)).isEqualTo("ALTER TABLE \"public\".\"t\" RENAME COLUMN \"b\" TO \"x\"; "
                + "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"a\" TO \"b\"");
        // a renamed onto the name of c, which was dropped; quotes in names are doubled
        TableSchema quoted = new TableSchema(t, List.of(text("a\"q"), text("c")), List.of());
        assertThat(RecordMapper.renameStatements(t, quoted, new TableSchema(t, List.of(text("c")), List.of()),
                Map.of("a\"q", "c"))).isEqualTo("ALTER TABLE \"public\".\"t\" DROP COLUMN \"c\"; "
                + "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"a\"\"q\" TO \"c\"");
    }

    private static ColumnSchema text(String name) {
        return ColumnSchema.builder(name, LogicalType.STRING).build();
    }

    @Test
    void recordsWithoutAChangeYieldNothing() {
        RecordMapper m = new RecordMapper(Dialect.POSTGRESQL, "src");
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord r = new SourceRecord(Map.of(), Map.of("lsn", 1L), "__debezium-heartbeat.s", null, null, null,
                heartbeat, new Struct(heartbeat).put("ts_ms", 1L));
        assertThat(m.map(r).events()).isEmpty();
        assertThat(m.map(new SourceRecord(Map.of(), Map.of(), "t", null, null)).events()).isEmpty();
    }
}

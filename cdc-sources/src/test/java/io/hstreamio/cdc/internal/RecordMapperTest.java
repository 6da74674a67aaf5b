package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.TableId;
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

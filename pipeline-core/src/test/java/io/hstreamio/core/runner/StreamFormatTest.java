package io.hstreamio.core.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.core.task.StreamFormat;
import io.hstreamio.core.task.ToolkitOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stream.format=json: sources write stock envelopes, and sinks read them (and foreign ones) back. */
class StreamFormatTest {
    private static final GeneratorSource GENERATOR = new GeneratorSource();
    private static final TableSchema ORDERS = GeneratorSource.schema("orders");
    private static final int ROWS = 300;
    // Fixed, so that two runs of the generator emit equal events (commit times come from this clock).
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456Z"), ZoneOffset.UTC);
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonSourceWritesStockEnvelopesThatAPlainJsonReaderParses() throws Exception {
        try (StreamStore store = EmbeddedStreamStore.open(dir.resolve("json"))) {
            generate(store, "json");
            List<StreamRecord> records = readAll(store);
            assertThat(records).hasSize(ROWS + 1);

            List<StreamRecord> raw = records.stream().filter(r -> r.format() == PayloadFormat.RAW).toList();
            assertThat(raw).as("only the schema change stays binary").hasSize(1);
            assertThat(StreamCodecs.binary(store).decode(raw.get(0).payload()).type())
                    .isEqualTo(ChangeType.SCHEMA_CHANGE);

            int updates = 0;
            for (StreamRecord r : records) {
                if (r.format() != PayloadFormat.JSON) {
                    continue;
                }
                JsonNode tree = PLAIN.readTree(r.payload());
                List<String> fields = new ArrayList<>();
                tree.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).containsExactly("key", "value");
                long id = tree.get("key").get("id").asLong();
                assertThat(tree.get("key").size()).isEqualTo(1);
                assertThat(tree.get("value").get("id").asLong()).isEqualTo(id);
                assertThat(tree.get("value").size()).isEqualTo(ORDERS.columns().size());
                String change = r.attributes().get(StreamRecordCodec.ATTR_CHANGE);
                long version = change.equals("UPDATE") ? Long.parseLong(positionEvent(r)) : 0;
                updates += change.equals("UPDATE") ? 1 : 0;
                Row expected = GeneratorSource.row(ORDERS, 3, id, version);
                for (int i = 0; i < ORDERS.columns().size(); i++) {
                    String column = ORDERS.columns().get(i).name();
                    Object v = expected.get(i);
                    JsonNode actual = tree.get("value").get(column);
                    if (v == null) {
                        assertThat(actual.isNull()).as("%s of %d", column, id).isTrue();
                    } else if (v instanceof BigDecimal d) {
                        // a plain reader reads decimals as doubles; the digits are exact (the round trip checks scale)
                        assertThat(new BigDecimal(actual.asText())).as("%s of %d", column, id).isEqualByComparingTo(d);
                    } else {
                        assertThat(actual.asText()).as("%s of %d", column, id).isEqualTo(plainText(v));
                    }
                }
                assertThat(r.attributes()).containsEntry(StreamRecordCodec.ATTR_TABLE, "generator.orders")
                        .containsEntry(StreamRecordCodec.ATTR_SCHEMA, String.format("%016x", ORDERS.fingerprint()));
            }
            assertThat(updates).as("the generator's updates are in the stream").isPositive();
        }
    }

    @Test
    void sinkReadsJsonStreamToTheSameEventsAsTheBinaryStream() throws Exception {
        List<ChangeEvent> fromBinary;
        List<ChangeEvent> fromJson;
        try (StreamStore store = EmbeddedStreamStore.open(dir.resolve("binary"))) {
            generate(store, "binary");
            fromBinary = sink(store, Map.of());
        }
        try (StreamStore store = EmbeddedStreamStore.open(dir.resolve("json"))) {
            generate(store, "json");
            fromJson = sink(store, Map.of());
        }
        assertThat(fromBinary).hasSize(ROWS + 1);
        assertThat(fromBinary.stream().filter(e -> e.type() == ChangeType.UPDATE)).isNotEmpty();
        assertThat(fromJson).containsExactlyElementsOf(fromBinary);
    }

    @Test
    void deleteAndEveryValueRoundTripExactly() {
        TableSchema schema = new TableSchema(TableId.of("shop", "items"), List.of(
                ColumnSchema.builder("id", LogicalType.INT64).nullable(false).build(),
                ColumnSchema.builder("price", LogicalType.DECIMAL).precision(10).scale(2).build(),
                ColumnSchema.builder("doc", LogicalType.JSON).build(),
                ColumnSchema.builder("at", LogicalType.TIMESTAMP_TZ).build()), List.of("id"));
        Row row = Row.of(schema, 7L, new BigDecimal("1.50"), new JsonText("{\"a\":[1,2]}"),
                Instant.parse("2024-02-29T23:59:59.000001Z"));
        SourcePosition pos = new SourcePosition("mysql:1", new long[] {4, 5}, Map.of("file", "bin.000001"));
        ChangeEvent delete = ChangeEvent.delete(schema, row, pos, Instant.parse("2024-03-01T00:00:00Z"));
        try (StreamStore store = EmbeddedStreamStore.open(dir)) {
            StreamRecordCodec codec = StreamCodecs.records(store, StreamCodecs.binary(store));
            StreamRecord record = codec.encode(delete, StreamFormat.JSON);
            assertThat(new String(record.payload(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"key\":{\"id\":7},\"value\":null}");
            // A reader with a fresh registry over the same store finds the schema the writer registered.
            StreamRecordCodec reader = StreamCodecs.records(store, StreamCodecs.binary(store));
            assertThat(reader.decode(record, null)).isEqualTo(delete);
        }
    }

    @Test
    void stockEnvelopeWithoutAttributesReachesTheSinkWithAnInferredSchema() throws Exception {
        try (StreamStore store = EmbeddedStreamStore.open(dir)) {
            Streams.ensureExists(store, "items");
            store.append("items", List.of(
                    stock("{\"key\":{\"id\":7},\"value\":{\"id\":7,\"name\":\"tea\",\"price\":1.50,\"big\":"
                            + "123456789012345678901234567890,\"ok\":true,\"tags\":[\"x\",{\"y\":1}],\"note\":null}}"),
                    stock("{\"key\":{\"id\":7},\"value\":null}"))).get(10, TimeUnit.SECONDS);
            List<ChangeEvent> events = sink(store, Map.of("stream", "items", "table", "shop.items"));

            TableId table = TableId.of("shop", "items");
            TableSchema inserted = new TableSchema(table, List.of(
                    ColumnSchema.builder("id", LogicalType.INT64).nullable(false).build(),
                    ColumnSchema.builder("name", LogicalType.STRING).build(),
                    ColumnSchema.builder("price", LogicalType.DECIMAL).build(),
                    ColumnSchema.builder("big", LogicalType.DECIMAL).build(),
                    ColumnSchema.builder("ok", LogicalType.BOOLEAN).build(),
                    ColumnSchema.builder("tags", LogicalType.JSON).build(),
                    ColumnSchema.builder("note", LogicalType.STRING).build()), List.of("id"));
            TableSchema deleted = new TableSchema(table, List.of(
                    ColumnSchema.builder("id", LogicalType.INT64).nullable(false).build()), List.of("id"));
            assertThat(events).containsExactly(
                    ChangeEvent.insert(inserted, Row.of(inserted, 7L, "tea", new BigDecimal("1.50"),
                            new BigDecimal("123456789012345678901234567890"), true,
                            new JsonText("[\"x\",{\"y\":1}]"), null), null, null),
                    ChangeEvent.delete(deleted, Row.of(deleted, 7L), null, null));
        }
    }

    @Test
    void stockEnvelopeTableComesFromTheAttributeBeforeTheSinkOption() throws Exception {
        try (StreamStore store = EmbeddedStreamStore.open(dir)) {
            Streams.ensureExists(store, "items");
            store.append("items", List.of(new StreamRecord("", PayloadFormat.JSON,
                    "{\"key\":{\"k\":\"a\"},\"value\":{\"k\":\"a\"}}".getBytes(StandardCharsets.UTF_8),
                    Map.of(StreamRecordCodec.ATTR_TABLE, "crm.users")))).get(10, TimeUnit.SECONDS);
            List<ChangeEvent> events = sink(store, Map.of("stream", "items", "table", "shop.items"));
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.table()).isEqualTo(TableId.of("crm", "users"));
                assertThat(e.after()).isEqualTo(Row.trusted(new Object[] {"a"}));
            });
        }
    }

    // ---------------------------------------------------------------- helpers

    private static StreamRecord stock(String json) {
        return new StreamRecord("7", PayloadFormat.JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static void generate(StreamStore store, String format) {
        Options options = ToolkitOptions.forSource(GENERATOR).parse(Map.of("stream", "orders", "rows", ROWS,
                "batch", 64, "seed", 3, "updateEvery", 4, "stream.format", format));
        SourceTaskRunner runner = new SourceTaskRunner("gen", GENERATOR.createTask(), options, store,
                StreamCodecs.binary(store), CLOCK);
        runner.run();
        assertThat(runner.failure()).isEmpty();
    }

    private static List<StreamRecord> readAll(StreamStore store) throws Exception {
        List<StreamRecord> out = new ArrayList<>();
        for (ShardInfo shard : store.findStream("orders").orElseThrow().shards()) {
            try (ShardReader reader = store.openShardReader("orders", shard.shardId(), null)) {
                for (List<ReceivedRecord> got = reader.read(1000, 0); !got.isEmpty(); got = reader.read(1000, 0)) {
                    got.forEach(r -> out.add(r.record()));
                }
            }
        }
        return out;
    }

    private static String positionEvent(StreamRecord r) throws Exception {
        return PLAIN.readTree(r.attributes().get(StreamRecordCodec.ATTR_POSITION)).get("offset").get("event").asText();
    }

    /** How a plain JSON reader's asText() spells a generator value. */
    private static String plainText(Object v) {
        return v instanceof JsonText j ? j.json() : v.toString();
    }

    /** Runs a collecting sink over the stream until it has seen everything, in source order. */
    private static List<ChangeEvent> sink(StreamStore store, Map<String, Object> extra) throws Exception {
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        SinkTask collect = new SinkTask() {
            @Override
            public void start(Options options, SinkContext context) {}

            @Override
            public void write(List<SinkRecord> records) {
                records.forEach(r -> seen.add(r.event()));
            }

            @Override
            public void flush() {}

            @Override
            public void stop() {}
        };
        Map<String, Object> raw = new HashMap<>(Map.of("stream", "orders"));
        raw.putAll(extra);
        String stream = (String) raw.get("stream");
        long expected = 0;
        for (ShardInfo shard : store.findStream(stream).orElseThrow().shards()) {
            try (ShardReader reader = store.openShardReader(stream, shard.shardId(), null)) {
                for (List<ReceivedRecord> got = reader.read(1000, 0); !got.isEmpty(); got = reader.read(1000, 0)) {
                    expected += got.size();
                }
            }
        }
        SinkTaskRunner runner = new SinkTaskRunner("sink", collect, ToolkitOptions.forSink(new TableSink()).parse(raw),
                store, StreamCodecs.binary(store), CLOCK);
        Thread t = new Thread(runner, "test-sink");
        t.start();
        long want = expected;
        await().atMost(Duration.ofSeconds(20))
                .until(() -> runner.state().isTerminal() || runner.metrics().deliveredRecords() >= want);
        runner.stop();
        assertThat(runner.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.failure()).isEmpty();
        List<ChangeEvent> out = new ArrayList<>(seen);
        // shards interleave; source order is the position (events without one, e.g. stock envelopes, keep theirs)
        out.sort(Comparator.comparingLong(e -> e.position() == null ? 0 : e.position().order()[0]));
        return out;
    }

    /** A sink with a {@code table} option, like the JDBC sinks'. */
    static final class TableSink implements SinkConnector {
        static final OptionDef<String> TABLE = OptionDef.string("table").doc("Target table.").build();

        @Override
        public String name() {
            return "collect";
        }

        @Override
        public OptionsDefinition options() {
            return OptionsDefinition.builder("collect sink").add(TABLE).build();
        }

        @Override
        public SinkTask createTask() {
            throw new UnsupportedOperationException();
        }
    }
}

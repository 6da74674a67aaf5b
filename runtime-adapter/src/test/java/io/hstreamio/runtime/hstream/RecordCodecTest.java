package io.hstreamio.runtime.hstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.testing.Gen;
import io.hstreamio.core.testing.RandomCases;
import io.hstreamio.runtime.hstream.HStreamDbOptions.Compression;
import io.hstreamio.runtime.hstream.proto.BatchedRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecordHeader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EXACT = 1L << 53;

    @Test
    void compactJsonObjectsTravelAsStructsAndComeBackByteForByte() {
        RandomCases.forAll(gen -> {
            boolean[] exact = {true};
            ObjectNode tree = object(gen, 3, exact);
            byte[] json = bytes(tree);
            StreamRecord record = new StreamRecord(gen.alphanumeric(0, 8), PayloadFormat.JSON, json,
                    gen.bool() ? Map.of("table", gen.alphanumeric(1, 5)) : Map.of());

            HStreamRecord wire = RecordCodec.toWire(record);

            assertThat(RecordCodec.fromWire(wire)).isEqualTo(record);
            if (exact[0]) {
                assertThat(wire.getHeader().getFlag()).as("flag of %s", tree).isEqualTo(HStreamRecordHeader.Flag.JSON);
                Struct struct = parseStruct(wire);
                assertThat(struct.getFieldsCount()).isEqualTo(tree.size());
                assertThat(wire.getHeader().getAttributesMap()).isEqualTo(record.attributes());
            } else {
                assertThat(wire.getHeader().getFlag()).as("flag of %s", tree).isEqualTo(HStreamRecordHeader.Flag.RAW);
                assertThat(wire.getHeader().getAttributesMap()).containsEntry(RecordCodec.FORMAT_ATTRIBUTE, "json");
            }
        });
    }

    @Test
    void jsonThatAStructCannotHoldExactlyTravelsAsMarkedRaw() {
        for (String text : List.of("", "[1,2]", "\"s\"", "{\"a\": 1}", "{\"price\":1.50}", "{\"id\":1152921504606846977}",
                "{\"a\":1,\"a\":2}", "{\"f\":3.0}", "not json")) {
            StreamRecord r = new StreamRecord("k", PayloadFormat.JSON, text.getBytes(StandardCharsets.UTF_8), Map.of());
            HStreamRecord wire = RecordCodec.toWire(r);
            assertThat(wire.getHeader().getFlag()).as(text).isEqualTo(HStreamRecordHeader.Flag.RAW);
            assertThat(RecordCodec.fromWire(wire)).as(text).isEqualTo(r);
        }
        StreamRecord nested = new StreamRecord("k", PayloadFormat.JSON,
                "{\"key\":{\"id\":7},\"value\":{\"name\":\"a\\\"b\",\"tags\":[true,null,2.5],\"n\":-3}}"
                        .getBytes(StandardCharsets.UTF_8), Map.of());
        HStreamRecord wire = RecordCodec.toWire(nested);
        assertThat(wire.getHeader().getFlag()).isEqualTo(HStreamRecordHeader.Flag.JSON);
        Struct s = parseStruct(wire);
        assertThat(s.getFieldsOrThrow("value").getStructValue().getFieldsOrThrow("n").getNumberValue()).isEqualTo(-3d);
        assertThat(RecordCodec.fromWire(wire)).isEqualTo(nested);
    }

    @Test
    void theFormatMarkerIsReserved() {
        StreamRecord r = new StreamRecord("k", PayloadFormat.RAW, new byte[1],
                Map.of(RecordCodec.FORMAT_ATTRIBUTE, "json"));
        assertThatThrownBy(() -> RecordCodec.toWire(r)).isInstanceOf(StoreException.class)
                .hasMessageContaining(RecordCodec.FORMAT_ATTRIBUTE);
    }

    @Test
    void batchesRoundTripInEveryCompression() {
        RandomCases.forAll(100, gen -> {
            List<HStreamRecord> records = new ArrayList<>();
            for (int i = 0; i < gen.intIn(1, 30); i++) {
                records.add(RecordCodec.toWire(StreamRecord.raw(gen.alphanumeric(0, 6), gen.bytes(300))));
            }
            Compression c = gen.oneOf(Compression.class);
            BatchedRecord batch = RecordCodec.encodeBatch(records, c, Instant.EPOCH);
            assertThat(batch.getBatchSize()).isEqualTo(records.size());
            assertThat(RecordCodec.decodeBatch(batch)).isEqualTo(records);
        });
        byte[] repetitive = "abcdefgh".repeat(2000).getBytes(StandardCharsets.UTF_8);
        List<HStreamRecord> one = List.of(RecordCodec.toWire(StreamRecord.raw("k", repetitive)));
        assertThat(RecordCodec.encodeBatch(one, Compression.GZIP, Instant.EPOCH).getPayload().size())
                .isLessThan(repetitive.length / 10);
        assertThat(RecordCodec.encodeBatch(one, Compression.ZSTD, Instant.EPOCH).getPayload().size())
                .isLessThan(repetitive.length / 10);
    }

    private static Struct parseStruct(HStreamRecord wire) {
        try {
            return Struct.parseFrom(wire.getPayload());
        } catch (Exception e) {
            throw new AssertionError("JSON record payload is not a Struct", e);
        }
    }

    private static byte[] bytes(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Random text. Jackson's default writes supplementary characters as {@code \uD83D\uDE00} escapes, which a Struct
     * printed back as UTF-8 does not reproduce: such payloads must travel as marked RAW.
     */
    private static String text(String s, boolean[] exact) {
        if (s.chars().anyMatch(c -> Character.isSurrogate((char) c))) {
            exact[0] = false;
        }
        return s;
    }

    /** A random object; {@code exact[0]} turns false when it holds an integer a double cannot hold. */
    private static ObjectNode object(Gen gen, int depth, boolean[] exact) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < gen.intIn(0, 5); i++) {
            String key = gen.text(6);
            if (o.has(key)) {
                continue; // a replaced value would leave its mark in exact[0]
            }
            o.set(text(key, exact), value(gen, depth - 1, exact));
        }
        return o;
    }

    private static JsonNode value(Gen gen, int depth, boolean[] exact) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = gen.intIn(0, depth > 0 ? 7 : 5);
        switch (kind) {
            case 0:
                return f.textNode(text(gen.text(10), exact));
            case 1: {
                long v = gen.bool() ? gen.longIn(-EXACT + 1, EXACT - 1) : gen.anyLong();
                if (Math.abs((double) v) >= EXACT) {
                    exact[0] = false;
                }
                return f.numberNode(v);
            }
            case 2: {
                double d = gen.longIn(-1_000_000, 1_000_000) + (gen.intIn(1, 999) / 1000.0);
                return f.numberNode(d);
            }
            case 3:
                return f.booleanNode(gen.bool());
            case 4:
            case 5:
                return f.nullNode();
            case 6: {
                ArrayNode a = f.arrayNode();
                for (int i = 0; i < gen.intIn(0, 4); i++) {
                    a.add(value(gen, depth - 1, exact));
                }
                return a;
            }
            default:
                return object(gen, depth - 1, exact);
        }
    }
}

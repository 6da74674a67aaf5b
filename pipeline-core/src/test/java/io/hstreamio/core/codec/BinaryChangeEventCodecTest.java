package io.hstreamio.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import io.hstreamio.core.testing.RandomCases;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class BinaryChangeEventCodecTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final BinaryChangeEventCodec codec = new BinaryChangeEventCodec(registry);

    // ------------------------------------------------------------------ round trips

    @Test
    void anyEventRoundTrips() {
        RandomCases.forAll(400, g -> {
            ChangeEvent event = CodecCases.event(g);
            assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
        });
    }

    @Test
    void runsOfEventsSharingAnOffsetMapRoundTripInAnyOrder() {
        // The codec reuses the last offset map it wrote or read when the next one is equal: runs, alternations and
        // maps differing in one value must all come back as written, through this codec and through a fresh one.
        java.util.Random random = new java.util.Random(5);
        List<java.util.Map<String, String>> maps = List.of(
                java.util.Map.of("file", "binlog.000001", "pos", "4", "snapshot", "true"),
                java.util.Map.of("file", "binlog.000001", "pos", "5", "snapshot", "true"),
                java.util.Map.of("file", "binlog.000002", "pos", "4"),
                java.util.Map.of());
        List<ChangeEvent> events = new java.util.ArrayList<>();
        List<byte[]> encoded = new java.util.ArrayList<>();
        RandomCases.forAll(500, g -> {
            int i = events.size();
            java.util.Map<String, String> offset = maps.get(i % 7 < 4 ? 0 : random.nextInt(maps.size()));
            String source = i % 11 == 0 ? "other" : "src";
            ChangeEvent e = CodecCases.event(g);
            e = new ChangeEvent(e.type(), e.table(), e.schema(), e.before(), e.after(),
                    new SourcePosition(source, new long[] {i}, new java.util.HashMap<>(offset)), e.commitTime(),
                    e.transactionId(), e.ddl());
            events.add(e);
            encoded.add(codec.encode(e));
        });
        BinaryChangeEventCodec fresh = new BinaryChangeEventCodec(registry);
        for (int i = 0; i < events.size(); i++) {
            assertThat(codec.decode(encoded.get(i))).isEqualTo(events.get(i));
            assertThat(fresh.decode(encoded.get(i))).isEqualTo(events.get(i));
            // The same event encodes to the same bytes whatever was encoded before it.
            assertThat(new BinaryChangeEventCodec(registry).encode(events.get(i))).isEqualTo(encoded.get(i));
        }
    }

    @Test
    void everyLogicalTypeRoundTrips() {
        RandomCases.forAll(200, g -> {
            ChangeEvent event = CodecCases.rowEvent(g, CodecCases.everyTypeSchema(g));
            ChangeEvent decoded = codec.decode(codec.encode(event));
            assertThat(decoded).isEqualTo(event);
            // equals() is lenient where Java is (NaN, List implementations): check the exact Java types as well
            for (int i = 0; i < event.keyRow().size(); i++) {
                if (event.keyRow().get(i) != null) {
                    assertThat(decoded.keyRow().get(i))
                            .isInstanceOf(event.schema().columns().get(i).type().javaType());
                }
            }
        });
    }

    @Test
    void aReaderInAnotherProcessResolvesSchemasThroughTheDurableRegistry() {
        RandomCases.forAll(60, g -> {
            ChangeEvent event = CodecCases.event(g, CodecCases.everyTypeSchema(g));
            MapKeyValueStore store = new MapKeyValueStore();
            byte[] bytes = new BinaryChangeEventCodec(new KeyValueSchemaRegistry(store)).encode(event);
            // a fresh registry and codec over the same store: nothing cached, nothing seen before this event
            ChangeEvent decoded = new BinaryChangeEventCodec(new KeyValueSchemaRegistry(store)).decode(bytes);
            assertThat(decoded).isEqualTo(event);
        });
    }

    @Test
    void encodingIsDeterministicAcrossCodecInstances() {
        RandomCases.forAll(200, g -> {
            ChangeEvent event = CodecCases.event(g);
            byte[] first = codec.encode(event);
            assertThat(codec.encode(event)).isEqualTo(first);
            assertThat(new BinaryChangeEventCodec(new InMemorySchemaRegistry()).encode(event)).isEqualTo(first);
        });
    }

    @Test
    void valuesAtTheEdgesRoundTrip() {
        List<LogicalType> types = List.of(LogicalType.UINT64, LogicalType.TIME, LogicalType.TIME,
                LogicalType.TIMESTAMP, LogicalType.TIMESTAMP, LogicalType.TIMESTAMP_TZ, LogicalType.TIMESTAMP_TZ,
                LogicalType.DECIMAL, LogicalType.DECIMAL, LogicalType.DECIMAL, LogicalType.STRING, LogicalType.STRING,
                LogicalType.STRING, LogicalType.BYTES, LogicalType.DATE, LogicalType.INT64, LogicalType.INT32,
                LogicalType.FLOAT64, LogicalType.BITS, LogicalType.TIME_TZ);
        TableSchema schema = schemaOf(types);
        Row row = Row.of(schema,
                new BigInteger("18446744073709551615"),
                Duration.ofSeconds(-(838 * 3600 + 59 * 60 + 59)),
                Duration.ofSeconds(838 * 3600 + 59 * 60 + 59),
                LocalDateTime.of(1, 1, 1, 0, 0, 0, 1_000),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999),
                Instant.parse("0001-01-01T00:00:00.000001Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z"),
                new BigDecimal(new BigInteger("-" + "9".repeat(2000)), 1000),
                new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE),
                new BigDecimal(BigInteger.valueOf(-5), Integer.MAX_VALUE),
                "",
                null,
                "emoji 😀 and 🇩🇪",
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0},
                LocalDate.of(1, 1, 1),
                Long.MIN_VALUE,
                Integer.MIN_VALUE,
                -0.0,
                new BitString(0, new byte[0]),
                OffsetTime.of(23, 59, 59, 999_999_000, ZoneOffset.ofHoursMinutesSeconds(-17, -59, -59)));
        ChangeEvent event = ChangeEvent.insert(schema, row, SourcePosition.of("src", Long.MIN_VALUE, Long.MAX_VALUE),
                Instant.parse("1969-12-31T23:59:59.999999999Z"));

        ChangeEvent decoded = codec.decode(codec.encode(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.after().get(10)).isEqualTo("");
        assertThat(decoded.after().get(11)).isNull();
        assertThat(Double.doubleToRawLongBits((Double) decoded.after().get(17)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void aRowEventCostsItsFingerprintNotItsSchema() {
        TableSchema wide = schemaOf(java.util.Collections.nCopies(40, LogicalType.INT32));
        Object[] values = new Object[40];
        Arrays.fill(values, 1);
        ChangeEvent insert = ChangeEvent.insert(wide, Row.of(wide, values), null, null);
        ChangeEvent schemaChange = ChangeEvent.schemaChange(wide.id(), wide, "ALTER TABLE", null, null);

        int rowEventBytes = codec.encode(insert).length;

        // header 3, table id "t" 4, fingerprint 8, bitmap 5, 40 one-byte values, checksum 4
        assertThat(rowEventBytes).isEqualTo(3 + 4 + 8 + 5 + 40 + 4);
        assertThat(codec.encode(schemaChange).length).isGreaterThan(rowEventBytes * 3);
    }

    // ------------------------------------------------------------------ schemas and the registry

    @Test
    void theEncoderRegistersTheSchemaBeforeReturningBytesThatReferToIt() {
        TableSchema schema = schemaOf(List.of(LogicalType.INT64));
        assertThat(registry.find(schema.fingerprint())).isEmpty();

        codec.encode(ChangeEvent.read(schema, Row.of(schema, 7L)));

        assertThat(registry.find(schema.fingerprint())).contains(schema);
    }

    @Test
    void aReaderLearnsSchemasFromSchemaChangeEvents() {
        TableSchema schema = schemaOf(List.of(LogicalType.STRING, LogicalType.INT32));
        BinaryChangeEventCodec writer = new BinaryChangeEventCodec(new InMemorySchemaRegistry());
        byte[] change = writer.encode(ChangeEvent.schemaChange(schema.id(), schema, "CREATE TABLE t", null, null));
        byte[] insert = writer.encode(ChangeEvent.insert(schema, Row.of(schema, "a", 1), null, null));
        BinaryChangeEventCodec reader = new BinaryChangeEventCodec(new InMemorySchemaRegistry());

        assertThatThrownBy(() -> reader.decode(insert)).isInstanceOf(CodecException.class);
        reader.decode(change);

        assertThat(reader.decode(insert).after()).isEqualTo(Row.of(schema, "a", 1));
    }

    @Test
    void anUnknownFingerprintNamesTheFingerprintAndTheTable() {
        TableSchema schema = schemaOf(List.of(LogicalType.INT64));
        byte[] bytes = codec.encode(ChangeEvent.insert(schema, Row.of(schema, 1L), null, null));
        BinaryChangeEventCodec stranger = new BinaryChangeEventCodec(new InMemorySchemaRegistry());

        assertThatThrownBy(() -> stranger.decode(bytes))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(String.format("%016x", schema.fingerprint()))
                .hasMessageContaining(schema.id().toString())
                .hasMessageContaining("INSERT");
    }

    // ------------------------------------------------------------------ the format, spelled by hand

    @Test
    void formatVersionOneIsSpelledAsDocumented() {
        TableSchema schema = new TableSchema(new TableId(null, null, "t"),
                List.of(ColumnSchema.builder("id", LogicalType.INT64).build(),
                        ColumnSchema.builder("note", LogicalType.STRING).build()), List.of("id"));
        ChangeEvent event = ChangeEvent.insert(schema, Row.of(schema, -1L, null), null,
                Instant.ofEpochSecond(1, 5_000));

        ByteBuffer expected = ByteBuffer.allocate(23);
        expected.put((byte) 1);                       // format version
        expected.put((byte) (1 | 1 << 4));            // INSERT, schema by fingerprint
        expected.put((byte) (1 | 4 | 16));            // table, after, commit time
        expected.put(new byte[] {0, 0, 1, 't'});      // database null, schema null, "t"
        expected.putLong(schema.fingerprint());
        expected.put((byte) 0b10);                    // null bitmap: column 1 is null
        expected.put((byte) 1);                       // zigzag(-1)
        expected.put((byte) 2);                       // commit epoch second, zigzag(1)
        expected.put((byte) (5 << 1));                // 5 microseconds
        CRC32C crc = new CRC32C();
        crc.update(expected.array(), 0, 19);
        expected.putInt((int) crc.getValue());

        assertThat(codec.encode(event)).isEqualTo(expected.array());
    }

    @Test
    void subMicrosecondNanosKeepTheirOwnSpelling() {
        TableSchema schema = schemaOf(List.of(LogicalType.TIME));
        ChangeEvent micros = ChangeEvent.read(schema, Row.of(schema, Duration.ofNanos(1_000)));
        ChangeEvent nanos = ChangeEvent.read(schema, Row.of(schema, Duration.ofNanos(1_001)));

        byte[] microBytes = codec.encode(micros);
        byte[] nanoBytes = codec.encode(nanos);

        assertThat(microBytes[microBytes.length - 5]).isEqualTo((byte) (1 << 1));
        assertThat(codec.decode(nanoBytes)).isEqualTo(nanos);
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void anyChangedByteIsDetected() {
        RandomCases.forAll(300, g -> {
            byte[] bytes = codec.encode(CodecCases.event(g));
            bytes[g.intIn(0, bytes.length - 1)] ^= (byte) g.intIn(1, 255);

            assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(CodecException.class)
                    .hasMessageMatching("(?s).*(checksum mismatch|version|truncated).*");
        });
    }

    @Test
    void everyTruncationFailsCleanly() {
        RandomCases.forAll(100, g -> {
            byte[] bytes = codec.encode(CodecCases.event(g));
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> codec.decode(cut)).as("prefix of %d of %d bytes", length, bytes.length)
                        .isInstanceOf(CodecException.class);
            }
        });
    }

    /**
     * Bytes that pass the checksum but were never written by the encoder (a writer bug, or a collision): the decoder
     * must still either refuse them with a CodecException or return a valid event, never throw anything else.
     */
    @Test
    void mutatedBodiesWithAValidChecksumFailCleanlyOrDecodeToAValidEvent() {
        RandomCases.forAll(600, g -> {
            byte[] bytes = codec.encode(CodecCases.event(g));
            int mutations = g.intIn(1, 3);
            for (int m = 0; m < mutations; m++) {
                bytes[g.intIn(1, Math.max(1, bytes.length - 5))] = (byte) g.anyInt();
            }
            assertDecodesCleanly(withChecksum(bytes));
        });
    }

    @Test
    void randomBodiesWithAValidChecksumFailCleanly() {
        RandomCases.forAll(1000, g -> {
            byte[] body = g.bytes(64);
            byte[] bytes = new byte[body.length + 5];
            bytes[0] = 1;
            System.arraycopy(body, 0, bytes, 1, body.length);

            assertDecodesCleanly(withChecksum(bytes));
        });
    }

    private void assertDecodesCleanly(byte[] bytes) {
        ChangeEvent[] decoded = new ChangeEvent[1];
        Throwable thrown = catchThrowable(() -> decoded[0] = codec.decode(bytes));
        if (thrown == null) {
            assertThat(codec.decode(codec.encode(decoded[0]))).isEqualTo(decoded[0]);
        } else {
            assertThat(thrown).isInstanceOf(CodecException.class).message().isNotBlank();
        }
    }

    @Test
    void anUnknownVersionSaysSo() {
        TableSchema schema = schemaOf(List.of(LogicalType.INT64));
        byte[] bytes = codec.encode(ChangeEvent.read(schema, Row.of(schema, 1L)));
        bytes[0] = 2;

        assertThatThrownBy(() -> codec.decode(withChecksum(bytes)))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("format version 2 is not supported");
        assertThatThrownBy(() -> codec.decode("{\"key\":{}}".getBytes()))
                .hasMessageContaining("format version 123 is not supported");
        assertThatThrownBy(() -> codec.decode(new byte[0])).hasMessageContaining("empty");
    }

    @Test
    void aValueOfTheWrongJavaTypeNamesItsColumn() {
        TableSchema schema = schemaOf(List.of(LogicalType.INT64, LogicalType.UUID));
        Row bad = Row.trusted(new Object[] {1L, "not-a-uuid"});
        ChangeEvent event = ChangeEvent.insert(schema, bad, null, null);

        assertThatThrownBy(() -> codec.encode(event))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("t.c1 is UUID")
                .hasMessageContaining("String");
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        TableSchema schema = schemaOf(List.of(LogicalType.INT64, LogicalType.INT64));
        ChangeEvent event = ChangeEvent.insert(schema, Row.trusted(new Object[] {1L}), null, null);

        assertThatThrownBy(() -> codec.encode(event)).isInstanceOf(CodecException.class)
                .hasMessageContaining("1 values but the table has 2 columns");
    }

    @Test
    void textThatUtf8CannotCarryIsRefusedNotMangled() {
        TableSchema schema = schemaOf(List.of(LogicalType.STRING));
        ChangeEvent event = ChangeEvent.insert(schema, Row.of(schema, "a\uD83D"), null, null);

        assertThatThrownBy(() -> codec.encode(event)).isInstanceOf(CodecException.class)
                .hasMessageContaining("unpaired UTF-16 surrogate at index 1");
    }

    @Test
    void anOutOfRangeUnsignedValueIsRefused() {
        TableSchema schema = schemaOf(List.of(LogicalType.UINT64));
        ChangeEvent event = ChangeEvent.insert(schema,
                Row.trusted(new Object[] {BigInteger.ONE.shiftLeft(64)}), null, null);

        assertThatThrownBy(() -> codec.encode(event)).isInstanceOf(CodecException.class)
                .hasMessageContaining("18446744073709551616");
    }

    // ------------------------------------------------------------------ threads

    @Test
    void manyThreadsShareOneCodec() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            TableSchema schema = schemaOf(List.of(LogicalType.INT64, LogicalType.STRING, LogicalType.TIMESTAMP_TZ));
            schema = new TableSchema(TableId.of("db", "t" + t), schema.columns(), schema.primaryKey());
            for (int i = 0; i < 500; i++) {
                events.add(ChangeEvent.insert(schema, Row.of(schema, (long) i, "v" + i, Instant.ofEpochSecond(i)),
                        SourcePosition.of("s", t, i), null));
            }
        }
        BinaryChangeEventCodec reader = new BinaryChangeEventCodec(registry);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                results.add(pool.submit(() -> {
                    for (int i = worker; i < events.size(); i += 4) {
                        ChangeEvent e = events.get(i);
                        if (!reader.decode(codec.encode(e)).equals(e)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get(1, TimeUnit.MINUTES)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ helpers

    static TableSchema schemaOf(List<LogicalType> types) {
        List<ColumnSchema> columns = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            columns.add(ColumnSchema.builder("c" + i, types.get(i)).build());
        }
        return new TableSchema(new TableId(null, null, "t"), columns, List.of());
    }

    static byte[] withChecksum(byte[] bytes) {
        byte[] out = bytes.clone();
        CRC32C crc = new CRC32C();
        crc.update(out, 0, out.length - 4);
        ByteBuffer.wrap(out, out.length - 4, 4).putInt((int) crc.getValue());
        return out;
    }

    @SuppressWarnings("unused")
    private static final Map<String, Object> UNUSED_TYPES = Map.of("g", new Geometry(0, new byte[0]),
            "j", new JsonText("{}"), "y", Year.of(2000), "u", new UUID(0, 0), "k", ChangeType.READ);
}

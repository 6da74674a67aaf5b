package io.hstreamio.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.RandomCases;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaRegistryTest {

    @Test
    void aStandAloneSchemaRoundTripsWithEveryField() {
        RandomCases.forAll(g -> {
            TableSchema schema = CodecCases.schema(g);
            TableSchema decoded = TableSchemaCodec.decode(TableSchemaCodec.encode(schema));

            assertThat(decoded).isEqualTo(schema);
            assertThat(decoded.fingerprint()).isEqualTo(schema.fingerprint());
        });
    }

    @Test
    void aCorruptStandAloneSchemaFailsCleanly() {
        RandomCases.forAll(200, g -> {
            byte[] bytes = TableSchemaCodec.encode(CodecCases.schema(g));
            bytes[g.intIn(0, bytes.length - 1)] ^= (byte) g.intIn(1, 255);

            assertThatThrownBy(() -> TableSchemaCodec.decode(bytes)).isInstanceOf(CodecException.class);
        });
    }

    @Test
    void theDurableRegistryStoresUnderTheFingerprintAndServesAFreshReader() {
        RandomCases.forAll(100, g -> {
            TableSchema schema = CodecCases.schema(g);
            MapKeyValueStore store = new MapKeyValueStore();
            new KeyValueSchemaRegistry(store).register(schema);

            String key = String.format("schema/%016x", schema.fingerprint());
            assertThat(store.scan("schema/")).containsOnlyKeys(key);
            assertThat(new KeyValueSchemaRegistry(store).find(schema.fingerprint())).contains(schema);
        });
    }

    @Test
    void theDurableRegistryTouchesTheStoreOncePerSchema() {
        MapKeyValueStore store = new MapKeyValueStore();
        KeyValueSchemaRegistry registry = new KeyValueSchemaRegistry(store);
        BinaryChangeEventCodec codec = new BinaryChangeEventCodec(registry);
        TableSchema schema = BinaryChangeEventCodecTest.schemaOf(List.of(LogicalType.INT64));
        // an equal schema in another instance, as a source that rebuilds its schema objects would hand in
        TableSchema same = new TableSchema(schema.id(), schema.columns(), schema.primaryKey());

        for (long i = 0; i < 100; i++) {
            codec.encode(ChangeEvent.insert(i % 2 == 0 ? schema : same, Row.of(schema, i), null, null));
        }
        KeyValueSchemaRegistry reader = new KeyValueSchemaRegistry(store);
        for (int i = 0; i < 100; i++) {
            assertThat(reader.find(schema.fingerprint())).contains(schema);
        }

        assertThat(store.puts.get()).isEqualTo(1);
        assertThat(store.gets.get()).isEqualTo(2); // the writer's first check, the reader's first find
    }

    @Test
    void anUnknownFingerprintIsEmpty() {
        assertThat(new KeyValueSchemaRegistry(new MapKeyValueStore()).find(42)).isEmpty();
        assertThat(new InMemorySchemaRegistry().find(42)).isEmpty();
    }

    @Test
    void aCorruptRegistryEntryNamesItsKey() {
        MapKeyValueStore store = new MapKeyValueStore();
        TableSchema schema = BinaryChangeEventCodecTest.schemaOf(List.of(LogicalType.STRING));
        byte[] bytes = TableSchemaCodec.encode(schema);
        bytes[bytes.length / 2] ^= 1;
        store.put(KeyValueSchemaRegistry.key(schema.fingerprint()), bytes);

        assertThatThrownBy(() -> new KeyValueSchemaRegistry(store).find(schema.fingerprint()))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(KeyValueSchemaRegistry.key(schema.fingerprint()))
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void twoSchemasUnderOneFingerprintAreRefused() {
        MapKeyValueStore store = new MapKeyValueStore();
        TableSchema schema = BinaryChangeEventCodecTest.schemaOf(List.of(LogicalType.STRING));
        TableSchema other = new TableSchema(TableId.of("db", "other"), schema.columns(), List.of());
        // simulate a 64-bit collision: the other schema's bytes under this schema's key
        store.put(KeyValueSchemaRegistry.key(schema.fingerprint()), TableSchemaCodec.encode(other));

        assertThatThrownBy(() -> new KeyValueSchemaRegistry(store).register(schema))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(String.format("%016x", schema.fingerprint()))
                .hasMessageContaining("db.other");
    }

    @Test
    void anUnknownSchemaFormatVersionSaysSo() {
        byte[] bytes = TableSchemaCodec.encode(BinaryChangeEventCodecTest.schemaOf(List.of(LogicalType.DATE)));
        bytes[0] = 9;

        assertThatThrownBy(() -> TableSchemaCodec.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("table schema format version 9 is not supported");
    }
}

package io.hstreamio.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class SchemaRegistryTest {

    @Provide
    Arbitrary<TableSchema> schemas() {
        return CodecArbitraries.schemas();
    }

    @Property(tries = 300)
    void aStandAloneSchemaRoundTripsWithEveryField(@ForAll("schemas") TableSchema schema) {
        TableSchema decoded = TableSchemaCodec.decode(TableSchemaCodec.encode(schema));

        assertThat(decoded).isEqualTo(schema);
        assertThat(decoded.fingerprint()).isEqualTo(schema.fingerprint());
    }

    @Property(tries = 200)
    void aCorruptStandAloneSchemaFailsCleanly(@ForAll("schemas") TableSchema schema,
            @ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] bytes = TableSchemaCodec.encode(schema);
        bytes[at % bytes.length] ^= (byte) xor;

        assertThatThrownBy(() -> TableSchemaCodec.decode(bytes)).isInstanceOf(CodecException.class);
    }

    @Property(tries = 100)
    void theDurableRegistryStoresUnderTheFingerprintAndServesAFreshReader(@ForAll("schemas") TableSchema schema) {
        MapKeyValueStore store = new MapKeyValueStore();
        new KeyValueSchemaRegistry(store).register(schema);

        String key = String.format("schema/%016x", schema.fingerprint());
        assertThat(store.scan("schema/")).containsOnlyKeys(key);
        assertThat(new KeyValueSchemaRegistry(store).find(schema.fingerprint())).contains(schema);
    }

    @Example
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

    @Example
    void anUnknownFingerprintIsEmpty() {
        assertThat(new KeyValueSchemaRegistry(new MapKeyValueStore()).find(42)).isEmpty();
        assertThat(new InMemorySchemaRegistry().find(42)).isEmpty();
    }

    @Example
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

    @Example
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

    @Example
    void anUnknownSchemaFormatVersionSaysSo() {
        byte[] bytes = TableSchemaCodec.encode(BinaryChangeEventCodecTest.schemaOf(List.of(LogicalType.DATE)));
        bytes[0] = 9;

        assertThatThrownBy(() -> TableSchemaCodec.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("table schema format version 9 is not supported");
    }
}

package io.hstreamio.cdc.internal;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Keeps PostgreSQL varbit values exact.
 *
 * <p>Debezium turns a bit string into the bytes of the number it spells, which loses its length: varbit '0011', '011'
 * and '11' become the same bytes, and a reader can only pad them to the declared length ('101' in a varbit(8) would
 * come back as '00000101'). This converter sends varbit columns as their bit text ({@value #SCHEMA_NAME}), which
 * {@link ValueDecoder} parses. Fixed-length bit(n) keeps Debezium's bytes: its length is the declared one. Called on
 * the engine thread.
 */
public final class VarbitConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    public static final String SCHEMA_NAME = "io.hstreamio.cdc.BitText";

    @Override
    public void configure(Properties props) {}

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        if (!type.equals("varbit") && !type.equals("bit varying")) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string().name(SCHEMA_NAME);
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, VarbitConverter::toText);
    }

    /**
     * The streamed value is PostgreSQL's bit text; the snapshot's is the driver's PGobject, whose text is the same.
     * Never throws: Debezium catches a converter's exception and sends null instead, which would silently lose the
     * value. Anything that is not a bit string is passed on as text, and {@link ValueDecoder} stops the source on it.
     */
    static String toText(Object raw) {
        if (raw == null) {
            return null;
        }
        if (io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(raw)) {
            return RecordMapper.UNAVAILABLE; // an update without the unchanged value: RecordMapper names the fix
        }
        return raw.toString();
    }
}

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
        String name = column.name();
        registration.register(schema, raw -> toText(raw, name));
    }

    /** The streamed value is PostgreSQL's text; the snapshot's is the driver's PGobject, whose text is the same. */
    static String toText(Object raw, String column) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof String || raw instanceof org.postgresql.util.PGobject) {
            String s = raw.toString();
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) != '0' && s.charAt(i) != '1') {
                    throw new IllegalArgumentException("varbit column " + column + " holds '" + s
                            + "', which is not a bit string");
                }
            }
            return s;
        }
        throw new IllegalArgumentException("varbit column " + column + " arrived as " + raw.getClass().getName()
                + ", whose bit length is unknown");
    }
}

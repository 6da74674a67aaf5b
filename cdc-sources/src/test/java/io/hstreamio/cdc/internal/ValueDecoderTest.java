package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.data.Bits;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.ZonedTimestamp;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.LogicalType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import io.hstreamio.core.testing.RandomCases;
import java.util.Random;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

/**
 * Values encoded by Debezium's own encoders decode to exactly the value that was encoded: the decoder is checked
 * against Debezium, not against itself.
 */
class ValueDecoderTest {

    @Test
    void microTimestampsRoundTripThroughDebezium() {
        RandomCases.forAll(g -> {
            LocalDateTime written = LocalDateTime.ofEpochSecond(g.longIn(-62135596800L, 253402300799L),
                    g.intIn(0, 999_999) * 1000, ZoneOffset.UTC);
            long encoded = MicroTimestamp.toEpochMicros(written, null);
            assertThat(ValueDecoder.decode(LogicalType.TIMESTAMP, MicroTimestamp.schema(), encoded, null))
                    .isEqualTo(written);
        });
    }

    @Test
    void mysqlTimeIntervalsKeepSignAndMicroseconds() {
        RandomCases.forAll(g -> {
            Duration written = Duration.of(g.longIn(-3_020_399_000_000L, 3_020_399_000_000L), ChronoUnit.MICROS);
            long encoded = MicroTime.toMicroOfDay(written, true); // true: MySQL TIME beyond 24 h and negative
            assertThat(ValueDecoder.decode(LogicalType.TIME, MicroTime.schema(), encoded, null)).isEqualTo(written);
        });
    }

    @Test
    void zonedTimestampsKeepTheInstant() {
        RandomCases.forAll(g -> {
            int offsetMinutes = g.intIn(-14 * 60, 14 * 60);
            OffsetDateTime written = OffsetDateTime.ofInstant(
                    Instant.ofEpochSecond(g.longIn(0, 253402300799L), g.intIn(0, 999_999) * 1000L),
                    ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            String encoded = ZonedTimestamp.toIsoString(written, null);
            assertThat(ValueDecoder.decode(LogicalType.TIMESTAMP_TZ, ZonedTimestamp.schema(), encoded, null))
                    .isEqualTo(written.toInstant());
        });
    }

    @Test
    void bitStringsOfAnyLengthRoundTripThroughDebezium() {
        RandomCases.forAll(g -> {
            String bits = g.string(2, 64, "01");
            // MySQL's BIT value: the string's last character is the least significant bit.
            BitSet set = new BitSet(bits.length());
            for (int i = 0; i < bits.length(); i++) {
                if (bits.charAt(bits.length() - 1 - i) == '1') {
                    set.set(i);
                }
            }
            Schema schema = Bits.schema(bits.length());
            byte[] encoded = Bits.fromBitSet(schema, set);
            assertThat(ValueDecoder.decode(LogicalType.BITS, schema, encoded, bits.length()))
                    .isEqualTo(BitString.parse(bits));
        });
    }

    @Test
    void varbitTextKeepsItsLengthAndLeadingZerosWhateverTheDeclaredLength() {
        RandomCases.forAll(g -> {
            String bits = g.string(0, 300, "01");
            int declared = g.intIn(Math.max(1, bits.length()), 400);
            String text = VarbitConverter.toText(bits);
            // The schema the converter registers, with the declared length Debezium adds as a parameter.
            Schema schema = org.apache.kafka.connect.data.SchemaBuilder.string().name(VarbitConverter.SCHEMA_NAME)
                    .parameter("length", Integer.toString(declared)).optional().build();
            Object decoded = ValueDecoder.decode(LogicalType.BITS, schema, text, declared);
            assertThat(decoded).isEqualTo(BitString.parse(bits));
            assertThat(decoded.toString()).isEqualTo(bits);
        });
    }

    @Test
    void varbitConverterNeverThrowsAndWhatIsNotABitStringStopsTheDecoder() {
        Schema schema = org.apache.kafka.connect.data.SchemaBuilder.string().name(VarbitConverter.SCHEMA_NAME)
                .optional().build();
        // Debezium would swallow a converter's exception and send null: the decoder is where bad input stops.
        assertThatThrownBy(() -> ValueDecoder.decode(LogicalType.BITS, schema, VarbitConverter.toText("10x"), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a bit string");
        assertThatThrownBy(() -> ValueDecoder.decode(LogicalType.BITS, schema,
                VarbitConverter.toText(new byte[] {5}), 8)).isInstanceOf(IllegalArgumentException.class);
        assertThat(VarbitConverter.toText(
                io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn.UNCHANGED_TOAST_VALUE))
                .isEqualTo(RecordMapper.UNAVAILABLE);
        assertThat(VarbitConverter.toText(null)).isNull();
    }

    @Test
    void variableScaleDecimalsAreExact() {
        RandomCases.forAll(g -> {
            BigInteger unscaled = new BigInteger(g.intIn(1, 140), new Random(g.anyLong())).multiply(
                    BigInteger.valueOf(g.bool() ? 1 : -1));
            BigDecimal written = new BigDecimal(unscaled, g.intIn(0, 40));
            var encoded = VariableScaleDecimal.fromLogical(VariableScaleDecimal.schema(), written);
            assertThat(ValueDecoder.decode(LogicalType.DECIMAL, VariableScaleDecimal.schema(), encoded, null))
                    .isEqualTo(written);
        });
    }

    @Test
    void unsignedBigintMaximumIsExact() {
        Schema schema = Decimal.schema(0);
        BigDecimal max = new BigDecimal("18446744073709551615");
        assertThat(ValueDecoder.decode(LogicalType.UINT64, schema, max, null))
                .isEqualTo(new BigInteger("18446744073709551615"));
        // Without precise mode Debezium would send the raw long: its bits are the unsigned value.
        assertThat(ValueDecoder.decode(LogicalType.UINT64, Schema.INT64_SCHEMA, -1L, null))
                .isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void setsKeepDefinitionOrderAndEmptySetIsEmpty() {
        Schema schema = io.debezium.data.EnumSet.schema("x,y,z");
        assertThat(ValueDecoder.decode(LogicalType.SET, schema, "x,z", null)).isEqualTo(List.of("x", "z"));
        assertThat(ValueDecoder.decode(LogicalType.SET, schema, "", null)).isEqualTo(List.of());
    }

    @Test
    void geometryKeepsSridAndWkb() {
        Schema schema = io.debezium.data.geometry.Geometry.schema();
        byte[] wkb = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40};
        var encoded = io.debezium.data.geometry.Geometry.createValue(schema, wkb, 4326);
        assertThat(ValueDecoder.decode(LogicalType.GEOMETRY, schema, encoded, null)).isEqualTo(new Geometry(4326, wkb));
    }

    @Test
    void bytesComeOutOfBuffersWithoutTheirSlack() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9}, 1, 3);
        assertThat((byte[]) ValueDecoder.decode(LogicalType.BYTES, Schema.BYTES_SCHEMA, buffer, null))
                .containsExactly(1, 2, 3);
    }
}

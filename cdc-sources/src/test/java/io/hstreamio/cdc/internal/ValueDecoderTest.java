package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Chars;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

/**
 * Values encoded by Debezium's own encoders decode to exactly the value that was encoded: the decoder is checked
 * against Debezium, not against itself.
 */
class ValueDecoderTest {

    @Property
    void microTimestampsRoundTripThroughDebezium(
            @ForAll @LongRange(min = -62135596800L, max = 253402300799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999) int micros) {
        LocalDateTime written = LocalDateTime.ofEpochSecond(epochSecond, micros * 1000, ZoneOffset.UTC);
        long encoded = MicroTimestamp.toEpochMicros(written, null);
        assertThat(ValueDecoder.decode(LogicalType.TIMESTAMP, MicroTimestamp.schema(), encoded, null))
                .isEqualTo(written);
    }

    @Property
    void mysqlTimeIntervalsKeepSignAndMicroseconds(
            @ForAll @LongRange(min = -3_020_399_000_000L, max = 3_020_399_000_000L) long micros) {
        Duration written = Duration.of(micros, ChronoUnit.MICROS);
        long encoded = MicroTime.toMicroOfDay(written, true); // true: MySQL TIME beyond 24 h and negative
        assertThat(ValueDecoder.decode(LogicalType.TIME, MicroTime.schema(), encoded, null)).isEqualTo(written);
    }

    @Property
    void zonedTimestampsKeepTheInstant(
            @ForAll @LongRange(min = 0, max = 253402300799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999) int micros,
            @ForAll @IntRange(min = -14 * 3600, max = 14 * 3600) int offsetSeconds) {
        OffsetDateTime written = OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond, micros * 1000L),
                ZoneOffset.ofTotalSeconds(offsetSeconds - offsetSeconds % 60));
        String encoded = ZonedTimestamp.toIsoString(written, null);
        assertThat(ValueDecoder.decode(LogicalType.TIMESTAMP_TZ, ZonedTimestamp.schema(), encoded, null))
                .isEqualTo(written.toInstant());
    }

    @Property
    void bitStringsOfAnyLengthRoundTripThroughDebezium(
            @ForAll @StringLength(min = 2, max = 64) @Chars({'0', '1'}) String bits) {
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
    }

    @Property
    void variableScaleDecimalsAreExact(
            @ForAll @BigRange(min = "-1e40", max = "1e40") BigDecimal unscaled,
            @ForAll @IntRange(min = 0, max = 40) int scale) {
        BigDecimal written = new BigDecimal(unscaled.toBigInteger(), scale);
        var encoded = VariableScaleDecimal.fromLogical(VariableScaleDecimal.schema(), written);
        assertThat(ValueDecoder.decode(LogicalType.DECIMAL, VariableScaleDecimal.schema(), encoded, null))
                .isEqualTo(written);
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

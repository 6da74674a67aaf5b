package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.snapshot.internal.Normalizer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Year;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A MySQL value and its PostgreSQL copy normalize to the same text; different values do not. */
class NormalizerTest {
    @Test
    void equalAcrossServerTypes() {
        assertThat(Normalizer.value(1)).isEqualTo(Normalizer.value(new BigDecimal("1.000")));
        assertThat(Normalizer.value(new BigInteger("18446744073709551615")))
                .isEqualTo(Normalizer.value(new BigDecimal("18446744073709551615")));
        assertThat(Normalizer.value(true)).isEqualTo(Normalizer.value(BitString.parse("1")));
        assertThat(Normalizer.value(Year.of(2155))).isEqualTo(Normalizer.value((short) 2155));
        assertThat(Normalizer.value(List.of("x", "z"))).isEqualTo(Normalizer.value("[\"x\",\"z\"]"));
        assertThat(Normalizer.value(new JsonText("{\"k\": [1, 2.50], \"a\": null}")))
                .isEqualTo(Normalizer.value(new JsonText("{\"a\":null,\"k\":[1,2.50]}")));
        assertThat(Normalizer.value(new Geometry(4326, new byte[] {1, 2})))
                .isEqualTo(Normalizer.value(new byte[] {1, 2}));
        assertThat(Normalizer.value(1.5f)).isEqualTo(Normalizer.value(1.5d));
    }

    @Test
    void differentValuesStayDifferent() {
        assertThat(Normalizer.value(null)).isNotEqualTo(Normalizer.value("NULL ")).isNotEqualTo(Normalizer.value(""));
        assertThat(Normalizer.value(new BigDecimal("1.01"))).isNotEqualTo(Normalizer.value(new BigDecimal("1.1")));
        assertThat(Normalizer.value(new JsonText("{\"k\": 1}"))).isNotEqualTo(Normalizer.value(new JsonText("{\"k\": 2}")));
        assertThat(Normalizer.hash("[1, a]")).isNotEqualTo(Normalizer.hash("[1, b]"));
    }
}

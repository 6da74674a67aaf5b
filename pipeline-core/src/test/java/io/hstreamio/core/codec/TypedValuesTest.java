package io.hstreamio.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.testing.RandomCases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypedValuesTest {

    @Test
    void valuesOfEveryTypeRoundTripWithTheirTypes() {
        RandomCases.forAll(300, g -> {
            int n = g.intIn(0, 4);
            List<LogicalType> types = new ArrayList<>();
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                LogicalType t = g.oneOf(LogicalType.class);
                types.add(t);
                values[i] = g.intIn(0, 9) == 0 ? null : CodecCases.value(g, t);
            }
            TypedValues.Decoded d = TypedValues.decode(TypedValues.encode(types, values));
            assertThat(d.values()).isEqualTo(values); // deep: byte arrays by content
            for (int i = 0; i < n; i++) {
                assertThat(d.types().get(i)).isEqualTo(values[i] == null ? null : types.get(i));
                if (values[i] != null) {
                    assertThat(d.values()[i]).isInstanceOf(types.get(i).javaType());
                }
            }
        });
    }

    @Test
    void aChangedByteOrATruncationFailsAsACodecException() {
        byte[] bytes = TypedValues.encode(List.of(LogicalType.INT64, LogicalType.STRING), new Object[] {42L, "k"});
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 0x5A;
            assertThatThrownBy(() -> TypedValues.decode(changed)).isInstanceOf(CodecException.class);
            byte[] cut = Arrays.copyOf(bytes, i);
            assertThatThrownBy(() -> TypedValues.decode(cut)).isInstanceOf(CodecException.class);
        }
    }

    @Test
    void aValueOfTheWrongTypeNamesBothTypes() {
        assertThatThrownBy(() -> TypedValues.encode(List.of(LogicalType.INT32), new Object[] {"7"}))
                .isInstanceOf(CodecException.class).hasMessageContaining("INT32").hasMessageContaining("String");
    }
}

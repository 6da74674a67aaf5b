package io.hstreamio.core.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.StreamRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.hstreamio.core.testing.Gen;
import io.hstreamio.core.testing.RandomCases;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

    @Test
    void decodesWhatWasEncodedFromAnyIndex() {
        RandomCases.forAll(200, gen -> {
        List<List<StreamRecord>> chunks = nonEmpty(gen, 8, () -> nonEmpty(gen, 6, () -> record(gen)));
        int from = gen.intIn(0, 40);
        List<BatchCodec.Chunk> encoded = new ArrayList<>();
        List<StreamRecord> all = new ArrayList<>();
        for (List<StreamRecord> records : chunks) {
            BatchCodec.Chunk c = new BatchCodec.Chunk();
            records.forEach(c::add);
            encoded.add(c);
            all.addAll(records);
        }
        byte[] value = BatchCodec.assemble(encoded);
        assertThat(BatchCodec.recordCount(value)).isEqualTo(all.size());

        List<StreamRecord> decoded = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        BatchCodec.decode(value, from, Integer.MAX_VALUE, (i, r) -> {
            indexes.add(i);
            decoded.add(r);
        });
        List<StreamRecord> expected = from >= all.size() ? List.of() : all.subList(from, all.size());
        assertThat(decoded).isEqualTo(expected);
        if (!indexes.isEmpty()) {
            assertThat(indexes.get(0)).isEqualTo(from);
        }
        });
    }

    @Test
    void anyFlippedByteOrTruncationIsDetected() {
        RandomCases.forAll(200, gen -> {
        List<StreamRecord> records = nonEmpty(gen, 10, () -> record(gen));
        int where = gen.intIn(0, 10_000);
        boolean truncate = gen.bool();
        BatchCodec.Chunk c = new BatchCodec.Chunk();
        records.forEach(c::add);
        byte[] value = BatchCodec.assemble(List.of(c));
        int at = where % value.length;
        byte[] damaged;
        if (truncate) {
            damaged = Arrays.copyOf(value, at);
        } else {
            damaged = value.clone();
            damaged[at] ^= 0x5A;
        }
        assertThatThrownBy(() -> BatchCodec.decode(damaged, 0, Integer.MAX_VALUE, (i, r) -> {}))
                .isInstanceOf(BatchCodec.CorruptBatchException.class);
        });
    }

    private static <T> List<T> nonEmpty(Gen gen, int max, java.util.function.Supplier<T> element) {
        List<T> out = new ArrayList<>(gen.list(max - 1, element));
        out.add(element.get());
        return out;
    }

    private static StreamRecord record(Gen gen) {
        Map<String, String> attrs = new java.util.HashMap<>();
        for (int i = gen.intIn(0, 3); i > 0; i--) {
            attrs.put(gen.text(5), gen.text(8));
        }
        return new StreamRecord(gen.text(20), gen.oneOf(PayloadFormat.class), gen.bytes(300), attrs);
    }
}

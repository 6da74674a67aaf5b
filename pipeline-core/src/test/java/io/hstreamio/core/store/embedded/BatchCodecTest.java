package io.hstreamio.core.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.StreamRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class BatchCodecTest {

    @Property(tries = 200)
    void decodesWhatWasEncodedFromAnyIndex(@ForAll("batches") List<List<StreamRecord>> chunks,
            @ForAll @IntRange(min = 0, max = 40) int from) {
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
    }

    @Property(tries = 200)
    void anyFlippedByteOrTruncationIsDetected(@ForAll("recordLists") List<StreamRecord> records,
            @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll boolean truncate) {
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
    }

    @Provide
    Arbitrary<List<List<StreamRecord>>> batches() {
        return records().list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<StreamRecord>> recordLists() {
        return records().list().ofMinSize(1).ofMaxSize(10);
    }

    private Arbitrary<StreamRecord> records() {
        Arbitrary<String> keys = Arbitraries.strings().ofMaxLength(20);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Map<String, String>> attrs = Arbitraries.maps(Arbitraries.strings().ofMaxLength(5),
                Arbitraries.strings().ofMaxLength(8)).ofMaxSize(3);
        return Combinators.combine(keys, Arbitraries.of(PayloadFormat.class), payloads, attrs)
                .as(StreamRecord::new);
    }
}

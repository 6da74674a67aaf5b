package io.hstreamio.runtime.hstream;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.hstreamio.core.store.PayloadFormat;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.runtime.hstream.HStreamDbOptions.Compression;
import io.hstreamio.runtime.hstream.proto.BatchHStreamRecords;
import io.hstreamio.runtime.hstream.proto.BatchedRecord;
import io.hstreamio.runtime.hstream.proto.CompressionType;
import io.hstreamio.runtime.hstream.proto.HStreamRecord;
import io.hstreamio.runtime.hstream.proto.HStreamRecordHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Our records on HStreamDB's wire: {@link StreamRecord} to {@code HStreamRecord}, batches of them to a (compressed)
 * {@code BatchedRecord}, and back. Stateless and thread-safe.
 *
 * <p>JSON records travel with flag JSON and a serialized {@code Struct} when {@link JsonStruct} converts them without
 * loss; otherwise they travel as RAW with the attribute {@value #FORMAT_ATTRIBUTE}{@code =json}, which the decoder
 * turns back into a JSON record (and removes). Appending a record that carries that attribute itself is refused.
 */
final class RecordCodec {
    /** Marks a JSON payload that travels as RAW because a Struct could not hold it byte for byte. */
    static final String FORMAT_ATTRIBUTE = "x-hstream-io-format";

    private RecordCodec() {}

    static HStreamRecord toWire(StreamRecord r) {
        if (r.attributes().containsKey(FORMAT_ATTRIBUTE)) {
            throw new StoreException("record attribute '" + FORMAT_ATTRIBUTE + "' is reserved by the HStreamDB store;"
                    + " rename it");
        }
        HStreamRecordHeader.Builder header = HStreamRecordHeader.newBuilder()
                .setKey(r.partitionKey())
                .putAllAttributes(r.attributes());
        ByteString payload;
        if (r.format() == PayloadFormat.RAW) {
            header.setFlag(HStreamRecordHeader.Flag.RAW);
            payload = ByteString.copyFrom(r.payload());
        } else {
            var struct = JsonStruct.toStruct(r.payload());
            if (struct.isPresent()) {
                header.setFlag(HStreamRecordHeader.Flag.JSON);
                payload = struct.get().toByteString();
            } else {
                header.setFlag(HStreamRecordHeader.Flag.RAW).putAttributes(FORMAT_ATTRIBUTE, "json");
                payload = ByteString.copyFrom(r.payload());
            }
        }
        return HStreamRecord.newBuilder().setHeader(header).setPayload(payload).build();
    }

    static StreamRecord fromWire(HStreamRecord w) {
        HStreamRecordHeader h = w.getHeader();
        Map<String, String> attributes = h.getAttributesMap();
        if (h.getFlag() == HStreamRecordHeader.Flag.JSON) {
            try {
                return new StreamRecord(h.getKey(), PayloadFormat.JSON,
                        JsonStruct.structBytesToJson(w.getPayload().toByteArray()), attributes);
            } catch (InvalidProtocolBufferException e) {
                throw new StoreException("a JSON record from HStreamDB (key '" + h.getKey()
                        + "') holds no protobuf Struct; the stream was written by an incompatible producer", e);
            }
        }
        if ("json".equals(attributes.get(FORMAT_ATTRIBUTE))) {
            Map<String, String> rest = new HashMap<>(attributes);
            rest.remove(FORMAT_ATTRIBUTE);
            return new StreamRecord(h.getKey(), PayloadFormat.JSON, w.getPayload().toByteArray(), rest);
        }
        return new StreamRecord(h.getKey(), PayloadFormat.RAW, w.getPayload().toByteArray(), attributes);
    }

    /** One batch for one Append call. */
    static BatchedRecord encodeBatch(List<HStreamRecord> records, Compression compression, Instant now) {
        byte[] plain = BatchHStreamRecords.newBuilder().addAllRecords(records).build().toByteArray();
        return BatchedRecord.newBuilder()
                .setCompressionType(wire(compression))
                .setPublishTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setBatchSize(records.size())
                .setPayload(ByteString.copyFrom(compress(plain, compression)))
                .build();
    }

    /** The records of a batch, in batch order. */
    static List<HStreamRecord> decodeBatch(BatchedRecord batch) {
        byte[] plain = decompress(batch.getPayload(), batch.getCompressionType());
        try {
            List<HStreamRecord> records = BatchHStreamRecords.parseFrom(plain).getRecordsList();
            if (records.size() != batch.getBatchSize()) {
                throw new StoreException("HStreamDB batch says it holds " + batch.getBatchSize() + " records but "
                        + records.size() + " are in it; the stream was written by an incompatible producer");
            }
            return records;
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("HStreamDB batch payload is not a BatchHStreamRecords message ("
                    + batch.getCompressionType() + ", " + batch.getPayload().size() + " bytes)", e);
        }
    }

    /** The delivered records of a received batch, picked by the ids the server listed. */
    static List<ReceivedRecord> received(io.hstreamio.runtime.hstream.proto.ReceivedRecord r) {
        List<HStreamRecord> records = decodeBatch(r.getRecord());
        List<ReceivedRecord> out = new ArrayList<>(r.getRecordIdsCount());
        for (var id : r.getRecordIdsList()) {
            if (id.getBatchIndex() >= records.size()) {
                throw new StoreException("HStreamDB delivered record " + toRecordId(id) + " but its batch holds only "
                        + records.size() + " records");
            }
            out.add(new ReceivedRecord(toRecordId(id), fromWire(records.get(id.getBatchIndex()))));
        }
        return out;
    }

    static RecordId toRecordId(io.hstreamio.runtime.hstream.proto.RecordId id) {
        return new RecordId(id.getShardId(), id.getBatchId(), id.getBatchIndex());
    }

    static io.hstreamio.runtime.hstream.proto.RecordId toWire(RecordId id) {
        return io.hstreamio.runtime.hstream.proto.RecordId.newBuilder()
                .setShardId(id.shardId()).setBatchId(id.batchId()).setBatchIndex(id.batchIndex()).build();
    }

    static int approximateSize(StreamRecord r) {
        int size = r.payload().length + r.partitionKey().length() + 16;
        for (Map.Entry<String, String> e : r.attributes().entrySet()) {
            size += e.getKey().length() + e.getValue().length() + 4;
        }
        return size;
    }

    static byte[] compress(byte[] plain, Compression compression) {
        return switch (compression) {
            case NONE -> plain;
            case GZIP -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 64);
                try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
                    gz.write(plain);
                } catch (IOException e) {
                    throw new UncheckedIOException("gzip of an in-memory batch failed", e);
                }
                yield out.toByteArray();
            }
            case ZSTD -> Zstd.compress(plain);
        };
    }

    static byte[] decompress(ByteString payload, CompressionType type) {
        return switch (type) {
            case None -> payload.toByteArray();
            case Gzip -> {
                try (InputStream in = new GZIPInputStream(payload.newInput(), 8192)) {
                    yield in.readAllBytes();
                } catch (IOException e) {
                    throw new StoreException("HStreamDB batch says gzip but does not inflate ("
                            + payload.size() + " bytes)", e);
                }
            }
            case Zstd -> {
                byte[] compressed = payload.toByteArray();
                long size = Zstd.getFrameContentSize(compressed);
                if (size < 0 || size > Integer.MAX_VALUE) {
                    throw new StoreException("HStreamDB batch says zstd but its frame has no usable content size ("
                            + size + ")");
                }
                yield Zstd.decompress(compressed, (int) size);
            }
            case UNRECOGNIZED -> throw new StoreException("HStreamDB batch has an unknown compression type "
                    + payload.size() + " bytes; upgrade the client");
        };
    }

    private static CompressionType wire(Compression c) {
        return switch (c) {
            case NONE -> CompressionType.None;
            case GZIP -> CompressionType.Gzip;
            case ZSTD -> CompressionType.Zstd;
        };
    }
}

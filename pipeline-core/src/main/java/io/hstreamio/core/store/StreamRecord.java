package io.hstreamio.core.store;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A record to append: a partition key (which picks the shard and keeps per-key order), a payload, and its format.
 *
 * @param partitionKey routes the record; records with one key keep their order. Empty string is a valid key.
 * @param format       how the payload is to be read: {@link PayloadFormat#JSON} or opaque bytes
 * @param attributes   free-form string attributes (HStreamDB record header attributes)
 */
public record StreamRecord(String partitionKey, PayloadFormat format, byte[] payload, Map<String, String> attributes) {
    public StreamRecord {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(payload, "payload");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static StreamRecord raw(String partitionKey, byte[] payload) {
        return new StreamRecord(partitionKey, PayloadFormat.RAW, payload, Map.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamRecord r && r.partitionKey.equals(partitionKey) && r.format == format
                && Arrays.equals(r.payload, payload) && r.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partitionKey, format, Arrays.hashCode(payload), attributes);
    }

    @Override
    public String toString() {
        return "StreamRecord[key=" + partitionKey + ", " + format + ", " + payload.length + " bytes]";
    }
}

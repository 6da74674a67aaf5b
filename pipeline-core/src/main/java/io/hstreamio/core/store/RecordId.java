package io.hstreamio.core.store;

import java.util.Comparator;

/**
 * Identity of a record in a stream, HStreamDB style: the shard, the batch the record was appended in, and its index in
 * that batch. Printed and parsed as {@code shardId-batchId-batchIndex}. Within one shard, ids order records.
 */
public record RecordId(long shardId, long batchId, int batchIndex) implements Comparable<RecordId> {
    private static final Comparator<RecordId> ORDER = Comparator.comparingLong(RecordId::shardId)
            .thenComparingLong(RecordId::batchId)
            .thenComparingInt(RecordId::batchIndex);

    public static RecordId parse(String text) {
        String[] parts = text.split("-");
        if (parts.length != 3) {
            throw new IllegalArgumentException("record id must be shardId-batchId-batchIndex, got '" + text + "'");
        }
        try {
            return new RecordId(Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]),
                    Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("record id must be shardId-batchId-batchIndex, got '" + text + "'", e);
        }
    }

    @Override
    public int compareTo(RecordId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(shardId) + "-" + Long.toUnsignedString(batchId) + "-" + batchIndex;
    }
}

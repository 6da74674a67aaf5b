package io.hstreamio.core.codec;

import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.LogicalType;

/**
 * The byte codes of enums on the wire, fixed here rather than taken from {@code ordinal()} so that reordering an enum
 * cannot change the meaning of stored bytes. The switches are exhaustive: a new enum constant does not compile until
 * it gets a code (and, in the codecs, an encoding).
 */
final class WireCodes {
    private static final LogicalType[] LOGICAL_TYPES = new LogicalType[32];
    private static final ChangeType[] CHANGE_TYPES = new ChangeType[16];

    static {
        for (LogicalType t : LogicalType.values()) {
            LOGICAL_TYPES[code(t)] = t;
        }
        for (ChangeType t : ChangeType.values()) {
            CHANGE_TYPES[code(t)] = t;
        }
    }

    private WireCodes() {}

    static int code(LogicalType type) {
        return switch (type) {
            case BOOLEAN -> 1;
            case INT32 -> 2;
            case INT64 -> 3;
            case UINT64 -> 4;
            case FLOAT32 -> 5;
            case FLOAT64 -> 6;
            case DECIMAL -> 7;
            case STRING -> 8;
            case BYTES -> 9;
            case JSON -> 10;
            case DATE -> 11;
            case TIME -> 12;
            case TIME_TZ -> 13;
            case TIMESTAMP -> 14;
            case TIMESTAMP_TZ -> 15;
            case YEAR -> 16;
            case BITS -> 17;
            case ENUM -> 18;
            case SET -> 19;
            case GEOMETRY -> 20;
            case UUID -> 21;
        };
    }

    /** The logical type of a code, or null when the code is unknown. */
    static LogicalType logicalType(int code) {
        return code >= 0 && code < LOGICAL_TYPES.length ? LOGICAL_TYPES[code] : null;
    }

    static int code(ChangeType type) {
        return switch (type) {
            case READ -> 0;
            case INSERT -> 1;
            case UPDATE -> 2;
            case DELETE -> 3;
            case SCHEMA_CHANGE -> 4;
            case TRUNCATE -> 5;
            case TRANSACTION_BEGIN -> 6;
            case TRANSACTION_END -> 7;
        };
    }

    /** The change type of a code, or null when the code is unknown. */
    static ChangeType changeType(int code) {
        return code >= 0 && code < CHANGE_TYPES.length ? CHANGE_TYPES[code] : null;
    }
}

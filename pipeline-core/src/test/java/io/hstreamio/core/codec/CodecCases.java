package io.hstreamio.core.codec;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.SourcePosition;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.Gen;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Generated input for the codec properties (on the project's {@link Gen}): schemas over every logical type with every
 * column detail, rows with nulls and the values at the edges of what sources produce, events of every change type.
 */
final class CodecCases {
    static final BigInteger MAX_UINT64 = new BigInteger("18446744073709551615");
    /** MySQL TIME's bounds, -838:59:59 .. 838:59:59. */
    static final long MAX_TIME_SECONDS = 838L * 3600 + 59 * 60 + 59;
    static final long MIN_EPOCH_SECOND = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    static final long MAX_EPOCH_SECOND = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    private static final List<String> EDGE_TEXT = List.of("", " ", "\u0000", "😀", "🇩🇪 👨‍👩‍👧 ✓", "\uFFFD",
            "quote\" back\\slash\nnew line", "\uDBFF\uDFFF");
    private static final List<byte[]> INVALID_UTF8 = List.of(new byte[0], new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
            new byte[] {(byte) 0xFF, 0, (byte) 0xFE});

    private CodecCases() {}

    // ------------------------------------------------------------------ text

    /** Valid Unicode text (emoji, U+FFFD, the last code point included), with the empty string often. */
    static String text(Gen g) {
        return g.random().nextInt(5) == 0 ? g.oneOf(EDGE_TEXT) : g.text(16);
    }

    static byte[] bytes(Gen g) {
        return g.random().nextInt(4) == 0 ? g.oneOf(INVALID_UTF8).clone() : g.bytes(48);
    }

    /** JSON documents spelled in ways a re-serializer would change: spacing, escapes, long numbers, duplicate keys. */
    static String jsonDocument(Gen g, int depth) {
        String ws = g.oneOf(List.of("", " ", "\n  ", "\t"));
        int kind = depth == 0 ? 0 : g.random().nextInt(3);
        if (kind == 0) {
            return g.random().nextInt(3) == 0 ? String.valueOf(g.anyLong())
                    : g.oneOf(List.of("null", "true", "false", "0", "-0", "1.000000000000000000000000001", "1e400",
                            "-12.50E-3", "\"\"", "\"😀\"", "\"\\u00e9\\n\\\"\"", "\"é\""));
        }
        List<String> items = g.list(3, () -> jsonDocument(g, depth - 1));
        if (kind == 1) {
            return "[" + ws + String.join("," + ws, items) + ws + "]";
        }
        List<String> fields = new ArrayList<>();
        for (String item : items) {
            fields.add("\"" + g.oneOf(List.of("a", "b", "ключ", "a")) + "\"" + ws + ":" + ws + item);
        }
        return "{" + ws + String.join("," + ws, fields) + ws + "}";
    }

    // ------------------------------------------------------------------ values

    /** Nanos of a second: mostly whole microseconds, as databases give, sometimes any nanosecond. */
    static int nanoOfSecond(Gen g) {
        return g.bool() ? g.intIn(0, 999_999) * 1000 : g.intIn(0, 999_999_999);
    }

    static BigDecimal decimal(Gen g) {
        BigInteger unscaled = switch (g.random().nextInt(3)) {
            case 0 -> BigInteger.valueOf(g.anyLong());
            case 1 -> unsigned(g, 130).subtract(BigInteger.ONE.shiftLeft(129));
            // huge precision: up to ~1,500 digits (5,000 bits), either sign
            default -> {
                BigInteger magnitude = unsigned(g, 1 + g.random().nextInt(5000));
                yield g.bool() ? magnitude : magnitude.negate();
            }
        };
        int scale = switch (g.random().nextInt(4)) {
            case 0, 1 -> g.intIn(-30, 30);
            case 2 -> g.intIn(-100_000, 100_000);
            // the extremes a JSON reader can still parse back (BinaryChangeEventCodecTest covers Integer.MIN_VALUE)
            default -> g.oneOf(List.of(Integer.MIN_VALUE + 1500, Integer.MAX_VALUE));
        };
        return new BigDecimal(unscaled, scale);
    }

    /** A uniformly random integer of {@code bits} bits, in [0, 2^bits). */
    static BigInteger unsigned(Gen g, int bits) {
        byte[] b = new byte[(bits + 7) / 8];
        g.random().nextBytes(b);
        return new BigInteger(1, b).shiftRight(b.length * 8 - bits);
    }

    /** Years 1..9999, before and after 1970, with the bounds themselves and the epoch's neighbours. */
    static Instant instant(Gen g) {
        if (g.random().nextInt(8) == 0) {
            return g.oneOf(List.of(Instant.ofEpochSecond(MIN_EPOCH_SECOND),
                    Instant.ofEpochSecond(MAX_EPOCH_SECOND, 999_999_000), Instant.EPOCH,
                    Instant.ofEpochSecond(-1, 999_999_000)));
        }
        return Instant.ofEpochSecond(g.longIn(MIN_EPOCH_SECOND, MAX_EPOCH_SECOND), nanoOfSecond(g));
    }

    static Object value(Gen g, LogicalType type) {
        return switch (type) {
            case BOOLEAN -> g.bool();
            case INT32 -> g.anyInt();
            case INT64 -> g.anyLong();
            case UINT64 -> g.random().nextInt(4) == 0
                    ? g.oneOf(List.of(MAX_UINT64, BigInteger.ZERO, BigInteger.ONE.shiftLeft(63),
                            BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE)))
                    : unsigned(g, 64);
            case FLOAT32 -> g.random().nextInt(4) == 0
                    ? g.oneOf(List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f,
                            Float.MIN_VALUE, Float.MAX_VALUE, 0.1f))
                    : Float.intBitsToFloat(g.random().nextInt());
            case FLOAT64 -> g.random().nextInt(4) == 0
                    ? g.oneOf(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                            Double.MIN_VALUE, Double.MAX_VALUE, 0.1))
                    : Double.longBitsToDouble(g.random().nextLong());
            case DECIMAL -> decimal(g);
            case STRING, ENUM -> text(g);
            case BYTES -> bytes(g);
            case JSON -> new JsonText(jsonDocument(g, 3));
            case DATE -> LocalDate.ofEpochDay(
                    g.longIn(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay()));
            case TIME -> g.random().nextInt(6) == 0
                    ? g.oneOf(List.of(Duration.ofSeconds(-MAX_TIME_SECONDS), Duration.ofSeconds(MAX_TIME_SECONDS),
                            Duration.ZERO, Duration.ofNanos(-1_000)))
                    : Duration.ofSeconds(g.longIn(-MAX_TIME_SECONDS, MAX_TIME_SECONDS - 1), nanoOfSecond(g));
            case TIME_TZ -> OffsetTime.of(LocalTime.ofSecondOfDay(g.intIn(0, 86_399)).withNano(nanoOfSecond(g)),
                    ZoneOffset.ofTotalSeconds(g.intIn(-18 * 3600, 18 * 3600)));
            case TIMESTAMP -> {
                Instant i = instant(g);
                yield LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC);
            }
            case TIMESTAMP_TZ -> instant(g);
            case YEAR -> Year.of(g.intIn(0, 9999));
            case BITS -> {
                int n = g.intIn(0, 80);
                byte[] b = new byte[(n + 7) / 8];
                g.random().nextBytes(b);
                yield new BitString(n, b);
            }
            case SET -> g.list(4, () -> text(g));
            case GEOMETRY -> new Geometry(g.anyInt(), bytes(g));
            case UUID -> new UUID(g.anyLong(), g.anyLong());
        };
    }

    // ------------------------------------------------------------------ schemas

    static TableId tableId(Gen g) {
        String table = text(g);
        return new TableId(g.nullOr(() -> text(g)), g.bool() ? null : text(g), table.isEmpty() ? "t" : table);
    }

    static ColumnSchema column(Gen g, String name, LogicalType type) {
        return new ColumnSchema(name, type, text(g), g.bool() ? null : g.anyInt(), g.bool() ? null : g.anyInt(),
                g.bool() ? null : g.anyInt(), g.bool(), g.bool(), g.bool() ? null : text(g), g.list(3, () -> text(g)),
                g.bool() ? null : text(g), g.bool());
    }

    /** A schema with one column per entry of {@code types}, in order, and a random key and indexes. */
    static TableSchema schema(Gen g, List<LogicalType> types) {
        List<ColumnSchema> columns = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            // The separator keeps names unique: "c2" + "0" would otherwise meet column 20.
            columns.add(column(g, "c" + i + "_" + text(g), types.get(i)));
        }
        List<String> key = new ArrayList<>();
        for (int i = 0; i < Math.min(types.size(), 3); i++) {
            String name = columns.get(g.intIn(0, types.size() - 1)).name();
            if (g.bool() && !key.contains(name)) {
                key.add(name);
            }
        }
        List<IndexSchema> indexes = g.list(2, () -> new IndexSchema(text(g), List.of(text(g), text(g)), g.bool()));
        return new TableSchema(tableId(g), columns, key, indexes);
    }

    /** Schemas of 0..10 columns of any logical types. */
    static TableSchema schema(Gen g) {
        return schema(g, g.list(10, () -> g.oneOf(LogicalType.class)));
    }

    /** A schema with one column of every logical type. */
    static TableSchema everyTypeSchema(Gen g) {
        return schema(g, List.of(LogicalType.values()));
    }

    static Row row(Gen g, TableSchema schema) {
        Object[] values = new Object[schema.columns().size()];
        for (int i = 0; i < values.length; i++) {
            LogicalType type = schema.columns().get(i).type();
            values[i] = g.nullOr(() -> value(g, type));
        }
        return Row.of(schema, values);
    }

    // ------------------------------------------------------------------ events

    static SourcePosition position(Gen g) {
        long[] order = g.list(4, g::anyLong).stream().mapToLong(Long::longValue).toArray();
        Map<String, String> offset = new HashMap<>();
        for (String k : g.list(4, () -> text(g))) {
            offset.put(k, text(g));
        }
        return new SourcePosition(text(g), order, offset);
    }

    static ChangeEvent event(Gen g) {
        return event(g, schema(g), g.oneOf(ChangeType.class));
    }

    static ChangeEvent event(Gen g, TableSchema schema) {
        return event(g, schema, g.oneOf(ChangeType.class));
    }

    /** Row events only (READ, INSERT, UPDATE, DELETE), for the JSON envelope. */
    static ChangeEvent rowEvent(Gen g, TableSchema schema) {
        return event(g, schema, g.oneOf(List.of(ChangeType.READ, ChangeType.INSERT, ChangeType.UPDATE,
                ChangeType.DELETE)));
    }

    static ChangeEvent event(Gen g, TableSchema schema, ChangeType type) {
        SourcePosition position = g.nullOr(() -> position(g));
        Instant commit = g.nullOr(() -> instant(g));
        String tx = g.bool() ? null : text(g);
        String ddl = g.bool() ? null : text(g);
        boolean flip = g.bool();
        return switch (type) {
            case READ, INSERT -> new ChangeEvent(type, schema.id(), schema, null, row(g, schema), position, commit,
                    tx, ddl);
            case UPDATE -> new ChangeEvent(type, schema.id(), schema, g.nullOr(() -> row(g, schema)),
                    row(g, schema), position, commit, tx, ddl);
            case DELETE -> new ChangeEvent(type, schema.id(), schema, row(g, schema), null, position, commit, tx,
                    ddl);
            // flip: a dropped table has no new schema; a truncate may or may not name its schema
            case SCHEMA_CHANGE, TRUNCATE -> new ChangeEvent(type, schema.id(), flip ? schema : null, null, null,
                    position, commit, tx, ddl);
            case TRANSACTION_BEGIN, TRANSACTION_END -> new ChangeEvent(type, flip ? schema.id() : null, null, null,
                    null, position, commit, tx, null);
        };
    }
}

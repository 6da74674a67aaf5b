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
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators for the whole record model: schemas over every logical type with every column detail, rows with nulls
 * and the values at the edges of what sources produce, and events of every change type.
 */
final class CodecArbitraries {
    static final BigInteger MAX_UINT64 = new BigInteger("18446744073709551615");
    /** MySQL TIME's bounds, -838:59:59 .. 838:59:59. */
    static final long MAX_TIME_SECONDS = 838L * 3600 + 59 * 60 + 59;
    static final long MIN_EPOCH_SECOND = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    static final long MAX_EPOCH_SECOND = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    private CodecArbitraries() {}

    // ------------------------------------------------------------------ text

    /** Valid Unicode text: ASCII, BMP beyond it (U+FFFD included), and supplementary planes (emoji). */
    static Arbitrary<String> text() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 0x7F)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<String> generated = codePoint.list().ofMaxSize(24).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
        return Arbitraries.oneOf(generated,
                Arbitraries.of("", " ", "\u0000", "😀", "🇩🇪 👨‍👩‍👧 ✓", "\uFFFD", "quote\" back\\slash\nnew line"));
    }

    static Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(48),
                // invalid UTF-8: lone continuation, overlong, truncated 4-byte sequence, 0xFF
                Arbitraries.of(new byte[0], new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                        new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, new byte[] {(byte) 0xFF, 0, (byte) 0xFE}));
    }

    /** JSON documents spelled in ways a re-serializer would change: spacing, escapes, long numbers, duplicate keys. */
    static Arbitrary<String> jsonDocument() {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-0", "1.000000000000000000000000001", "1e400",
                        "-12.50E-3", "\"\"", "\"😀\"", "\"\\u00e9\\n\\\"\"", "\"é\""),
                Arbitraries.longs().map(String::valueOf));
        Arbitrary<String> space = Arbitraries.of("", " ", "\n  ", "\t");
        return Arbitraries.recursive(() -> scalar, inner -> Arbitraries.oneOf(
                Combinators.combine(inner.list().ofMaxSize(3), space).as((items, ws) ->
                        "[" + ws + String.join("," + ws, items) + ws + "]"),
                Combinators.combine(Arbitraries.of("a", "b", "ключ", "a").list().ofMaxSize(3),
                        inner.list().ofSize(3), space).as((keys, values, ws) -> {
                            List<String> fields = new ArrayList<>();
                            for (int i = 0; i < keys.size(); i++) {
                                fields.add("\"" + keys.get(i) + "\"" + ws + ":" + ws + values.get(i));
                            }
                            return "{" + ws + String.join("," + ws, fields) + ws + "}";
                        })), 0, 3);
    }

    // ------------------------------------------------------------------ values

    /** Nanos of a second: mostly whole microseconds, as databases give, sometimes any nanosecond. */
    static Arbitrary<Integer> nanoOfSecond() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 999_999).map(micros -> micros * 1000),
                Arbitraries.integers().between(0, 999_999_999));
    }

    static Arbitrary<BigDecimal> decimals() {
        Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
                Arbitraries.longs().map(BigInteger::valueOf),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
                // huge precision: up to ~1,500 digits (5,000 bits), either sign
                Arbitraries.randomValue(r -> {
                    BigInteger magnitude = new BigInteger(1 + r.nextInt(5000), r);
                    return r.nextBoolean() ? magnitude : magnitude.negate();
                }));
        Arbitrary<Integer> scale = Arbitraries.oneOf(
                Arbitraries.integers().between(-30, 30),
                Arbitraries.integers().between(-100_000, 100_000),
                Arbitraries.of(Integer.MIN_VALUE + 1500, Integer.MAX_VALUE));
        return Combinators.combine(unscaled, scale).as(BigDecimal::new);
    }

    static Arbitrary<Object> value(LogicalType type) {
        Arbitrary<?> a = switch (type) {
            case BOOLEAN -> Arbitraries.of(true, false);
            case INT32 -> Arbitraries.integers();
            case INT64 -> Arbitraries.longs();
            case UINT64 -> Arbitraries.oneOf(Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX_UINT64),
                    Arbitraries.of(MAX_UINT64, BigInteger.ZERO, BigInteger.ONE.shiftLeft(63),
                            BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE)));
            case FLOAT32 -> Arbitraries.oneOf(Arbitraries.integers().map(Float::intBitsToFloat),
                    Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f,
                            Float.MIN_VALUE, Float.MAX_VALUE, 0.1f));
            case FLOAT64 -> Arbitraries.oneOf(Arbitraries.longs().map(Double::longBitsToDouble),
                    Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                            Double.MIN_VALUE, Double.MAX_VALUE, 0.1));
            case DECIMAL -> decimals();
            case STRING, ENUM -> text();
            case BYTES -> bytes();
            case JSON -> jsonDocument().map(JsonText::new);
            case DATE -> Arbitraries.oneOf(Arbitraries.longs()
                    .between(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay())
                    .map(LocalDate::ofEpochDay), Arbitraries.of(LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31)));
            case TIME -> Arbitraries.oneOf(
                    Combinators.combine(Arbitraries.longs().between(-MAX_TIME_SECONDS, MAX_TIME_SECONDS - 1),
                            nanoOfSecond()).as((s, n) -> Duration.ofSeconds(s, n)),
                    Arbitraries.of(Duration.ofSeconds(-MAX_TIME_SECONDS), Duration.ofSeconds(MAX_TIME_SECONDS),
                            Duration.ZERO, Duration.ofNanos(-1_000)));
            case TIME_TZ -> Combinators.combine(Arbitraries.integers().between(0, 86_399), nanoOfSecond(),
                    Arbitraries.integers().between(-18 * 3600, 18 * 3600)).as((s, n, off) ->
                    OffsetTime.of(LocalTime.ofSecondOfDay(s).withNano(n), ZoneOffset.ofTotalSeconds(off)));
            case TIMESTAMP -> instants().map(i -> LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(),
                    ZoneOffset.UTC));
            case TIMESTAMP_TZ -> instants();
            case YEAR -> Arbitraries.integers().between(0, 9999).map(Year::of);
            case BITS -> Arbitraries.integers().between(0, 80).flatMap(n ->
                    Arbitraries.bytes().array(byte[].class).ofSize((n + 7) / 8).map(b -> new BitString(n, b)));
            case SET -> text().list().ofMaxSize(4);
            case GEOMETRY -> Combinators.combine(Arbitraries.integers(), bytes()).as(Geometry::new);
            case UUID -> Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
        };
        return a.map(v -> (Object) v);
    }

    /** Years 1..9999, before and after 1970, with the bounds themselves and the epoch's neighbours. */
    static Arbitrary<Instant> instants() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.longs().between(MIN_EPOCH_SECOND, MAX_EPOCH_SECOND), nanoOfSecond())
                        .as(Instant::ofEpochSecond),
                Arbitraries.of(Instant.ofEpochSecond(MIN_EPOCH_SECOND), Instant.ofEpochSecond(MAX_EPOCH_SECOND,
                        999_999_000), Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_000)));
    }

    // ------------------------------------------------------------------ schemas

    static Arbitrary<TableId> tableIds() {
        return Combinators.combine(text().injectNull(0.3), text().injectNull(0.5),
                text().filter(t -> !t.isEmpty())).as(TableId::new);
    }

    static Arbitrary<ColumnSchema> column(String name, LogicalType type) {
        Arbitrary<Integer> detail = Arbitraries.integers().injectNull(0.5);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Combinators.combine(
                Combinators.combine(text(), detail, detail, detail).as(java.util.Arrays::asList),
                Combinators.combine(flag, flag, flag).as(java.util.Arrays::asList),
                text().injectNull(0.5),
                text().list().ofMaxSize(3),
                text().injectNull(0.5)).as((d, f, charset, enums, dflt) -> new ColumnSchema(name, type,
                (String) d.get(0), (Integer) d.get(1), (Integer) d.get(2), (Integer) d.get(3), f.get(0), f.get(1),
                charset, enums, dflt, f.get(2)));
    }

    /** A schema whose column types are drawn from {@code types} (one column each, in order). */
    static Arbitrary<TableSchema> schema(List<LogicalType> types) {
        List<Arbitrary<ColumnSchema>> columns = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            int index = i;
            columns.add(text().map(suffix -> "c" + index + suffix).flatMap(name -> column(name, types.get(index))));
        }
        int n = types.size();
        Arbitrary<List<Integer>> pk = n == 0 ? Arbitraries.just(List.of())
                : Arbitraries.integers().between(0, n - 1).set().ofMaxSize(Math.min(n, 3)).map(ArrayList::new);
        Arbitrary<List<IndexSchema>> indexes = Combinators.combine(text(), text().list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.of(true, false)).as(IndexSchema::new).list().ofMaxSize(2);
        return Combinators.combine(tableIds(), Combinators.combine(columns).as(l -> l), pk, indexes)
                .as((id, cols, key, idx) -> new TableSchema(id, cols,
                        key.stream().map(k -> cols.get(k).name()).collect(Collectors.toList()), idx));
    }

    /** Schemas of 0..10 columns of any logical types. */
    static Arbitrary<TableSchema> schemas() {
        return Arbitraries.of(LogicalType.class).list().ofMaxSize(10).flatMap(CodecArbitraries::schema);
    }

    /** A schema with one column of every logical type. */
    static Arbitrary<TableSchema> everyTypeSchema() {
        return schema(List.of(LogicalType.values()));
    }

    static Arbitrary<Row> rows(TableSchema schema) {
        List<Arbitrary<Object>> values = new ArrayList<>();
        for (ColumnSchema c : schema.columns()) {
            values.add(value(c.type()).injectNull(0.15));
        }
        if (values.isEmpty()) {
            return Arbitraries.just(Row.of(schema));
        }
        return Combinators.combine(values).as(v -> Row.of(schema, v.toArray()));
    }

    // ------------------------------------------------------------------ events

    static Arbitrary<SourcePosition> positions() {
        return Combinators.combine(text(), Arbitraries.longs().list().ofMaxSize(4),
                Arbitraries.maps(text(), text()).ofMaxSize(4)).as((source, order, offset) -> new SourcePosition(
                source, order.stream().mapToLong(Long::longValue).toArray(), offset));
    }

    static Arbitrary<ChangeEvent> events() {
        return schemas().flatMap(CodecArbitraries::events);
    }

    static Arbitrary<ChangeEvent> events(TableSchema schema) {
        return Arbitraries.of(ChangeType.class).flatMap(type -> Combinators.combine(rows(schema),
                rows(schema).injectNull(type == ChangeType.UPDATE ? 0.3 : 0), positions().injectNull(0.3),
                instants().injectNull(0.3), text().injectNull(0.5), text().injectNull(0.5),
                Arbitraries.of(true, false)).as((after, before, position, commit, tx, ddl, flip) -> switch (type) {
                    case READ, INSERT -> new ChangeEvent(type, schema.id(), schema, null, after, position, commit,
                            tx, ddl);
                    case UPDATE -> new ChangeEvent(type, schema.id(), schema, before, after, position, commit, tx,
                            ddl);
                    case DELETE -> new ChangeEvent(type, schema.id(), schema, after, null, position, commit, tx,
                            ddl);
                    // flip: a dropped table has no new schema; a truncate may or may not name its schema
                    case SCHEMA_CHANGE, TRUNCATE -> new ChangeEvent(type, schema.id(), flip ? schema : null, null,
                            null, position, commit, tx, ddl);
                    case TRANSACTION_BEGIN, TRANSACTION_END -> new ChangeEvent(type, flip ? schema.id() : null,
                            null, null, null, position, commit, tx, null);
                }));
    }

    /** Row events only (READ, INSERT, UPDATE, DELETE), for the JSON envelope. */
    static Arbitrary<ChangeEvent> rowEvents(TableSchema schema) {
        return events(schema).filter(e -> e.keyRow() != null);
    }
}

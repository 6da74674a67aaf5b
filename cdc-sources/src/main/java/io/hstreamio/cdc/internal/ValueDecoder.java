package io.hstreamio.cdc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns one Debezium Connect value into the Java carrier of its column's {@link LogicalType}, without loss.
 *
 * <p>Stateless; called on the engine thread.
 */
final class ValueDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ValueDecoder() {}

    /**
     * @param bitLength the declared length of BIT(n) columns (Debezium's bytes carry no length of their own)
     */
    static Object decode(LogicalType type, Schema schema, Object value, Integer bitLength) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (ZeroDateConverter.SCHEMA_NAME.equals(name)) {
            String text = value.toString();
            return switch (type) {
                case DATE -> LocalDate.parse(text);
                case TIMESTAMP -> LocalDateTime.parse(text);
                case TIMESTAMP_TZ -> Instant.parse(text);
                default -> throw new IllegalArgumentException("temporal text for a " + type + " column");
            };
        }
        return switch (type) {
            case BOOLEAN -> value instanceof Boolean b ? b : bitsAsBoolean(value);
            case INT32 -> ((Number) value).intValue();
            case INT64 -> ((Number) value).longValue();
            case UINT64 -> value instanceof BigDecimal d ? d.toBigIntegerExact()
                    : value instanceof BigInteger i ? i : unsignedLong(((Number) value).longValue());
            case FLOAT32 -> ((Number) value).floatValue();
            case FLOAT64 -> ((Number) value).doubleValue();
            case DECIMAL -> decimal(value);
            case STRING -> value instanceof String s ? s : render(value);
            case BYTES -> bytes(value);
            case JSON -> new JsonText(value.toString());
            case DATE -> value instanceof java.util.Date d
                    ? LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC)
                    : LocalDate.ofEpochDay(((Number) value).longValue());
            case TIME -> time(name, value);
            case TIME_TZ -> OffsetTime.parse(value.toString(), DateTimeFormatter.ISO_OFFSET_TIME);
            case TIMESTAMP -> timestamp(name, value);
            case TIMESTAMP_TZ -> value instanceof java.util.Date d ? d.toInstant()
                    : OffsetDateTime.parse(value.toString(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            case YEAR -> Year.of(((Number) value).intValue());
            case BITS -> bits(schema, value, bitLength);
            case ENUM -> value.toString();
            case SET -> set(value.toString());
            case GEOMETRY -> geometry((Struct) value);
            case UUID -> value instanceof UUID u ? u : UUID.fromString(value.toString());
        };
    }

    private static BigInteger unsignedLong(long v) {
        BigInteger i = BigInteger.valueOf(v);
        return v >= 0 ? i : i.add(BigInteger.ONE.shiftLeft(64));
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Struct s) {
            // io.debezium.data.VariableScaleDecimal: unscaled two's-complement bytes plus a scale.
            return new BigDecimal(new BigInteger(bytes(s.get("value"))), s.getInt32("scale"));
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return new BigDecimal(value.toString());
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static Duration time(String name, Object value) {
        if (value instanceof java.util.Date d) {
            return Duration.ofMillis(d.getTime());
        }
        long v = ((Number) value).longValue();
        if ("io.debezium.time.MicroTime".equals(name)) {
            return Duration.of(v, ChronoUnit.MICROS);
        }
        if ("io.debezium.time.NanoTime".equals(name)) {
            return Duration.ofNanos(v);
        }
        return Duration.ofMillis(v);
    }

    private static LocalDateTime timestamp(String name, Object value) {
        long v;
        long nanosPerUnit;
        if (value instanceof java.util.Date d) {
            v = d.getTime();
            nanosPerUnit = 1_000_000L;
        } else {
            v = ((Number) value).longValue();
            nanosPerUnit = switch (name == null ? "" : name) {
                case "io.debezium.time.MicroTimestamp" -> 1_000L;
                case "io.debezium.time.NanoTimestamp" -> 1L;
                default -> 1_000_000L;
            };
        }
        long unitsPerSecond = 1_000_000_000L / nanosPerUnit;
        long seconds = Math.floorDiv(v, unitsPerSecond);
        long nanos = Math.floorMod(v, unitsPerSecond) * nanosPerUnit;
        // Debezium encodes a wall-clock DATETIME as if it were UTC; reading it back in UTC restores the wall clock.
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    /**
     * Debezium sends BIT(n) as little-endian bytes; BitString wants the bits most significant first. PostgreSQL varbit
     * arrives as its bit text ({@link VarbitConverter}), which is exact and not padded.
     */
    private static BitString bits(Schema schema, Object value, Integer bitLength) {
        if (value instanceof Boolean b) {
            return new BitString(1, new byte[] {(byte) (b ? 0x80 : 0)});
        }
        if (value instanceof String text) {
            return BitString.parse(text);
        }
        byte[] le = bytes(value);
        int length = bitLength != null ? bitLength : lengthParameter(schema, le.length * 8);
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(1, be);
        StringBuilder s = new StringBuilder(v.toString(2));
        while (s.length() < length) {
            s.insert(0, '0');
        }
        if (s.length() > length) {
            throw new IllegalArgumentException("BIT(" + length + ") value has " + s.length() + " significant bits");
        }
        return BitString.parse(s.toString());
    }

    private static int lengthParameter(Schema schema, int fallback) {
        if (schema.parameters() != null && schema.parameters().get("length") != null) {
            return Integer.parseInt(schema.parameters().get("length"));
        }
        return fallback;
    }

    private static Boolean bitsAsBoolean(Object value) {
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        for (byte b : bytes(value)) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    private static List<String> set(String value) {
        return value.isEmpty() ? List.of() : List.copyOf(Arrays.asList(value.split(",", -1)));
    }

    private static Geometry geometry(Struct s) {
        Integer srid = s.schema().field("srid") != null ? s.getInt32("srid") : null;
        return new Geometry(srid == null ? 0 : srid, bytes(s.get("wkb")));
    }

    /** Arrays, maps and structs without a carrier of their own travel as JSON text. */
    private static String render(Object value) {
        try {
            return JSON.writeValueAsString(plain(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render " + value.getClass().getName() + " as JSON", e);
        }
    }

    private static Object plain(Object value) {
        if (value instanceof Struct s) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (Field f : s.schema().fields()) {
                m.put(f.name(), plain(s.getWithoutDefault(f.name())));
            }
            return m;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(plain(o));
            }
            return out;
        }
        if (value instanceof ByteBuffer || value instanceof byte[]) {
            return bytes(value);
        }
        return value;
    }
}

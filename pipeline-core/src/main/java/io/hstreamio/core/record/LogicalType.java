package io.hstreamio.core.record;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.util.List;

/**
 * The logical type of a column, and the one Java type that carries its values in a {@link Row}.
 *
 * <p>The source type's full detail (name, length, unsigned, charset, ...) stays in {@link ColumnSchema}; the logical
 * type only fixes how a value is represented without loss while it travels.
 */
public enum LogicalType {
    BOOLEAN(Boolean.class),
    /** Signed integers up to 32 bits, and unsigned ones up to 31 bits (TINYINT..MEDIUMINT UNSIGNED, SMALLINT). */
    INT32(Integer.class),
    /** Signed 64-bit integers, and INT UNSIGNED. */
    INT64(Long.class),
    /** BIGINT UNSIGNED: 0 .. 18446744073709551615, exact. */
    UINT64(BigInteger.class),
    FLOAT32(Float.class),
    FLOAT64(Double.class),
    /** Exact decimals of any precision and scale (NUMERIC without bounds too). */
    DECIMAL(BigDecimal.class),
    /** Text: VARCHAR, CHAR, TEXT, utf8mb4 included. */
    STRING(String.class),
    /** BLOB, BINARY, VARBINARY, bytea. Values are byte arrays, compared by content. */
    BYTES(byte[].class),
    /** JSON documents, kept as their text. */
    JSON(JsonText.class),
    DATE(LocalDate.class),
    /**
     * Time of day or MySQL's signed TIME interval (-838:59:59 .. 838:59:59), microsecond precision; a duration since
     * midnight, so both fit.
     */
    TIME(Duration.class),
    /** PostgreSQL {@code timetz}. */
    TIME_TZ(OffsetTime.class),
    /** Wall-clock date-time without a zone: MySQL DATETIME, PostgreSQL {@code timestamp}. Microseconds kept. */
    TIMESTAMP(LocalDateTime.class),
    /** A point on the time line: MySQL TIMESTAMP (stored as UTC), PostgreSQL {@code timestamptz}. */
    TIMESTAMP_TZ(Instant.class),
    YEAR(Year.class),
    /** BIT(n) and PostgreSQL bit strings. */
    BITS(BitString.class),
    /** ENUM: one of {@link ColumnSchema#enumValues()}. */
    ENUM(String.class),
    /** SET: the chosen members in definition order. */
    SET(List.class),
    /** Spatial values as (SRID, WKB). */
    GEOMETRY(Geometry.class),
    UUID(java.util.UUID.class);

    private final Class<?> javaType;

    LogicalType(Class<?> javaType) {
        this.javaType = javaType;
    }

    /** The Java type every non-null value of this logical type has. */
    public Class<?> javaType() {
        return javaType;
    }

    /** Whether {@code value} is an acceptable value of this type (null always is, nullability is the column's). */
    public boolean accepts(Object value) {
        if (value == null) {
            return true;
        }
        if (!javaType.isInstance(value)) {
            return false;
        }
        if (this == UINT64) {
            BigInteger v = (BigInteger) value;
            return v.signum() >= 0 && v.bitLength() <= 64;
        }
        if (this == SET) {
            return ((List<?>) value).stream().allMatch(String.class::isInstance);
        }
        return true;
    }
}

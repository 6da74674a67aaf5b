package io.hstreamio.sink;

import static io.hstreamio.core.record.LogicalType.*;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.IndexSchema;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A table of every type, with awkward names, and rows of edge values: one from MySQL, one from PostgreSQL. */
final class TypeMatrix {
    private TypeMatrix() {}

    static final String AWKWARD_TABLE = "Order \"Items\" `x`";

    private static ColumnSchema.Builder col(String name, LogicalType t, String sourceType) {
        return ColumnSchema.builder(name, t).sourceType(sourceType);
    }

    /** MySQL/MariaDB source: every MySQL type, names that need quoting everywhere. */
    static TableSchema mysqlSchema() {
        List<ColumnSchema> c = new ArrayList<>();
        c.add(col("id", INT64, "bigint").nullable(false).autoIncrement(true).build());
        c.add(col("order", STRING, "varchar(200)").length(200).charset("utf8mb4").build());
        c.add(col("user", INT32, "tinyint(1)").length(1).build());
        c.add(col("Mixed Case", INT32, "smallint unsigned").unsigned(true).build());
        c.add(col("naïve ☃", INT64, "int unsigned").unsigned(true).build());
        c.add(col("quo\"te", UINT64, "bigint unsigned").unsigned(true).build());
        c.add(col("back`tick", FLOAT32, "float").build());
        c.add(col("sp ace", FLOAT64, "double").build());
        c.add(col("dec", DECIMAL, "decimal(65,30)").precision(65).scale(30).build());
        c.add(col("txt", STRING, "longtext").charset("utf8mb4").build());
        c.add(col("bin", BYTES, "varbinary(300)").length(300).build());
        c.add(col("blob", BYTES, "blob").build());
        c.add(col("js", JSON, "json").build());
        c.add(col("d", DATE, "date").build());
        c.add(col("t", TIME, "time(6)").precision(6).build());
        c.add(col("dt", TIMESTAMP, "datetime(6)").precision(6).build());
        c.add(col("ts", TIMESTAMP_TZ, "timestamp(6)").precision(6).build());
        c.add(col("y", YEAR, "year").build());
        c.add(col("b", BITS, "bit(10)").length(10).build());
        c.add(col("e", ENUM, "enum('a','it''s','Z')").enumValues(List.of("a", "it's", "Z")).build());
        c.add(col("s", SET, "set('x','y','z')").enumValues(List.of("x", "y", "z")).build());
        c.add(col("g", GEOMETRY, "point").build());
        c.add(col("tiny", INT32, "tinyint").build());
        c.add(col("mi", INT32, "mediumint unsigned").unsigned(true).build());
        c.add(col("Upper", STRING, "char(3)").length(3).build());
        return new TableSchema(TableId.of("src", AWKWARD_TABLE), c, List.of("id"),
                List.of(new IndexSchema("by order", List.of("order"), false)));
    }

    static List<Row> mysqlRows(TableSchema s) {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Row max = Row.of(s, 1L, "it's \"quoted\" \\ back\tslash\nnew line\r ☃ 😀", 1, 65535, 4294967295L,
                BigInteger.TWO.pow(64).subtract(BigInteger.ONE), 3.4E38f, 1.7976931348623157E308,
                new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"),
                "x".repeat(70_000) + "é", all, new byte[] {0, 1, 2, 3, (byte) 0xFF},
                new JsonText("{\"a\": 1, \"b\": [true, null, \"x\\\"y\"]}"), LocalDate.of(9999, 12, 31),
                Duration.ofHours(24).minusNanos(1000), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
                Instant.parse("2038-01-19T03:14:07.999999Z"), Year.of(2155), BitString.parse("1111111111"),
                "it's", List.of("x", "z"), point(4326, 1, 2), 127, 16777215, "abc");
        Row min = Row.of(s, 2L, "", 0, 0, 0L, BigInteger.ZERO, -3.4E38f, -1.7976931348623157E308,
                new BigDecimal("-99999999999999999999999999999999999.999999999999999999999999999999"),
                "", new byte[0], new byte[0], new JsonText("[]"), LocalDate.of(1000, 1, 1), Duration.ZERO,
                LocalDateTime.of(1000, 1, 1, 0, 0), Instant.parse("1970-01-01T00:00:01Z"), Year.of(1901),
                BitString.parse("0000000000"), "a", List.of(), point(0, -1.5, 2.25), -128, 0, "");
        Object[] nulls = new Object[s.columns().size()];
        nulls[0] = 3L;
        return List.of(max, min, Row.of(s, nulls));
    }

    /** PostgreSQL source (its TableId has a schema): the PostgreSQL types MySQL can hold. */
    static TableSchema postgresSchema() {
        List<ColumnSchema> c = new ArrayList<>();
        c.add(col("Id", INT32, "int4").nullable(false).autoIncrement(true)
                .defaultValue("nextval('\"t_Id_seq\"'::regclass)").build());
        c.add(col("flag", BOOLEAN, "bool").defaultValue("true").build());
        c.add(col("small", INT32, "int2").build());
        c.add(col("big", INT64, "int8").build());
        c.add(col("r", FLOAT32, "float4").build());
        c.add(col("dp", FLOAT64, "float8").build());
        c.add(col("money", DECIMAL, "numeric(12,2)").precision(12).scale(2).defaultValue("0.00").build());
        c.add(col("vc", STRING, "varchar(40)").length(40).defaultValue("'n/a'::character varying").build());
        c.add(col("body", STRING, "text").build());
        c.add(col("raw", BYTES, "bytea").build());
        c.add(col("doc", JSON, "jsonb").build());
        c.add(col("day", DATE, "date").defaultValue("CURRENT_DATE").build());
        c.add(col("tod", TIME, "time(6)").precision(6).build());
        c.add(col("tz", TIME_TZ, "timetz(6)").precision(6).build());
        c.add(col("at", TIMESTAMP, "timestamp(6)").precision(6).build());
        c.add(col("instant", TIMESTAMP_TZ, "timestamptz(6)").precision(6).defaultValue("now()").build());
        c.add(col("bits", BITS, "bit(8)").length(8).build());
        c.add(col("uid", LogicalType.UUID, "uuid").build());
        c.add(col("mood", ENUM, "mood").enumValues(List.of("sad", "ok", "happy")).build());
        return new TableSchema(new TableId("srcdb", "public", "pg types"), c, List.of("Id"),
                List.of(new IndexSchema("uid_unique", List.of("uid"), true)));
    }

    static List<Row> postgresRows(TableSchema s) {
        Row a = Row.of(s, 1, true, (int) Short.MAX_VALUE, Long.MAX_VALUE, 1.5f, Math.PI,
                new BigDecimal("9999999999.99"), "ünïcödé ' \" \\", "line1\nline2\ttab", new byte[] {0, 127, -128},
                new JsonText("{\"k\": [1, 2.5, \"v\"]}"), LocalDate.of(2024, 2, 29),
                Duration.ofSeconds(12 * 3600 + 34 * 60 + 56).plusNanos(789_012_000),
                OffsetTime.of(10, 15, 30, 123_456_000, ZoneOffset.UTC),
                LocalDateTime.of(2100, 1, 1, 0, 0, 0, 1000), Instant.parse("2100-06-30T12:00:00.000001Z"),
                BitString.parse("10100101"), java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "happy");
        Row b = Row.of(s, 2, false, (int) Short.MIN_VALUE, Long.MIN_VALUE, -1.25f, -1e-300,
                new BigDecimal("-0.01"), "", "", new byte[0], new JsonText("null"), LocalDate.of(1000, 1, 1),
                Duration.ZERO, OffsetTime.of(0, 0, 0, 0, ZoneOffset.UTC), LocalDateTime.of(1000, 1, 1, 0, 0),
                Instant.parse("1000-01-01T00:00:00Z"), BitString.parse("00000000"),
                java.util.UUID.fromString("00000000-0000-0000-0000-000000000000"), "sad");
        Object[] nulls = new Object[s.columns().size()];
        nulls[0] = 3;
        return List.of(a, b, Row.of(s, nulls));
    }

    /** A POINT as (SRID, little-endian WKB). */
    static Geometry point(int srid, double x, double y) {
        ByteBuffer b = ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).putInt(1).putDouble(x).putDouble(y);
        return new Geometry(srid, b.array());
    }
}

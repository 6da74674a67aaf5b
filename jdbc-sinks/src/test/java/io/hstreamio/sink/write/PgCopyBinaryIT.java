package io.hstreamio.sink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.ColumnContext;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.PostgresDialect;
import io.hstreamio.sink.dialect.SourceKind;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.dialect.TargetType;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * The binary COPY encoder against the server's own text input: the same random and edge values go into one table as
 * text COPY and into another as binary COPY, both created with the types the dialect maps to; every row must read
 * back the same. The server does every conversion, so a wrong byte anywhere shows as a differing row. (Sub-microsecond
 * nanoseconds exactly half-way are left out: the server rounds their text through a double, see PgCopyBinary.micros.)
 */
class PgCopyBinaryIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final TableSchema SCHEMA = new TableSchema(TableId.of("src", "t"), List.of(
            col("id", LogicalType.INT64, "bigint"),
            col("c_bool", LogicalType.BOOLEAN, "boolean"),
            col("c_int2", LogicalType.INT32, "smallint"),
            col("c_int4", LogicalType.INT32, "int"),
            col("c_real", LogicalType.FLOAT32, "float"),
            col("c_double", LogicalType.FLOAT64, "double"),
            ColumnSchema.builder("c_num", LogicalType.DECIMAL).sourceType("decimal").build(),
            ColumnSchema.builder("c_num_12_4", LogicalType.DECIMAL).sourceType("decimal").precision(12).scale(4)
                    .build(),
            col("c_text", LogicalType.STRING, "text"),
            ColumnSchema.builder("c_varchar", LogicalType.STRING).sourceType("varchar").length(40).build(),
            col("c_bytea", LogicalType.BYTES, "blob"),
            col("c_date", LogicalType.DATE, "date"),
            col("c_ts", LogicalType.TIMESTAMP, "datetime"),
            ColumnSchema.builder("c_ts3", LogicalType.TIMESTAMP).sourceType("datetime").precision(3).build()),
            List.of("id"));

    private static ColumnSchema col(String name, LogicalType type, String sourceType) {
        return ColumnSchema.builder(name, type).sourceType(sourceType).build();
    }

    @Test
    void binaryRowsReadBackAsTheSameTextRows() throws Exception {
        TestDatabase db = DBS.database(DatabaseEngine.POSTGRES);
        TargetType[] targets = targets();
        PgCopyBinary binary = PgCopyBinary.of(SCHEMA.columns(), targets);
        assertThat(binary).as("every column of this table has a binary form").isNotNull();
        List<Row> rows = rows(5_000);
        try (Connection c = db.open()) {
            createTable(db, "as_text", targets);
            createTable(db, "as_binary", targets);
            CopyBuffer text = new CopyBuffer(1 << 16);
            CopyBuffer bin = new CopyBuffer(1 << 16);
            bin.putBytes(PgCopyBinary.HEADER);
            for (Row r : rows) {
                PgCopyText.appendRow(text, r, SCHEMA.columns(), targets);
                binary.appendRow(bin, r);
            }
            bin.putBytes(PgCopyBinary.TRAILER);
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY as_text FROM STDIN", new ByteArrayInputStream(text.array(), 0, text.length()));
            copy.copyIn("COPY as_binary FROM STDIN WITH (FORMAT binary)",
                    new ByteArrayInputStream(bin.array(), 0, bin.length()));
        }
        List<List<Object>> expected = db.rows("SELECT t::text FROM as_text t ORDER BY id");
        assertThat(expected).hasSize(rows.size());
        assertThat(db.rows("SELECT t::text FROM as_binary t ORDER BY id")).containsExactlyElementsOf(expected);
    }

    @Test
    void tablesWithAColumnWithoutBinaryFormStayText() {
        ColumnSchema json = ColumnSchema.builder("j", LogicalType.JSON).sourceType("json").build();
        ColumnSchema id = ColumnSchema.builder("id", LogicalType.INT32).sourceType("int").build();
        TableSchema t = new TableSchema(TableId.of("src", "j"), List.of(id, json), List.of("id"));
        assertThat(PgCopyBinary.of(t.columns(), targets(t))).isNull();
    }

    @Test
    void smallintOutOfRangeFailsNamingTheColumn() {
        ColumnSchema small = ColumnSchema.builder("s", LogicalType.INT32).sourceType("smallint").build();
        TableSchema t = new TableSchema(TableId.of("src", "s"), List.of(small), List.of());
        PgCopyBinary binary = PgCopyBinary.of(t.columns(), targets(t));
        assertThat(binary).isNotNull();
        assertThatThrownBy(() -> binary.appendRow(new CopyBuffer(16), Row.of(t, 40_000)))
                .hasMessage("value 40000 of column s is out of range for type smallint");
    }

    private static TargetType[] targets() {
        return targets(SCHEMA);
    }

    private static TargetType[] targets(TableSchema s) {
        return s.columns().stream().map(c -> PostgresDialect.INSTANCE.map(c, new ColumnContext(SourceKind.MYSQL,
                false, new TableRef("public", "t"), MappingOptions.DEFAULTS))).toArray(TargetType[]::new);
    }

    private static void createTable(TestDatabase db, String name, TargetType[] targets) throws Exception {
        List<String> cols = new ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            cols.add(SCHEMA.columns().get(i).name() + " " + targets[i].ddl());
        }
        db.execute("CREATE TABLE " + name + " (" + String.join(", ", cols) + ", PRIMARY KEY (id))");
    }

    private static List<Row> rows(int n) {
        Random random = new Random(20261126);
        List<BigDecimal> decimals = new ArrayList<>(List.of(BigDecimal.ZERO, new BigDecimal("0.0000"),
                new BigDecimal("-0.00005"), new BigDecimal("1E+7"), new BigDecimal("123.45"), new BigDecimal("-1"),
                new BigDecimal("9999.9999"), new BigDecimal("10000"), new BigDecimal("0.0001"),
                new BigDecimal("12345678901234567890123456789.123456789012345678901"), new BigDecimal("1E-30")));
        List<LocalDateTime> times = new ArrayList<>(List.of(LocalDateTime.of(2000, 1, 1, 0, 0),
                LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000), LocalDateTime.of(1, 1, 1, 0, 0),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), LocalDateTime.of(0, 6, 1, 12, 0),
                LocalDateTime.of(-500, 3, 1, 1, 2, 3), LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1_499),
                LocalDateTime.of(1970, 1, 1, 0, 0, 0, 2_501), LocalDateTime.of(2024, 2, 29, 1, 2, 3, 123_456_789)));
        List<Float> floats = List.of(0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, Float.MAX_VALUE, 1.1f);
        List<Double> doubles = List.of(0d, -0d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, Double.MAX_VALUE, 0.1d);
        String alphabet = "ab\\\t\n\r\"'\u00e9\u6f22 ,{}";
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean nulls = i % 17 == 3;
            BigDecimal num = i < decimals.size() ? decimals.get(i)
                    : new BigDecimal(BigInteger.valueOf(random.nextLong() >> random.nextInt(64)), random.nextInt(30) - 8);
            BigDecimal num124 = new BigDecimal(BigInteger.valueOf(random.nextLong() % 100_000_000L),
                    random.nextInt(7));
            LocalDateTime ts = i < times.size() ? times.get(i) : LocalDateTime.of(1 + random.nextInt(9999),
                    1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60),
                    random.nextInt(60), random.nextInt(1_000_000) * 1000 + (i % 5 == 0 ? 499 : i % 5 == 1 ? 501 : 0));
            StringBuilder s = new StringBuilder();
            for (int k = random.nextInt(30); k > 0; k--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] bytes = new byte[random.nextInt(20)];
            random.nextBytes(bytes);
            rows.add(Row.of(SCHEMA, (long) i, nulls ? null : random.nextBoolean(),
                    nulls ? null : random.nextInt(65_536) - 32_768, nulls ? null : random.nextInt(),
                    nulls ? null : i < floats.size() ? floats.get(i) : random.nextFloat() * random.nextInt(),
                    nulls ? null : i < doubles.size() ? doubles.get(i) : random.nextGaussian() * 1e10,
                    nulls ? null : num, nulls ? null : num124,
                    nulls ? null : s.toString(), nulls ? null : s.length() > 40 ? s.substring(0, 40) : s.toString(),
                    nulls ? null : bytes,
                    nulls ? null : ts.toLocalDate(), nulls ? null : ts, nulls ? null : ts));
        }
        return rows;
    }
}

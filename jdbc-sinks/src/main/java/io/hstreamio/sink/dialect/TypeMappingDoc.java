package io.hstreamio.sink.dialect;

import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code jdbc-sinks/TYPE-MAPPING.md} from the dialects' own {@link SqlDialect#map} on one sample column per
 * source type, so the document cannot drift from the code ({@code TypeMappingDocTest} compares them).
 *
 * <p>Regenerate with {@code mvn -pl jdbc-sinks exec:java}-style runs of {@link #main}, or let the test print the diff.
 */
public final class TypeMappingDoc {
    private static final TableRef TABLE = new TableRef("public", "t");

    private TypeMappingDoc() {}

    /** One documented case: a source column, and options it is mapped with. */
    record Sample(String label, ColumnSchema column, MappingOptions options, boolean inIndex) {}

    static List<Sample> mysqlSamples() {
        MappingOptions d = MappingOptions.DEFAULTS;
        List<Sample> s = new ArrayList<>();
        s.add(sample("TINYINT(1)", col(LogicalType.INT32, "tinyint(1)").length(1), d));
        s.add(sample("TINYINT(1) with tinyint1.as.boolean=false", col(LogicalType.INT32, "tinyint(1)").length(1),
                d.withTinyint1AsBoolean(false)));
        s.add(sample("TINYINT", col(LogicalType.INT32, "tinyint"), d));
        s.add(sample("TINYINT UNSIGNED", col(LogicalType.INT32, "tinyint unsigned").unsigned(true), d));
        s.add(sample("SMALLINT", col(LogicalType.INT32, "smallint"), d));
        s.add(sample("SMALLINT UNSIGNED", col(LogicalType.INT32, "smallint unsigned").unsigned(true), d));
        s.add(sample("MEDIUMINT", col(LogicalType.INT32, "mediumint"), d));
        s.add(sample("INT", col(LogicalType.INT32, "int"), d));
        s.add(sample("INT UNSIGNED", col(LogicalType.INT64, "int unsigned").unsigned(true), d));
        s.add(sample("BIGINT", col(LogicalType.INT64, "bigint"), d));
        s.add(sample("BIGINT UNSIGNED", col(LogicalType.UINT64, "bigint unsigned").unsigned(true), d));
        s.add(sample("FLOAT", col(LogicalType.FLOAT32, "float"), d));
        s.add(sample("DOUBLE", col(LogicalType.FLOAT64, "double"), d));
        s.add(sample("DECIMAL(65,30)", col(LogicalType.DECIMAL, "decimal").precision(65).scale(30), d));
        s.add(sample("CHAR(10)", col(LogicalType.STRING, "char").length(10).charset("utf8mb4"), d));
        s.add(sample("VARCHAR(255)", col(LogicalType.STRING, "varchar").length(255).charset("utf8mb4"), d));
        s.add(sample("VARCHAR(1000) in a key", col(LogicalType.STRING, "varchar").length(1000), d, true));
        s.add(sample("TEXT / MEDIUMTEXT / LONGTEXT", col(LogicalType.STRING, "mediumtext").charset("utf8mb4"), d));
        s.add(sample("BINARY(16)", col(LogicalType.BYTES, "binary").length(16), d));
        s.add(sample("VARBINARY(255)", col(LogicalType.BYTES, "varbinary").length(255), d));
        s.add(sample("BLOB / LONGBLOB", col(LogicalType.BYTES, "longblob"), d));
        s.add(sample("JSON", col(LogicalType.JSON, "json"), d));
        s.add(sample("DATE", col(LogicalType.DATE, "date"), d));
        s.add(sample("TIME(6)", col(LogicalType.TIME, "time").precision(6), d));
        s.add(sample("DATETIME(6)", col(LogicalType.TIMESTAMP, "datetime").precision(6), d));
        s.add(sample("TIMESTAMP(6)", col(LogicalType.TIMESTAMP_TZ, "timestamp").precision(6), d));
        s.add(sample("YEAR", col(LogicalType.YEAR, "year"), d));
        s.add(sample("BIT(1)", col(LogicalType.BITS, "bit").length(1), d));
        s.add(sample("BIT(64)", col(LogicalType.BITS, "bit").length(64), d));
        s.add(sample("ENUM('a','b')", col(LogicalType.ENUM, "enum").enumValues(List.of("a", "b")), d));
        s.add(sample("ENUM('a','b') with enum.mode=type", col(LogicalType.ENUM, "enum")
                .enumValues(List.of("a", "b")), d.withEnumMode(MappingOptions.EnumMode.TYPE)));
        s.add(sample("SET('x','y')", col(LogicalType.SET, "set").enumValues(List.of("x", "y")), d));
        s.add(sample("GEOMETRY / POINT ...", col(LogicalType.GEOMETRY, "point"), d));
        return s;
    }

    static List<Sample> postgresSamples() {
        MappingOptions d = MappingOptions.DEFAULTS;
        List<Sample> s = new ArrayList<>();
        s.add(sample("boolean", col(LogicalType.BOOLEAN, "bool"), d));
        s.add(sample("smallint", col(LogicalType.INT32, "int2"), d));
        s.add(sample("integer", col(LogicalType.INT32, "int4"), d));
        s.add(sample("bigint", col(LogicalType.INT64, "int8"), d));
        s.add(sample("real", col(LogicalType.FLOAT32, "float4"), d));
        s.add(sample("double precision", col(LogicalType.FLOAT64, "float8"), d));
        s.add(sample("numeric(12,2)", col(LogicalType.DECIMAL, "numeric").precision(12).scale(2), d));
        s.add(sample("numeric (unbounded)", col(LogicalType.DECIMAL, "numeric"), d));
        s.add(sample("numeric(80,40)", col(LogicalType.DECIMAL, "numeric").precision(80).scale(40), d));
        s.add(sample("char(10)", col(LogicalType.STRING, "bpchar").length(10), d));
        s.add(sample("varchar(255)", col(LogicalType.STRING, "varchar").length(255), d));
        s.add(sample("text", col(LogicalType.STRING, "text"), d));
        s.add(sample("text in a key", col(LogicalType.STRING, "text"), d, true));
        s.add(sample("bytea", col(LogicalType.BYTES, "bytea"), d));
        s.add(sample("bytea in a key", col(LogicalType.BYTES, "bytea"), d, true));
        s.add(sample("json", col(LogicalType.JSON, "json"), d));
        s.add(sample("jsonb", col(LogicalType.JSON, "jsonb"), d));
        s.add(sample("date", col(LogicalType.DATE, "date"), d));
        s.add(sample("time(6)", col(LogicalType.TIME, "time").precision(6), d));
        s.add(sample("timetz(6)", col(LogicalType.TIME_TZ, "timetz").precision(6), d));
        s.add(sample("timestamp(6)", col(LogicalType.TIMESTAMP, "timestamp").precision(6), d));
        s.add(sample("timestamptz(6)", col(LogicalType.TIMESTAMP_TZ, "timestamptz").precision(6), d));
        s.add(sample("bit(8)", col(LogicalType.BITS, "bit").length(8), d));
        s.add(sample("varbit(16)", col(LogicalType.BITS, "varbit").length(16), d));
        s.add(sample("varbit(100)", col(LogicalType.BITS, "varbit").length(100), d));
        s.add(sample("enum type ('a','b')", col(LogicalType.ENUM, "mood").enumValues(List.of("a", "b")), d));
        s.add(sample("uuid", col(LogicalType.UUID, "uuid"), d));
        return s;
    }

    private static ColumnSchema.Builder col(LogicalType type, String sourceType) {
        return ColumnSchema.builder("c", type).sourceType(sourceType);
    }

    private static Sample sample(String label, ColumnSchema.Builder b, MappingOptions o) {
        return new Sample(label, b.build(), o, false);
    }

    private static Sample sample(String label, ColumnSchema.Builder b, MappingOptions o, boolean inIndex) {
        return new Sample(label, b.build(), o, inIndex);
    }

    /** The whole Markdown document. */
    public static String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Type mapping of the JDBC sinks\n\n")
                .append("Generated from `PostgresDialect.map` and `MySqlDialect.map` by `TypeMappingDoc`; ")
                .append("`TypeMappingDocTest` fails when this file and the code disagree.\n\n")
                .append("Values travel as the core model's `LogicalType` (its Java carrier is exact: `BigInteger` for ")
                .append("BIGINT UNSIGNED, `BigDecimal`, `LocalDateTime` for wall-clock DATETIME, `Instant` for ")
                .append("TIMESTAMP/timestamptz, `Duration` for TIME). The sink binds them with those exact types. ")
                .append("Every note below is also printed by the dry run for each affected column.\n\n")
                .append("Column rules in both targets: NOT NULL is kept; AUTO_INCREMENT/serial/identity become ")
                .append("`GENERATED BY DEFAULT AS IDENTITY` (PostgreSQL) or `AUTO_INCREMENT` (MySQL), and the sink ")
                .append("can move their counter past the highest value written; defaults are kept when portable ")
                .append("(numbers, string literals, booleans, CURRENT_TIMESTAMP/CURRENT_DATE), others are left out ")
                .append("and reported; primary keys, unique and secondary indexes are created (PostgreSQL index names ")
                .append("are prefixed with the table name). MySQL tables use `utf8mb4` with `utf8mb4_bin` so text ")
                .append("compares as in PostgreSQL.\n\n");
        table(sb, "MySQL / MariaDB source", SourceKind.MYSQL, mysqlSamples());
        table(sb, "PostgreSQL source", SourceKind.POSTGRESQL, postgresSamples());
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, SourceKind kind, List<Sample> samples) {
        sb.append("## ").append(title).append("\n\n")
                .append("| source type | logical type | PostgreSQL target | MySQL/MariaDB target | notes |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        for (Sample s : samples) {
            ColumnContext ctx = new ColumnContext(kind, s.inIndex(), TABLE, s.options());
            TargetType pg = PostgresDialect.INSTANCE.map(s.column(), ctx);
            TargetType my = MySqlDialect.INSTANCE.map(s.column(), ctx);
            List<String> notes = new ArrayList<>();
            pg.notes().forEach(n -> notes.add("PostgreSQL: " + n));
            my.notes().forEach(n -> notes.add("MySQL: " + n));
            sb.append("| ").append(s.label()).append(" | ").append(s.column().type()).append(" | ")
                    .append(cell(pg)).append(" | ").append(cell(my)).append(" | ")
                    .append(String.join("<br>", notes)).append(" |\n");
        }
        sb.append('\n');
    }

    private static String cell(TargetType t) {
        String out = "`" + t.ddl().replace("|", "\\|") + "`";
        if (t.check() != null) {
            out += " + `CHECK (" + t.check().replace("|", "\\|") + ")`";
        }
        for (String pre : t.preStatements()) {
            out += " after `" + pre.replace("|", "\\|") + "`";
        }
        return out;
    }

    /** Writes the document to the path given, default {@code jdbc-sinks/TYPE-MAPPING.md}. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "jdbc-sinks/TYPE-MAPPING.md");
        Files.writeString(out, render(), StandardCharsets.UTF_8);
    }
}

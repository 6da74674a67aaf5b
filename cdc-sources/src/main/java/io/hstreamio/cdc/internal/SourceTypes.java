package io.hstreamio.cdc.internal;

import io.hstreamio.core.record.LogicalType;
import java.util.Locale;
import org.apache.kafka.connect.data.Schema;

/**
 * Chooses the {@link LogicalType} of a column.
 *
 * <p>For MySQL/MariaDB the source type name decides, so that a schema built from a DDL event (type names only) and one
 * built from a row event (Connect schemas) agree. The Connect schema decides for PostgreSQL, and for MySQL types
 * this class does not know. The mapping assumes the handling modes {@link EngineProperties} sets (precise decimals
 * and unsigned BIGINT, microsecond times).
 */
final class SourceTypes {
    private SourceTypes() {}

    /** The logical type of a binlog column from its type name, or null when the name is not known here. */
    static LogicalType fromBinlogTypeName(String typeName, Integer length) {
        if (typeName == null) {
            return null;
        }
        String t = typeName.toUpperCase(Locale.ROOT).trim();
        boolean unsigned = t.contains("UNSIGNED");
        String base = t.replace("UNSIGNED", "").replace("ZEROFILL", "").trim();
        int paren = base.indexOf('(');
        if (paren >= 0) {
            base = base.substring(0, paren).trim();
        }
        return switch (base) {
            case "BOOLEAN", "BOOL" -> LogicalType.BOOLEAN;
            case "BIT" -> length != null && length == 1 ? LogicalType.BOOLEAN : LogicalType.BITS;
            case "TINYINT", "SMALLINT", "MEDIUMINT", "INT1", "INT2", "INT3", "MIDDLEINT" -> LogicalType.INT32;
            case "INT", "INTEGER", "INT4" -> unsigned ? LogicalType.INT64 : LogicalType.INT32;
            case "BIGINT", "INT8" -> unsigned ? LogicalType.UINT64 : LogicalType.INT64;
            case "SERIAL" -> LogicalType.UINT64;
            case "DECIMAL", "NUMERIC", "DEC", "FIXED" -> LogicalType.DECIMAL;
            case "FLOAT" -> length != null && length > 24 ? LogicalType.FLOAT64 : LogicalType.FLOAT32;
            case "DOUBLE", "DOUBLE PRECISION", "REAL", "FLOAT8" -> LogicalType.FLOAT64;
            case "FLOAT4" -> LogicalType.FLOAT32;
            case "CHAR", "VARCHAR", "NCHAR", "NVARCHAR", "NATIONAL CHAR", "NATIONAL VARCHAR", "CHARACTER",
                    "CHARACTER VARYING", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "LONG", "LONG VARCHAR",
                    "INET4", "INET6" -> LogicalType.STRING;
            case "UUID" -> LogicalType.UUID;
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB", "LONG VARBINARY" ->
                    LogicalType.BYTES;
            case "JSON" -> LogicalType.JSON;
            case "DATE" -> LogicalType.DATE;
            case "DATETIME" -> LogicalType.TIMESTAMP;
            case "TIMESTAMP" -> LogicalType.TIMESTAMP_TZ;
            case "TIME" -> LogicalType.TIME;
            case "YEAR" -> LogicalType.YEAR;
            case "ENUM" -> LogicalType.ENUM;
            case "SET" -> LogicalType.SET;
            case "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                    "GEOMETRYCOLLECTION", "GEOMCOLLECTION" -> LogicalType.GEOMETRY;
            default -> null;
        };
    }

    /** Whether a binlog type name is TINYINT, signed or not (its display width then travels as the length). */
    static boolean isTinyint(String typeName) {
        if (typeName == null) {
            return false;
        }
        String t = typeName.toUpperCase(Locale.ROOT).trim();
        return t.equals("TINYINT") || t.startsWith("TINYINT ") || t.startsWith("TINYINT(") || t.equals("INT1")
                || t.startsWith("INT1 ");
    }

    /** The logical type implied by a Connect field schema (Debezium semantic names first). */
    static LogicalType fromConnect(Schema schema) {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "org.apache.kafka.connect.data.Decimal", "io.debezium.data.VariableScaleDecimal":
                    return LogicalType.DECIMAL;
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
                    return LogicalType.DATE;
                case "io.debezium.time.Time", "io.debezium.time.MicroTime", "io.debezium.time.NanoTime",
                        "org.apache.kafka.connect.data.Time":
                    return LogicalType.TIME;
                case "io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp",
                        "org.apache.kafka.connect.data.Timestamp":
                    return LogicalType.TIMESTAMP;
                case "io.debezium.time.ZonedTimestamp":
                    return LogicalType.TIMESTAMP_TZ;
                case "io.debezium.time.ZonedTime":
                    return LogicalType.TIME_TZ;
                case "io.debezium.time.Year":
                    return LogicalType.YEAR;
                case "io.debezium.data.Bits", VarbitConverter.SCHEMA_NAME:
                    return LogicalType.BITS;
                case "io.debezium.data.Enum":
                    return LogicalType.ENUM;
                case "io.debezium.data.EnumSet":
                    return LogicalType.SET;
                case "io.debezium.data.Json":
                    return LogicalType.JSON;
                case "io.debezium.data.Uuid":
                    return LogicalType.UUID;
                case "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Geography",
                        "io.debezium.data.geometry.Point":
                    return LogicalType.GEOMETRY;
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> LogicalType.BOOLEAN;
            case INT8, INT16, INT32 -> LogicalType.INT32;
            case INT64 -> LogicalType.INT64;
            case FLOAT32 -> LogicalType.FLOAT32;
            case FLOAT64 -> LogicalType.FLOAT64;
            case BYTES -> LogicalType.BYTES;
            // Text, and values without a native carrier yet (arrays, intervals as ISO text): rendered as text.
            case STRING, ARRAY, MAP, STRUCT -> LogicalType.STRING;
        };
    }
}

package io.hstreamio.core.record;

import java.util.List;
import java.util.Objects;

/**
 * One column with the full detail of its source type, so that a sink can create a faithful target column.
 *
 * @param name          column name as the source spells it
 * @param type          logical type, which fixes the Java type of values
 * @param sourceType    the source's type name, e.g. {@code "BIGINT UNSIGNED"}, {@code "varchar"}, {@code "int4"}
 * @param length        character or byte length (VARCHAR(n), BINARY(n), BIT(n)), or the display width of a MySQL
 *                      TINYINT(n), which tells MySQL's boolean TINYINT(1) apart; null when none
 * @param precision     numeric precision, or fractional-second precision for temporal types; null when none
 * @param scale         numeric scale; null when none
 * @param unsigned      MySQL UNSIGNED
 * @param nullable      whether NULL is allowed
 * @param charset       character set of text columns (e.g. {@code utf8mb4}); null when none
 * @param enumValues    allowed values of ENUM and SET columns, in definition order; empty otherwise
 * @param defaultValue  the default as the source writes it (an expression or literal text); null when none
 * @param autoIncrement AUTO_INCREMENT, serial or identity
 */
public record ColumnSchema(
        String name,
        LogicalType type,
        String sourceType,
        Integer length,
        Integer precision,
        Integer scale,
        boolean unsigned,
        boolean nullable,
        String charset,
        List<String> enumValues,
        String defaultValue,
        boolean autoIncrement) {

    public ColumnSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sourceType, "sourceType");
        enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
    }

    public static Builder builder(String name, LogicalType type) {
        return new Builder(name, type);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, type);
        b.sourceType = sourceType;
        b.length = length;
        b.precision = precision;
        b.scale = scale;
        b.unsigned = unsigned;
        b.nullable = nullable;
        b.charset = charset;
        b.enumValues = enumValues;
        b.defaultValue = defaultValue;
        b.autoIncrement = autoIncrement;
        return b;
    }

    /** Builder with the defaults: nullable, signed, no detail, source type = the logical type's name. */
    public static final class Builder {
        private final String name;
        private final LogicalType type;
        private String sourceType;
        private Integer length;
        private Integer precision;
        private Integer scale;
        private boolean unsigned;
        private boolean nullable = true;
        private String charset;
        private List<String> enumValues = List.of();
        private String defaultValue;
        private boolean autoIncrement;

        private Builder(String name, LogicalType type) {
            this.name = name;
            this.type = type;
            this.sourceType = type.name();
        }

        public Builder sourceType(String v) { this.sourceType = v; return this; }
        public Builder length(Integer v) { this.length = v; return this; }
        public Builder precision(Integer v) { this.precision = v; return this; }
        public Builder scale(Integer v) { this.scale = v; return this; }
        public Builder unsigned(boolean v) { this.unsigned = v; return this; }
        public Builder nullable(boolean v) { this.nullable = v; return this; }
        public Builder charset(String v) { this.charset = v; return this; }
        public Builder enumValues(List<String> v) { this.enumValues = v; return this; }
        public Builder defaultValue(String v) { this.defaultValue = v; return this; }
        public Builder autoIncrement(boolean v) { this.autoIncrement = v; return this; }

        public ColumnSchema build() {
            return new ColumnSchema(name, type, sourceType, length, precision, scale, unsigned, nullable, charset,
                    enumValues, defaultValue, autoIncrement);
        }
    }
}

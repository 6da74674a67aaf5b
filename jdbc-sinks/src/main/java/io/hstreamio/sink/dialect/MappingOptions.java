package io.hstreamio.sink.dialect;

/**
 * The choices a user makes about type mapping. Immutable.
 *
 * @param tinyint1AsBoolean map MySQL TINYINT(1) to a boolean column (values other than 0 become true)
 * @param enumMode          how a MySQL ENUM lands in PostgreSQL
 */
public record MappingOptions(boolean tinyint1AsBoolean, EnumMode enumMode) {

    /** ENUM in PostgreSQL: a text column with a CHECK constraint, or a dedicated {@code CREATE TYPE ... AS ENUM}. */
    public enum EnumMode { CHECK, TYPE }

    public static final MappingOptions DEFAULTS = new MappingOptions(true, EnumMode.CHECK);

    public MappingOptions withTinyint1AsBoolean(boolean v) {
        return new MappingOptions(v, enumMode);
    }

    public MappingOptions withEnumMode(EnumMode v) {
        return new MappingOptions(tinyint1AsBoolean, v);
    }
}

package io.hstreamio.sink.schema;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type read from its SQL spelling (ours or information_schema's), reduced to what decides whether values of
 * one type fit into another.
 *
 * @param family    the kind of value
 * @param min       smallest integer value (INTEGER only)
 * @param max       largest integer value (INTEGER only)
 * @param length    characters, bytes or bits; null means unbounded
 * @param precision numeric precision (null: unbounded) or fractional-second digits
 * @param scale     numeric scale
 * @param fixedBits PostgreSQL bit(n), which accepts exactly n bits
 * @param values    ENUM/SET members
 * @param text      the spelling it was read from, for messages
 */
record TypeInfo(Family family, BigInteger min, BigInteger max, Long length, Integer precision, Integer scale,
                boolean fixedBits, List<String> values, String text) {

    enum Family { BOOL, INTEGER, DECIMAL, FLOAT32, FLOAT64, TEXT, BYTES, JSON, DATE, TIME, TIMETZ, TIMESTAMP,
        TIMESTAMPTZ, BITS, ENUM, SET, UUID, GEOMETRY, ARRAY, OTHER }

    private static final Pattern SHAPE = Pattern.compile("^([a-z_ ]+?)\\s*(?:\\((.*)\\))?\\s*((?:unsigned|zerofill|\\s)*)$");

    /**
     * Parses {@code bigint(20) unsigned}, {@code numeric(20,0)}, {@code character varying(64)}, {@code TIMESTAMP(6)},
     * {@code enum('a','b')}, {@code text[]} ... as spelled in MySQL ({@code mysql}) or PostgreSQL, which differ in
     * defaults: fractional seconds (0 vs 6), TEXT (64 KiB vs unbounded), TIMESTAMP (instant vs wall clock).
     */
    static TypeInfo parse(String spelled, boolean mysql) {
        int defaultFsp = mysql ? 0 : 6;
        String s = spelled.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("[]") || s.equals("array")) {
            return of(Family.ARRAY, spelled);
        }
        Matcher m = SHAPE.matcher(s);
        if (!m.matches()) {
            return of(Family.OTHER, spelled);
        }
        String name = m.group(1).trim();
        String args = m.group(2);
        boolean unsigned = m.group(3) != null && m.group(3).contains("unsigned");
        Long n1 = null;
        Integer n2 = null;
        if (args != null && !args.startsWith("'")) {
            String[] parts = args.split(",");
            n1 = Long.valueOf(parts[0].trim());
            n2 = parts.length > 1 ? Integer.valueOf(parts[1].trim()) : null;
        }
        return switch (name) {
            case "boolean", "bool" -> of(Family.BOOL, spelled);
            case "tinyint" -> n1 != null && n1 == 1 && !unsigned ? integer(-128, 127, spelled)
                    : unsigned ? integer(0, 255, spelled) : integer(-128, 127, spelled);
            case "smallint", "int2" -> unsigned ? integer(0, 65535, spelled) : integer(-32768, 32767, spelled);
            case "mediumint" -> unsigned ? integer(0, 16777215, spelled) : integer(-8388608, 8388607, spelled);
            case "int", "integer", "int4" -> unsigned ? integer(0, 4294967295L, spelled)
                    : integer(Integer.MIN_VALUE, Integer.MAX_VALUE, spelled);
            case "bigint", "int8" -> unsigned
                    ? new TypeInfo(Family.INTEGER, BigInteger.ZERO, BigInteger.TWO.pow(64).subtract(BigInteger.ONE),
                            null, null, null, false, List.of(), spelled)
                    : integer(Long.MIN_VALUE, Long.MAX_VALUE, spelled);
            case "year" -> integer(1901, 2155, spelled);
            case "numeric", "decimal" -> new TypeInfo(Family.DECIMAL, null, null, null,
                    n1 == null ? null : n1.intValue(), n2 == null ? 0 : n2, false, List.of(), spelled);
            case "real", "float4" -> of(Family.FLOAT32, spelled);
            case "float" -> n1 != null && n1 > 24 ? of(Family.FLOAT64, spelled) : of(Family.FLOAT32, spelled);
            case "double precision", "double", "float8" -> of(Family.FLOAT64, spelled);
            case "character varying", "varchar", "character", "char", "bpchar" -> sized(Family.TEXT,
                    n1 == null ? (name.startsWith("char") || name.equals("bpchar") ? 1L : null) : n1, spelled);
            case "text" -> sized(Family.TEXT, mysql ? 65_535L : null, spelled);
            case "longtext" -> sized(Family.TEXT, null, spelled); // 4 GiB: unbounded for our purposes
            case "tinytext" -> sized(Family.TEXT, 255L, spelled);
            case "mediumtext" -> sized(Family.TEXT, 16_777_215L, spelled);
            case "bytea", "longblob" -> sized(Family.BYTES, null, spelled);
            case "binary", "varbinary" -> sized(Family.BYTES, n1 == null ? 1L : n1, spelled);
            case "tinyblob" -> sized(Family.BYTES, 255L, spelled);
            case "blob" -> sized(Family.BYTES, 65_535L, spelled);
            case "mediumblob" -> sized(Family.BYTES, 16_777_215L, spelled);
            case "json", "jsonb" -> of(Family.JSON, spelled);
            case "date" -> of(Family.DATE, spelled);
            case "time", "time without time zone" -> temporal(Family.TIME, n1, defaultFsp, spelled);
            case "timetz", "time with time zone" -> temporal(Family.TIMETZ, n1, defaultFsp, spelled);
            case "timestamp without time zone", "datetime" -> temporal(Family.TIMESTAMP, n1, defaultFsp, spelled);
            // MySQL TIMESTAMP is an instant; PostgreSQL "timestamp" is wall clock. information_schema tells them
            // apart by spelling (PostgreSQL reports "timestamp without time zone"), our DDL by the dialect.
            case "timestamp" -> temporal(mysql ? Family.TIMESTAMPTZ : Family.TIMESTAMP, n1, defaultFsp,
                    spelled);
            case "timestamptz", "timestamp with time zone" -> temporal(Family.TIMESTAMPTZ, n1, defaultFsp, spelled);
            case "bit" -> new TypeInfo(Family.BITS, null, null, n1 == null ? 1L : n1, null, null,
                    !mysql, List.of(), spelled);
            case "bit varying", "varbit" -> new TypeInfo(Family.BITS, null, null, n1, null, null, false, List.of(),
                    spelled);
            case "enum" -> new TypeInfo(Family.ENUM, null, null, null, null, null, false, members(args), spelled);
            case "set" -> new TypeInfo(Family.SET, null, null, null, null, null, false, members(args), spelled);
            case "uuid" -> of(Family.UUID, spelled);
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection" -> of(Family.GEOMETRY, spelled);
            default -> of(Family.OTHER, spelled);
        };
    }

    private static TypeInfo of(Family f, String text) {
        return new TypeInfo(f, null, null, null, null, null, false, List.of(), text);
    }

    private static TypeInfo integer(long min, long max, String text) {
        return new TypeInfo(Family.INTEGER, BigInteger.valueOf(min), BigInteger.valueOf(max), null, null, null, false,
                List.of(), text);
    }

    private static TypeInfo sized(Family f, Long length, String text) {
        return new TypeInfo(f, null, null, length, null, null, false, List.of(), text);
    }

    private static TypeInfo temporal(Family f, Long fsp, int defaultFsp, String text) {
        return new TypeInfo(f, null, null, null, fsp == null ? defaultFsp : fsp.intValue(), null, false, List.of(),
                text);
    }

    private static List<String> members(String args) {
        List<String> out = new ArrayList<>();
        if (args == null) {
            return out;
        }
        Matcher m = Pattern.compile("'((?:[^']|'')*)'").matcher(args);
        while (m.find()) {
            out.add(m.group(1).replace("''", "'"));
        }
        return out;
    }

    /**
     * Why a column of type {@code have} cannot hold every value of {@code need}; null when it can.
     */
    static String whyNotFits(TypeInfo need, TypeInfo have) {
        if (have.family == Family.OTHER || need.family == Family.OTHER) {
            return null; // types we cannot judge (user-defined, domains) are left to the database to reject
        }
        switch (need.family) {
            case INTEGER -> {
                if (have.family == Family.INTEGER) {
                    return have.min.compareTo(need.min) <= 0 && have.max.compareTo(need.max) >= 0 ? null
                            : "integer range " + need.min + ".." + need.max + " does not fit " + have.min + ".."
                                    + have.max;
                }
                if (have.family == Family.DECIMAL) {
                    int digits = need.max.max(need.min.abs()).toString().length();
                    return have.precision == null || have.precision - have.scale >= digits ? null
                            : "needs " + digits + " integer digits";
                }
            }
            case DECIMAL -> {
                if (have.family == Family.DECIMAL) {
                    if (have.precision == null) {
                        return null;
                    }
                    if (need.precision == null) {
                        return "unbounded numeric does not fit a bounded one";
                    }
                    return have.precision - have.scale >= need.precision - need.scale && have.scale >= need.scale
                            ? null : "numeric(" + need.precision + "," + need.scale + ") does not fit";
                }
            }
            case FLOAT32 -> {
                if (have.family == Family.FLOAT32 || have.family == Family.FLOAT64) {
                    return null;
                }
            }
            case TEXT, BYTES -> {
                if (have.family == need.family) {
                    return have.length == null || need.length != null && have.length >= need.length ? null
                            : "length " + (need.length == null ? "unbounded" : need.length) + " does not fit "
                                    + have.length;
                }
            }
            case TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ -> {
                if (have.family == need.family) {
                    return have.precision >= need.precision ? null
                            : "fractional seconds " + need.precision + " would be cut to " + have.precision;
                }
            }
            case BITS -> {
                if (have.family == Family.BITS) {
                    if (have.fixedBits) {
                        return need.length != null && need.length.equals(have.length) && need.fixedBits ? null
                                : "bit(" + have.length + ") accepts exactly " + have.length + " bits";
                    }
                    return have.length == null || need.length != null && have.length >= need.length ? null
                            : "bit length does not fit";
                }
            }
            case ENUM, SET -> {
                if (have.family == need.family) {
                    return have.values.containsAll(need.values) ? null : "members " + need.values + " not all in "
                            + have.values;
                }
                if (have.family == Family.TEXT && have.length == null) {
                    return null;
                }
            }
            case JSON -> {
                if (have.family == Family.JSON || have.family == Family.TEXT && have.length == null) {
                    return null; // MariaDB reports JSON columns as longtext
                }
            }
            case UUID -> {
                if (have.family == Family.UUID || have.family == Family.TEXT
                        && (have.length == null || have.length >= 36)) {
                    return null;
                }
            }
            default -> { }
        }
        return have.family == need.family ? null : "a " + need.family + " value does not fit " + have.family;
    }
}

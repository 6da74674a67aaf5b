package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.sink.dialect.ColumnContext;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.SourceKind;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import io.hstreamio.sink.dialect.TargetType;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads a target table back into the core model's values, independently of the sink's write code, so tests compare
 * what was sent with what the database holds, value by value.
 */
final class ReadBack {
    private ReadBack() {}

    /** All rows ordered by the first column, each converted back to the source schema's logical types. */
    static List<Row> rows(Connection c, SqlDialect d, TableSchema s, TableRef t) throws SQLException {
        String cols = s.columns().stream().map(x -> d.quote(x.name())).collect(Collectors.joining(", "));
        List<Row> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + cols + " FROM " + d.qualify(t) + " ORDER BY "
                     + d.quote(s.columns().get(0).name()))) {
            while (rs.next()) {
                Object[] v = new Object[s.columns().size()];
                for (int i = 0; i < v.length; i++) {
                    ColumnSchema col = s.columns().get(i);
                    TargetType tt = d.map(col, new ColumnContext(SourceKind.of(s.id()), false, t,
                            MappingOptions.DEFAULTS));
                    v[i] = value(rs, i + 1, col, tt, d instanceof MySqlDialect);
                }
                out.add(Row.of(s, v));
            }
        }
        return out;
    }

    static Object value(ResultSet rs, int i, ColumnSchema c, TargetType t, boolean mysql) throws SQLException {
        if (rs.getObject(i) == null) {
            return null;
        }
        return switch (c.type()) {
            case BOOLEAN -> rs.getBoolean(i);
            case INT32 -> t.ddl().equals("boolean") ? (rs.getBoolean(i) ? 1 : 0) : rs.getInt(i);
            case INT64 -> rs.getLong(i);
            case UINT64 -> new BigInteger(rs.getString(i));
            case FLOAT32 -> rs.getFloat(i);
            case FLOAT64 -> rs.getDouble(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case STRING, ENUM -> rs.getString(i);
            case BYTES -> rs.getBytes(i);
            case JSON -> new JsonText(rs.getString(i));
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIME -> mysql ? parseMysqlTime(rs.getString(i))
                    : Duration.ofNanos(rs.getObject(i, LocalTime.class).toNanoOfDay());
            case TIME_TZ -> mysql ? OffsetTime.of(LocalTime.parse(rs.getString(i)), ZoneOffset.UTC)
                    : rs.getObject(i, OffsetTime.class);
            case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> mysql ? rs.getObject(i, LocalDateTime.class).toInstant(ZoneOffset.UTC)
                    : rs.getObject(i, OffsetDateTime.class).toInstant();
            case YEAR -> Year.of(rs.getInt(i));
            case BITS -> mysql ? bits(rs.getBytes(i), c.length()) : BitString.parse(rs.getString(i));
            case SET -> mysql ? (rs.getString(i).isEmpty() ? List.of() : Arrays.asList(rs.getString(i).split(",")))
                    : setFromArray(rs.getArray(i));
            case GEOMETRY -> mysql ? fromInternal(rs.getBytes(i)) : new Geometry(0, rs.getBytes(i));
            case UUID -> mysql ? UUID.fromString(rs.getString(i)) : rs.getObject(i, UUID.class);
        };
    }

    private static List<String> setFromArray(Array a) throws SQLException {
        return List.of((String[]) a.getArray());
    }

    private static BitString bits(byte[] raw, int length) {
        String s = new BigInteger(1, raw).toString(2);
        return BitString.parse("0".repeat(length - s.length()) + s);
    }

    private static Geometry fromInternal(byte[] b) {
        int srid = (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
        return new Geometry(srid, Arrays.copyOfRange(b, 4, b.length));
    }

    private static Duration parseMysqlTime(String s) {
        boolean neg = s.startsWith("-");
        String[] p = (neg ? s.substring(1) : s).split("[:.]");
        Duration d = Duration.ofHours(Long.parseLong(p[0])).plusMinutes(Long.parseLong(p[1]))
                .plusSeconds(Long.parseLong(p[2]));
        if (p.length > 3) {
            String frac = (p[3] + "000000000").substring(0, 9);
            d = d.plusNanos(Long.parseLong(frac));
        }
        return neg ? d.negated() : d;
    }

    static Row withKey(TableSchema s, Row values, Object key) {
        Object[] v = values.toArray();
        v[0] = key;
        return Row.of(s, v);
    }

    /** The target table holds exactly {@code sent}, value by value (documented losses aside). */
    static void assertSameValues(HikariDataSource pool, SqlDialect dialect, TableSchema schema,
                                         TableRef target, List<Row> sent) throws Exception {
        List<Row> got;
        try (Connection c = pool.getConnection()) {
            got = ReadBack.rows(c, dialect, schema, target);
        }
        assertThat(got).hasSameSizeAs(sent);
        for (int r = 0; r < sent.size(); r++) {
            for (int i = 0; i < schema.columns().size(); i++) {
                ColumnSchema col = schema.columns().get(i);
                Object expected = expectedInTarget(dialect, col, sent.get(r).get(i));
                assertThat(got.get(r).get(i)).as("row %d column %s (%s) in %s", r, col.name(), col.sourceType(),
                        dialect.name()).isEqualTo(expected);
            }
        }
    }

    /** The value a target holds for a sent value: the same, except where TYPE-MAPPING.md documents a loss. */
    private static Object expectedInTarget(SqlDialect dialect, ColumnSchema col, Object sent) {
        if (sent instanceof Geometry g && col.type() == LogicalType.GEOMETRY && dialect.name().equals("postgresql")) {
            return new Geometry(0, g.wkb()); // bytea holds the WKB only
        }
        return sent;
    }
}

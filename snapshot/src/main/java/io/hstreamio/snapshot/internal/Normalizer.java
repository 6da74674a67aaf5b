package io.hstreamio.snapshot.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hstreamio.core.record.BitString;
import io.hstreamio.core.record.Geometry;
import io.hstreamio.core.record.JsonText;
import io.hstreamio.core.record.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

/**
 * Values in one comparable text form, whatever server and column type they were read from: a MySQL TINYINT(1) 1 and
 * a PostgreSQL boolean true are both {@code 1}, INT UNSIGNED and bigint compare by value, JSON by content with keys
 * sorted, a MySQL SET and a PostgreSQL text[] as JSON arrays, geometry by its WKB. Stateless and thread-safe.
 */
public final class Normalizer {
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Normalizer() {}

    /** The values at {@code positions} (-1: a column the row does not have), as one line. */
    public static String row(Row r, int[] positions) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < positions.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(positions[i] < 0 ? "<no such column>" : value(r.get(positions[i])));
        }
        return sb.append(']').toString();
    }

    public static String value(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (v instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? f.toString() : number(new BigDecimal(Float.toString(f)));
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d.toString() : number(new BigDecimal(Double.toString(d)));
        }
        if (v instanceof BigDecimal d) {
            return number(d);
        }
        if (v instanceof BigInteger || v instanceof Long || v instanceof Integer || v instanceof Short) {
            return v.toString();
        }
        if (v instanceof Year y) {
            return Integer.toString(y.getValue());
        }
        if (v instanceof byte[] b) {
            return "x'" + HEX.formatHex(b) + "'";
        }
        if (v instanceof Geometry g) {
            return "x'" + HEX.formatHex(g.wkb()) + "'"; // PostgreSQL targets keep the WKB only
        }
        if (v instanceof BitString b) {
            return b.toString();
        }
        if (v instanceof JsonText j) {
            return json(j.json());
        }
        if (v instanceof List<?> l) {
            try {
                return JSON.writeValueAsString(l);
            } catch (Exception e) {
                return l.toString();
            }
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        if (v instanceof Duration d) {
            return d.toString();
        }
        if (v instanceof OffsetTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).toString();
        }
        if (v instanceof String s && s.startsWith("[") && s.endsWith("]")) {
            return json(s); // PostgreSQL arrays travel as JSON text
        }
        return v.toString();
    }

    private static String number(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static String json(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            Object plain = JSON.treeToValue(n, Object.class);
            return JSON.writeValueAsString(plain);
        } catch (Exception e) {
            return text;
        }
    }

    /** A 64-bit hash of a normalized row (FNV-1a over its UTF-8 bytes, then mixed). */
    public static long hash(String normalized) {
        long h = 0xcbf29ce484222325L;
        for (byte b : normalized.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}

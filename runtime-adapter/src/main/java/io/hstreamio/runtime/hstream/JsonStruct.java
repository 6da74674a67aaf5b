package io.hstreamio.runtime.hstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * JSON payload bytes to {@code google.protobuf.Struct} (HStreamDB's JSON record payload) and back.
 *
 * <p>A Struct keeps JSON objects only and holds every number as a double, so not every JSON text survives the trip.
 * {@link #toStruct} therefore converts only when printing the Struct back with {@link #toJson} gives the very same
 * bytes: a compact object (no insignificant whitespace) whose integers fit in 53 bits and whose other numbers are
 * written as {@link Double#toString} writes them. Anything else (an array, a scalar, an empty payload, {@code 1.50},
 * pretty-printed text, a 64-bit id) is left to the caller, which then sends the bytes unchanged as RAW with a marker
 * attribute: a JSON payload is never altered on its way through HStreamDB.
 *
 * <p>Stateless and thread-safe.
 */
final class JsonStruct {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final double MAX_EXACT_INTEGER = 9007199254740992d; // 2^53

    private JsonStruct() {}

    /** The Struct whose {@link #toJson} is exactly {@code json}, or empty when there is none. */
    static Optional<Struct> toStruct(byte[] json) {
        if (json.length < 2 || json[0] != '{') {
            return Optional.empty();
        }
        Struct struct;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            struct = readObject(p);
            if (p.nextToken() != null) {
                return Optional.empty();
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Arrays.equals(toJson(struct), json) ? Optional.of(struct) : Optional.empty();
    }

    /** Parses a serialized Struct (a JSON record's payload on the wire) and prints it as compact JSON. */
    static byte[] structBytesToJson(byte[] structBytes) throws InvalidProtocolBufferException {
        return toJson(Struct.parseFrom(structBytes));
    }

    /** Compact JSON: keys in the Struct's order, integral numbers below 2^53 without a fraction. */
    static byte[] toJson(Struct struct) {
        StringBuilder out = new StringBuilder(64);
        writeStruct(struct, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Struct readObject(JsonParser p) throws IOException {
        Struct.Builder b = Struct.newBuilder();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            p.nextToken();
            if (b.containsFields(name)) {
                throw new IOException("duplicate key " + name); // a Struct cannot hold both
            }
            b.putFields(name, readValue(p));
        }
        return b.build();
    }

    private static Value readValue(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> Value.newBuilder().setStructValue(readObject(p)).build();
            case START_ARRAY -> {
                ListValue.Builder list = ListValue.newBuilder();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.addValues(readValue(p));
                }
                yield Value.newBuilder().setListValue(list).build();
            }
            case VALUE_STRING -> Value.newBuilder().setStringValue(p.getText()).build();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Value.newBuilder().setNumberValue(p.getDoubleValue()).build();
            case VALUE_TRUE -> Value.newBuilder().setBoolValue(true).build();
            case VALUE_FALSE -> Value.newBuilder().setBoolValue(false).build();
            case VALUE_NULL -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
            default -> throw new IOException("unexpected " + p.currentToken());
        };
    }

    private static void writeStruct(Struct s, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(e.getKey(), out);
            out.append(':');
            writeValue(e.getValue(), out);
        }
        out.append('}');
    }

    private static void writeValue(Value v, StringBuilder out) {
        switch (v.getKindCase()) {
            case STRUCT_VALUE -> writeStruct(v.getStructValue(), out);
            case LIST_VALUE -> {
                out.append('[');
                for (int i = 0; i < v.getListValue().getValuesCount(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeValue(v.getListValue().getValues(i), out);
                }
                out.append(']');
            }
            case STRING_VALUE -> writeString(v.getStringValue(), out);
            case NUMBER_VALUE -> writeNumber(v.getNumberValue(), out);
            case BOOL_VALUE -> out.append(v.getBoolValue());
            case NULL_VALUE, KIND_NOT_SET -> out.append("null");
        }
    }

    private static void writeNumber(double d, StringBuilder out) {
        if (d == Math.rint(d) && Math.abs(d) < MAX_EXACT_INTEGER && !(d == 0 && 1 / d < 0)) {
            out.append((long) d);
        } else {
            out.append(d);
        }
    }

    // Jackson's default escaping: quote, backslash and control characters; everything else as UTF-8.
    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

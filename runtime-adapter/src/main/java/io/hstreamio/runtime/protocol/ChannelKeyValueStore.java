package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.store.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A task's key/value state kept by the runtime: {@code KvGet}/{@code KvSet} over the {@link ProtocolChannel}, with a
 * local write-through cache (a value read or written once is not asked for again; the task is the only writer of its
 * keys). Thread-safe; every call may block up to {@link ProtocolChannel#REQUEST_TIMEOUT} on the runtime.
 *
 * <p>Values travel as JSON strings, as the stock toolkit keeps them: UTF-8 text as it is, other bytes as
 * {@value #BINARY_PREFIX} + base64 (the prefix starts with NUL, which no text value we write starts with). A delete is
 * a {@code KvSet} with a null value. {@link #scan} has no stock protocol message: it sends {@code KvScan}
 * ({@code {"prefix":P}}, answered with an object of key → value), an extension our runtime answers; a stock runtime
 * does not, and the scan fails naming that.
 */
public final class ChannelKeyValueStore implements KeyValueStore {
    static final String BINARY_PREFIX = "\u0000b64:";

    private final ProtocolChannel channel;
    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    public ChannelKeyValueStore(ProtocolChannel channel) {
        this.channel = channel;
    }

    @Override
    public Optional<byte[]> get(String key) {
        Optional<byte[]> cached = cache.get(key);
        if (cached != null) {
            return cached.map(byte[]::clone);
        }
        ObjectNode body = ProtocolChannel.JSON.createObjectNode().put("key", key);
        JsonNode answer = channel.request("KvGet", body, ProtocolChannel.REQUEST_TIMEOUT);
        // The stock runtime answers with the value itself; accept {"value":…} too.
        JsonNode v = answer != null && answer.isObject() ? answer.get("value") : answer;
        Optional<byte[]> value = v == null || v.isNull() || v.isMissingNode() ? Optional.empty()
                : Optional.of(decode(v.isTextual() ? v.asText() : v.toString()));
        cache.put(key, value);
        return value.map(byte[]::clone);
    }

    @Override
    public void put(String key, byte[] value) {
        ObjectNode body = ProtocolChannel.JSON.createObjectNode().put("key", key).put("value", encode(value));
        channel.request("KvSet", body, ProtocolChannel.REQUEST_TIMEOUT);
        cache.put(key, Optional.of(value.clone()));
    }

    @Override
    public void delete(String key) {
        ObjectNode body = ProtocolChannel.JSON.createObjectNode().put("key", key);
        body.putNull("value");
        channel.request("KvSet", body, ProtocolChannel.REQUEST_TIMEOUT);
        cache.put(key, Optional.empty());
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        ObjectNode body = ProtocolChannel.JSON.createObjectNode().put("prefix", prefix);
        JsonNode answer;
        try {
            answer = channel.request("KvScan", body, ProtocolChannel.REQUEST_TIMEOUT);
        } catch (ProtocolException e) {
            throw new UnsupportedOperationException("scan('" + prefix + "') of a task's state: the runtime did not "
                    + "answer KvScan (" + e.getMessage() + "); KvScan is an HStream IO for Java extension of the "
                    + "protocol, so run this connector under `hstream-io server`", e);
        }
        SortedMap<String, byte[]> out = new TreeMap<>();
        if (answer != null && answer.isObject()) {
            answer.fields().forEachRemaining(e -> {
                if (e.getKey().startsWith(prefix) && !e.getValue().isNull()) {
                    byte[] v = decode(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
                    out.put(e.getKey(), v);
                    cache.put(e.getKey(), Optional.of(v.clone()));
                }
            });
        }
        return out;
    }

    static String encode(byte[] value) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
            if (!text.startsWith("\u0000")) {
                return text;
            }
        } catch (CharacterCodingException notText) {
            // falls through to base64
        }
        return BINARY_PREFIX + Base64.getEncoder().encodeToString(value);
    }

    static byte[] decode(String value) {
        return value.startsWith(BINARY_PREFIX)
                ? Base64.getDecoder().decode(value.substring(BINARY_PREFIX.length()))
                : value.getBytes(StandardCharsets.UTF_8);
    }
}

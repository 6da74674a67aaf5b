package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.store.KeyValueStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A task's key/value state kept by the runtime: {@code KvGet}/{@code KvSet} over the {@link ProtocolChannel}, with a
 * local write-through cache (a value read or written once is not asked for again; the task is the only writer of its
 * keys). Thread-safe; every call may block up to {@link ProtocolChannel#REQUEST_TIMEOUT} on the runtime.
 *
 * <p>Values travel as JSON strings, as the stock toolkit keeps them: UTF-8 text as it is, other bytes as
 * {@value #BINARY_PREFIX} + base64 (the prefix starts with NUL, which no text value we write starts with). A delete is
 * a {@code KvSet} with a null value.
 *
 * <p>{@link #scan} has no stock protocol message, and a stock runtime (HStreamDB's) answers nothing it does not know,
 * so the store keeps its own list of the keys it wrote, in {@value #PAGES} pages {@value #KEYS_PREFIX}{@code <n>}
 * (JSON arrays; a key's page is its hash, so a new key rewrites one page, not the whole list), and scans by reading
 * the pages and the matching keys. Under our runtime, which says so with the
 * environment variable {@value #KV_SCAN_ENV}, it sends {@code KvScan} ({@code {"prefix":P}}, answered with an object
 * of key → value) instead, which also sees keys written by an in-process task of the same connector.
 */
public final class ChannelKeyValueStore implements KeyValueStore {
    static final String BINARY_PREFIX = "\u0000b64:";
    /** Set to 1 in a task's environment by a runtime that answers {@code KvScan}. */
    public static final String KV_SCAN_ENV = "HSTREAM_IO_KV_SCAN";
    /** The keys under which the store lists the keys it wrote, one page per suffix 0 to {@value #PAGES} - 1. */
    static final String KEYS_PREFIX = "hstream-io.keys/";
    static final int PAGES = 32;

    private final ProtocolChannel channel;
    private final boolean runtimeScans;
    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();
    /** Pages of the keys this task's state holds, each read once when first needed; guarded by {@code this}. */
    private final Map<Integer, SortedSet<String>> pages = new HashMap<>();

    public ChannelKeyValueStore(ProtocolChannel channel) {
        this(channel, "1".equals(System.getenv(KV_SCAN_ENV)));
    }

    ChannelKeyValueStore(ProtocolChannel channel, boolean runtimeScans) {
        this.channel = channel;
        this.runtimeScans = runtimeScans;
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
        // The key is listed before its value is written: a crash in between leaves a listed key without a value,
        // which a scan skips, never a value that no scan finds.
        synchronized (this) {
            if (page(key).add(key)) {
                writePage(pageOf(key));
            }
        }
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
        synchronized (this) {
            if (page(key).remove(key)) {
                writePage(pageOf(key));
            }
        }
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        if (!runtimeScans) {
            SortedMap<String, byte[]> out = new TreeMap<>();
            List<String> listed;
            synchronized (this) {
                SortedSet<String> all = new TreeSet<>();
                for (int n = 0; n < PAGES; n++) {
                    all.addAll(page(n));
                }
                listed = List.copyOf(all.subSet(prefix, prefix + Character.MAX_VALUE));
            }
            for (String k : listed) {
                get(k).ifPresent(v -> out.put(k, v));
            }
            return out;
        }
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

    static int pageOf(String key) {
        return Math.floorMod(key.hashCode(), PAGES);
    }

    private SortedSet<String> page(String key) {
        return page(pageOf(key));
    }

    private SortedSet<String> page(int n) {
        return pages.computeIfAbsent(n, i -> {
            SortedSet<String> keys = new TreeSet<>();
            get(KEYS_PREFIX + i).ifPresent(v -> {
                try {
                    ProtocolChannel.JSON.readTree(v).forEach(k -> keys.add(k.asText()));
                } catch (IOException e) {
                    throw new UncheckedIOException("the key list '" + KEYS_PREFIX + i + "' of the task's state is "
                            + "not a JSON array", e);
                }
            });
            return keys;
        });
    }

    private void writePage(int n) {
        ArrayNode list = ProtocolChannel.JSON.createArrayNode();
        pages.get(n).forEach(list::add);
        byte[] v = list.toString().getBytes(StandardCharsets.UTF_8);
        ObjectNode body = ProtocolChannel.JSON.createObjectNode().put("key", KEYS_PREFIX + n).put("value", encode(v));
        channel.request("KvSet", body, ProtocolChannel.REQUEST_TIMEOUT);
        cache.put(KEYS_PREFIX + n, Optional.of(v));
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

package io.hstreamio.core.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.record.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Source positions as small JSON documents in the task's key/value store: readable when debugging a resume. */
final class PositionCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PositionCodec() {}

    static byte[] encode(SourcePosition p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("source", p.source());
        var order = n.putArray("order");
        for (long v : p.order()) {
            order.add(v);
        }
        ObjectNode offset = n.putObject("offset");
        p.offset().forEach(offset::put);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static SourcePosition decode(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            long[] order = new long[n.get("order").size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = n.get("order").get(i).asLong();
            }
            Map<String, String> offset = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.get("offset").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                offset.put(e.getKey(), e.getValue().asText());
            }
            return new SourcePosition(n.get("source").asText(), order, offset);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("stored source position is not readable: "
                    + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }
}

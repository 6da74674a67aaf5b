package io.hstreamio.runtime.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.runtime.protocol.ConnectorKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime's durable catalog: connectors ({@code connector/<name>}) and their task status ({@code status/<name>})
 * as small JSON documents in the store's key/value namespace {@value #NAMESPACE}. Streams are the store's own.
 * Thread-safe (the key/value store is); writers are serialised by {@link RuntimeService}.
 */
public final class Catalog {
    public static final String NAMESPACE = "runtime-catalog";
    private static final String CONNECTOR = "connector/";
    private static final String STATUS = "status/";
    static final ObjectMapper JSON = new ObjectMapper();

    private final KeyValueStore kv;

    public Catalog(StreamStore store) {
        this.kv = store.keyValueStore(NAMESPACE);
    }

    public Optional<ConnectorRecord> find(String name) {
        return kv.get(CONNECTOR + name).map(Catalog::readConnector);
    }

    public List<ConnectorRecord> connectors() {
        List<ConnectorRecord> out = new ArrayList<>();
        kv.scan(CONNECTOR).values().forEach(v -> out.add(readConnector(v)));
        return out;
    }

    public void put(ConnectorRecord c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", c.name());
        n.put("kind", c.kind().name());
        n.put("target", c.target());
        n.put("taskId", c.taskId());
        n.set("config", JSON.valueToTree(c.config()));
        n.put("createdAt", c.createdAt().toString());
        n.put("paused", c.paused());
        kv.put(CONNECTOR + c.name(), bytes(n));
    }

    public void remove(String name) {
        kv.delete(CONNECTOR + name);
        kv.delete(STATUS + name);
    }

    public Optional<TaskStatus> status(String name) {
        return kv.get(STATUS + name).map(Catalog::readStatus);
    }

    public void putStatus(String name, TaskStatus s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("state", s.state().name());
        n.put("restarts", s.restarts());
        n.put("lastError", s.lastError());
        n.put("deliveredRecords", s.deliveredRecords());
        n.put("deliveredBytes", s.deliveredBytes());
        n.put("skippedRecords", s.skippedRecords());
        n.set("offsets", JSON.valueToTree(s.offsets()));
        if (s.lastCommitTime() != null) {
            n.put("lastCommitTime", s.lastCommitTime().toString());
        }
        n.put("updatedAt", s.updatedAt().toString());
        kv.put(STATUS + name, bytes(n));
    }

    private static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(byte[] v) {
        try {
            return JSON.readTree(v);
        } catch (IOException e) {
            throw new IllegalStateException("catalog entry is not readable JSON: " + e.getMessage(), e);
        }
    }

    private static ConnectorRecord readConnector(byte[] v) {
        JsonNode n = tree(v);
        Map<String, Object> config = JSON.convertValue(n.get("config"),
                new TypeReference<LinkedHashMap<String, Object>>() {});
        return new ConnectorRecord(n.get("name").asText(), ConnectorKind.valueOf(n.get("kind").asText()),
                n.get("target").asText(), n.get("taskId").asText(), config,
                Instant.parse(n.get("createdAt").asText()), n.path("paused").asBoolean(false));
    }

    private static TaskStatus readStatus(byte[] v) {
        JsonNode n = tree(v);
        List<Map<String, Object>> offsets = JSON.convertValue(n.path("offsets"),
                new TypeReference<List<Map<String, Object>>>() {});
        return new TaskStatus(TaskState.valueOf(n.get("state").asText()), n.path("restarts").asInt(),
                n.hasNonNull("lastError") ? n.get("lastError").asText() : null, n.path("deliveredRecords").asLong(),
                n.path("deliveredBytes").asLong(), n.path("skippedRecords").asLong(), offsets, null,
                n.hasNonNull("lastCommitTime") ? Instant.parse(n.get("lastCommitTime").asText()) : null,
                Instant.parse(n.get("updatedAt").asText()));
    }
}

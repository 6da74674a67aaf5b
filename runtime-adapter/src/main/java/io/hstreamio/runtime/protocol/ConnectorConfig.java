package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A task's config.json as HStream IO's runtime writes it:
 * {@code {"hstream":{"serviceUrl":…},"connector":{…the WITH options…},"task":"<uuid>"}}. The environment variable
 * {@code HSTREAM_SERVICE_URL} overrides {@code serviceUrl}. A file without a {@code connector} object is taken as the
 * connector options alone (what {@code check} is often given).
 */
public record ConnectorConfig(Optional<String> serviceUrl, Map<String, Object> connector, Optional<String> taskId) {
    public static final String SERVICE_URL_ENV = "HSTREAM_SERVICE_URL";

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static ConnectorConfig read(Path file, Map<String, String> env) {
        JsonNode root;
        try {
            root = ProtocolChannel.JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist; pass --config FILE");
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " is not readable JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("config file " + file + " must hold a JSON object");
        }
        JsonNode connectorNode = root.has("connector") ? root.get("connector") : root;
        if (!connectorNode.isObject()) {
            throw new IllegalArgumentException("config file " + file + ": 'connector' must be a JSON object");
        }
        Map<String, Object> connector = ProtocolChannel.JSON.convertValue(connectorNode,
                new TypeReference<LinkedHashMap<String, Object>>() {});
        String url = env.get(SERVICE_URL_ENV);
        if (url == null || url.isBlank()) {
            JsonNode u = root.path("hstream").path("serviceUrl");
            url = u.isTextual() && !u.asText().isBlank() ? u.asText() : null;
        }
        JsonNode task = root.get("task");
        return new ConnectorConfig(Optional.ofNullable(url), connector,
                task != null && task.isTextual() && !task.asText().isBlank() ? Optional.of(task.asText())
                        : Optional.empty());
    }
}

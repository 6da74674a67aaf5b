package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays HStreamDB's IO runtime against a task process: reads its stdout line by line, checks the shape of every
 * message, answers KvGet/KvSet from its own map and Reports (unless told to stay silent), and sends {@code stop}.
 * Violations are collected, not thrown, so a test asserts on all of them at once.
 */
final class FakeIoRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, String> kv;
    final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    final List<String> messageNames = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    volatile boolean answerReports = true;
    private final Process process;
    private final OutputStream stdin;
    private final Thread reader;

    FakeIoRuntime(Process process, Map<String, String> kv) {
        this.process = process;
        this.kv = kv;
        this.stdin = process.getOutputStream();
        this.reader = new Thread(this::read, "fake-io-runtime");
        reader.setDaemon(true);
        reader.start();
    }

    static Map<String, String> newState() {
        return new ConcurrentHashMap<>();
    }

    long deliveredRecords() {
        return reports.stream().mapToLong(r -> r.get("deliveredRecords").asLong()).sum();
    }

    long deliveredBytes() {
        return reports.stream().mapToLong(r -> r.get("deliveredBytes").asLong()).sum();
    }

    void stop() throws IOException {
        send(JSON.createObjectNode().put("name", "stop"));
    }

    void awaitEndOfOutput() throws InterruptedException {
        reader.join(30_000);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                handle(line);
            }
        } catch (IOException e) {
            violations.add("reading the task's stdout failed: " + e);
        }
    }

    private void handle(String line) throws IOException {
        JsonNode msg;
        try {
            msg = JSON.readTree(line);
        } catch (IOException e) {
            violations.add("a line on stdout that is not JSON (logs must go to a file): " + line);
            return;
        }
        if (!msg.isObject()) {
            violations.add("a JSON line that is not an object: " + line);
            return;
        }
        expectFields(msg, Set.of("id", "name", "body"), line);
        String name = msg.path("name").asText();
        messageNames.add(name);
        String id = msg.path("id").asText("");
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            violations.add("id is not a UUID: " + line);
        }
        JsonNode body = msg.path("body");
        switch (name) {
            case "KvGet" -> {
                expectFields(body, Set.of("key"), line);
                if (!body.path("key").isTextual()) {
                    violations.add("KvGet key is not a string: " + line);
                }
                String v = kv.get(body.path("key").asText());
                answer(id, v == null ? JSON.nullNode() : JSON.getNodeFactory().textNode(v));
            }
            case "KvSet" -> {
                expectFields(body, Set.of("key", "value"), line);
                JsonNode v = body.path("value");
                if (!body.path("key").isTextual() || !(v.isTextual() || v.isNull())) {
                    violations.add("KvSet key or value is not a string: " + line);
                }
                if (v.isNull()) {
                    kv.remove(body.path("key").asText());
                } else {
                    kv.put(body.path("key").asText(), v.asText());
                }
                answer(id, JSON.nullNode());
            }
            case "Report" -> {
                // The stock fields, plus our extension's optional ones (ConnectorImage.LAG_MILLIS and
                // LAST_COMMIT_TIME_MILLIS), which a stock runtime ignores.
                Set<String> fields = new TreeSet<>(Set.of("deliveredRecords", "deliveredBytes", "offsets"));
                for (String optional : List.of(ConnectorImage.LAG_MILLIS, ConnectorImage.LAST_COMMIT_TIME_MILLIS)) {
                    if (body.has(optional)) {
                        fields.add(optional);
                        if (!body.get(optional).isIntegralNumber() || body.get(optional).asLong() < 0) {
                            violations.add(optional + " is not a non-negative integer: " + line);
                        }
                    }
                }
                expectFields(body, fields, line);
                if (!body.path("deliveredRecords").canConvertToLong() || body.path("deliveredRecords").asLong() < 0
                        || !body.path("deliveredBytes").canConvertToLong() || body.path("deliveredBytes").asLong() < 0
                        || !body.path("offsets").isArray()) {
                    violations.add("Report body has the wrong types: " + line);
                }
                body.path("offsets").forEach(o -> {
                    if (!o.isObject()) {
                        violations.add("an offset that is not an object: " + line);
                    }
                });
                reports.add(body);
                if (answerReports) {
                    answer(id, JSON.nullNode());
                }
            }
            default -> violations.add("unknown message name '" + name + "': " + line);
        }
    }

    private void expectFields(JsonNode node, Set<String> fields, String line) {
        Set<String> got = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            got.add(it.next());
        }
        if (!got.equals(new TreeSet<>(fields))) {
            violations.add("fields " + got + " instead of " + new TreeSet<>(fields) + ": " + line);
        }
    }

    private void answer(String id, JsonNode body) throws IOException {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("name", "ConnectorResponse");
        msg.put("id", id);
        msg.set("body", body);
        send(msg);
    }

    private synchronized void send(JsonNode msg) throws IOException {
        try {
            stdin.write((msg.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            if (process.isAlive()) {
                throw e;
            }
        }
    }

    List<String> kvKeys() {
        return new ArrayList<>(new TreeSet<>(kv.keySet()));
    }
}

package io.hstreamio.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A scripted HStream IO image, as a stock one behaves on the wire: {@code run --config FILE}; keeps a counter in the
 * runtime's key/value store ({@code count}), increments it every 50 ms and reports each increment; {@code stop} ends
 * it with exit 0. Options ({@link ScriptedImageSource}) make it complete, crash once, go silent once, or ignore stop.
 * It prints a line of noise first, which the runtime must ignore.
 */
public final class FakeImageMain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, BlockingQueue<JsonNode>> ANSWERS = new ConcurrentHashMap<>();
    private static volatile boolean stopped;

    public static void main(String[] args) throws Exception {
        JsonNode config = JSON.readTree(Files.readString(Path.of(args[2])));
        JsonNode c = config.get("connector");
        int rows = c.path("rows").asInt(0);
        int crashAt = c.path("crashAt").asInt(0);
        int silentAt = c.path("silentAt").asInt(0);
        boolean ignoreStop = c.path("ignoreStop").asBoolean(false);
        System.out.println("starting the scripted image (not JSON: ignored)");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode msg = JSON.readTree(line);
                    if ("stop".equals(msg.path("name").asText())) {
                        stopped = true;
                    } else {
                        ANSWERS.computeIfAbsent(msg.path("id").asText(), k -> new ArrayBlockingQueue<>(1)).add(msg);
                    }
                }
            } catch (Exception e) {
                System.exit(4);
            }
        });
        reader.setDaemon(true);
        reader.start();

        JsonNode stored = request("KvGet", JSON.createObjectNode().put("key", "count"));
        int n = stored.isNull() ? 0 : Integer.parseInt(stored.asText());
        while (!stopped || ignoreStop) {
            if (rows > 0 && n >= rows) {
                System.exit(0);
            }
            n++;
            request("KvSet", JSON.createObjectNode().put("key", "count").put("value", Integer.toString(n)));
            ObjectNode report = JSON.createObjectNode().put("deliveredRecords", 1).put("deliveredBytes", 10);
            report.putArray("offsets").addObject().put("count", n);
            request("Report", report);
            if (n == crashAt && request("KvGet", JSON.createObjectNode().put("key", "crashed")).isNull()) {
                request("KvSet", JSON.createObjectNode().put("key", "crashed").put("value", "yes"));
                System.exit(3);
            }
            if (n == silentAt && request("KvGet", JSON.createObjectNode().put("key", "silenced")).isNull()) {
                request("KvSet", JSON.createObjectNode().put("key", "silenced").put("value", "yes"));
                Thread.sleep(Long.MAX_VALUE); // a hung task: says nothing more
            }
            Thread.sleep(50); // the image's own pace, as a real source waits for its database
        }
        System.exit(0);
    }

    private static JsonNode request(String name, ObjectNode body) throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("name", name);
        msg.set("body", body);
        BlockingQueue<JsonNode> answer = ANSWERS.computeIfAbsent(id, k -> new ArrayBlockingQueue<>(1));
        synchronized (System.out) {
            System.out.println(msg);
            System.out.flush();
        }
        JsonNode a = answer.poll(10, TimeUnit.SECONDS);
        ANSWERS.remove(id);
        if (a == null) {
            System.exit(5);
        }
        return a.path("body");
    }
}

package io.hstreamio.runtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProtocolChannelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputStream toTask;
    private BufferedReader fromTask;
    private ProtocolChannel channel;
    private final AtomicInteger stops = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        // NIO pipes, not java.io's piped streams, which fail once the thread that last wrote has ended.
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        toTask = Channels.newOutputStream(in.sink());
        fromTask = new BufferedReader(new InputStreamReader(Channels.newInputStream(out.source()),
                StandardCharsets.UTF_8));
        channel = new ProtocolChannel(Channels.newInputStream(in.source()), Channels.newOutputStream(out.sink()),
                stops::incrementAndGet);
        channel.start();
    }

    @AfterEach
    void close() throws Exception {
        channel.close();
        toTask.close();
    }

    private void send(String line) throws Exception {
        toTask.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toTask.flush();
    }

    @Test
    void answersAreMatchedByIdWhateverTheirOrderAndNoiseIsIgnored() throws Exception {
        CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> channel.request("KvGet",
                JSON.createObjectNode().put("key", "a"), Duration.ofSeconds(5)));
        JsonNode first = JSON.readTree(fromTask.readLine());
        CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> channel.request("KvGet",
                JSON.createObjectNode().put("key", "b"), Duration.ofSeconds(5)));
        JsonNode second = JSON.readTree(fromTask.readLine());
        assertThat(first.get("body").get("key").asText()).isEqualTo("a");
        assertThat(second.get("body").get("key").asText()).isEqualTo("b");

        send("a log line somebody printed");
        send("[1,2]");
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + second.get("id").asText() + "\",\"body\":\"B\"}");
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + first.get("id").asText() + "\",\"body\":\"A\"}");
        assertThat(a.get().asText()).isEqualTo("A");
        assertThat(b.get().asText()).isEqualTo("B");
    }

    @Test
    void anUnansweredRequestFailsAfterItsTimeoutNamingIt() throws Exception {
        assertThatThrownBy(() -> channel.request("Report", JSON.createObjectNode(), Duration.ofMillis(300)))
                .isInstanceOf(ProtocolException.class)
                .hasMessageMatching("Report request [0-9a-f-]{36} got no answer from the runtime in 0 s");
        assertThat(JSON.readTree(fromTask.readLine()).get("name").asText()).isEqualTo("Report");
    }

    @Test
    void stopAndTheEndOfStdinBothStopTheTask() throws Exception {
        send("{\"name\":\"stop\"}");
        await().until(() -> stops.get() == 1);
        CompletableFuture<JsonNode> pending = CompletableFuture.supplyAsync(() -> channel.request("KvGet",
                JSON.createObjectNode().put("key", "k"), Duration.ofSeconds(30)));
        fromTask.readLine();
        toTask.close();
        await().until(() -> stops.get() == 2);
        assertThat(pending).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .withMessageContaining("the runtime closed the channel");
    }

    @Test
    void theKeyValueStoreCachesWhatItReadAndWroteAndKeepsBinaryValuesIntact() throws Exception {
        ChannelKeyValueStore kv = new ChannelKeyValueStore(channel);
        CompletableFuture<Optional<byte[]>> get = CompletableFuture.supplyAsync(() -> kv.get("k"));
        JsonNode req = JSON.readTree(fromTask.readLine());
        assertThat(req.get("name").asText()).isEqualTo("KvGet");
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + req.get("id").asText() + "\",\"body\":\"v1\"}");
        assertThat(get.get()).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8))
                .isEqualTo("v1"));
        assertThat(kv.get("k")).as("from the cache, no second request").isPresent();

        byte[] binary = {0, (byte) 0xff, (byte) 0xfe, 65};
        CompletableFuture<Void> put = CompletableFuture.runAsync(() -> kv.put("bin", binary));
        // A new key is listed first (the store's own key list, read once, then written).
        JsonNode list = JSON.readTree(fromTask.readLine());
        assertThat(list.get("body").get("key").asText())
                .isEqualTo(ChannelKeyValueStore.KEYS_PREFIX + ChannelKeyValueStore.pageOf("bin"));
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + list.get("id").asText() + "\",\"body\":null}");
        JsonNode listSet = JSON.readTree(fromTask.readLine());
        assertThat(listSet.get("body").get("value").asText()).isEqualTo("[\"bin\"]");
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + listSet.get("id").asText() + "\",\"body\":null}");
        JsonNode set = JSON.readTree(fromTask.readLine());
        assertThat(set.get("name").asText()).isEqualTo("KvSet");
        assertThat(set.get("body").get("value").asText()).startsWith(ChannelKeyValueStore.BINARY_PREFIX);
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + set.get("id").asText() + "\",\"body\":null}");
        put.get();
        assertThat(kv.get("bin")).hasValue(binary);

        assertThat(ChannelKeyValueStore.decode(ChannelKeyValueStore.encode(binary))).isEqualTo(binary);
        assertThat(ChannelKeyValueStore.encode("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"a\":1}");
        byte[] nulText = "\u0000x".getBytes(StandardCharsets.UTF_8);
        assertThat(ChannelKeyValueStore.decode(ChannelKeyValueStore.encode(nulText))).isEqualTo(nulText);
    }

    @Test
    void aScanIsOneKvScanRequestOurRuntimeAnswersWithTheKeysUnderThePrefix() throws Exception {
        ChannelKeyValueStore kv = new ChannelKeyValueStore(channel, true);
        CompletableFuture<java.util.SortedMap<String, byte[]>> scan = CompletableFuture.supplyAsync(
                () -> kv.scan("handoff.done/"));
        JsonNode req = JSON.readTree(fromTask.readLine());
        assertThat(req.get("name").asText()).isEqualTo("KvScan");
        assertThat(req.get("body").get("prefix").asText()).isEqualTo("handoff.done/");
        send("{\"name\":\"ConnectorResponse\",\"id\":\"" + req.get("id").asText() + "\",\"body\":"
                + "{\"handoff.done/b\":\"2\",\"handoff.done/a\":\"1\"}}");
        assertThat(scan.get().keySet()).containsExactly("handoff.done/a", "handoff.done/b");
        assertThat(new String(scan.get().get("handoff.done/b"), StandardCharsets.UTF_8)).isEqualTo("2");
        assertThat(kv.get("handoff.done/a")).as("scanned values are cached").isPresent();
    }

    @Test
    void underAStockRuntimeAScanReadsTheStoresOwnKeyListAndNeverSendsKvScan() throws Exception {
        Map<String, String> runtimeState = new ConcurrentHashMap<>();
        List<String> names = new CopyOnWriteArrayList<>();
        Thread runtime = new Thread(() -> {
            try {
                String line;
                while ((line = fromTask.readLine()) != null) {
                    JsonNode req = JSON.readTree(line);
                    names.add(req.get("name").asText());
                    String key = req.get("body").path("key").asText();
                    String answer = "null";
                    if (req.get("name").asText().equals("KvGet") && runtimeState.containsKey(key)) {
                        answer = JSON.writeValueAsString(runtimeState.get(key));
                    } else if (req.get("name").asText().equals("KvSet")) {
                        JsonNode v = req.get("body").get("value");
                        if (v.isNull()) {
                            runtimeState.remove(key);
                        } else {
                            runtimeState.put(key, v.asText());
                        }
                    } else if (!req.get("name").asText().equals("KvGet")) {
                        continue; // a stock runtime answers nothing it does not know
                    }
                    send("{\"name\":\"ConnectorResponse\",\"id\":\"" + req.get("id").asText() + "\",\"body\":"
                            + answer + "}");
                }
            } catch (Exception e) {
                // the channel closed
            }
        }, "stock-runtime");
        runtime.setDaemon(true);
        runtime.start();

        ChannelKeyValueStore kv = new ChannelKeyValueStore(channel, false);
        kv.put("handoff.done/a", "1".getBytes(StandardCharsets.UTF_8));
        kv.put("handoff.done/b", "2".getBytes(StandardCharsets.UTF_8));
        kv.put("other", "3".getBytes(StandardCharsets.UTF_8));
        kv.delete("handoff.done/a");
        assertThat(kv.scan("handoff.done/").keySet()).containsExactly("handoff.done/b");

        // A new task process (empty cache) finds the same keys through the list the runtime kept.
        ChannelKeyValueStore again = new ChannelKeyValueStore(channel, false);
        assertThat(again.scan("handoff.done/")).hasSize(1).containsKey("handoff.done/b");
        assertThat(new String(again.scan("").get("other"), StandardCharsets.UTF_8)).isEqualTo("3");
        assertThat(names).doesNotContain("KvScan");
    }
}

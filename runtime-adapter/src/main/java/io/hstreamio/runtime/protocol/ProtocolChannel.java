package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's side of HStream IO's channel: newline-delimited JSON, requests on stdout, answers and {@code stop} on
 * stdin. A request is {@code {"id":…,"name":…,"body":…}}; the runtime answers
 * {@code {"name":"ConnectorResponse","id":<same id>,"body":…}}. Lines that are not JSON objects are ignored, as the
 * stock runtime ignores them.
 *
 * <p>Threads: one reader thread ({@code hstream-io-protocol-reader}), owned here, completes answers and runs the stop
 * handler. {@link #request} may be called from any thread and blocks the caller until the answer or the timeout;
 * writes are serialised so lines never interleave. End of stdin means the runtime went away: pending requests fail
 * and the stop handler runs.
 */
public final class ProtocolChannel implements AutoCloseable {
    /** How long a KvGet/KvSet may stay unanswered (the stock toolkit's limit). */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a Report may stay unanswered before the task gives up and exits 1. */
    public static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(ProtocolChannel.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader in;
    private final Writer out;
    private final Runnable onStop;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean closed;

    /** @param onStop runs once, on the reader thread, when {@code stop} arrives or stdin ends */
    public ProtocolChannel(InputStream in, OutputStream out, Runnable onStop) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        this.onStop = onStop;
        this.reader = new Thread(this::readLoop, "hstream-io-protocol-reader");
        this.reader.setDaemon(true);
    }

    public void start() {
        reader.start();
    }

    /**
     * Sends a request and waits for its answer's body (a JSON null when the answer has none).
     *
     * @throws ProtocolException when no answer came within {@code timeout} or the channel is closed
     */
    public JsonNode request(String name, JsonNode body, Duration timeout) {
        if (closed) {
            throw new ProtocolException(name + " request not sent: the channel to the runtime is closed");
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("name", name);
        msg.set("body", body);
        try {
            send(msg);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ProtocolException(name + " request " + id + " got no answer from the runtime in "
                    + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new ProtocolException(name + " request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(name + " request interrupted while waiting for the runtime's answer", e);
        } finally {
            pending.remove(id);
        }
    }

    private void send(ObjectNode msg) {
        String line = msg.toString();
        synchronized (out) {
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new ProtocolException("cannot write to the runtime (stdout closed?): " + e.getMessage(), e);
            }
        }
    }

    private void readLoop() {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                handle(line);
            }
            log.info("Protocol: stdin ended; the runtime went away, stopping the task");
        } catch (IOException e) {
            if (!closed) {
                log.warn("Protocol: reading stdin failed ({}); stopping the task", e.getMessage());
            }
        }
        failPending("the runtime closed the channel");
        if (!closed) {
            onStop.run();
        }
    }

    private void handle(String line) {
        JsonNode msg;
        try {
            msg = JSON.readTree(line);
        } catch (IOException e) {
            log.debug("Protocol: ignoring a line that is not JSON: {}", line);
            return;
        }
        if (msg == null || !msg.isObject()) {
            return;
        }
        String name = msg.path("name").asText("");
        switch (name) {
            case "ConnectorResponse" -> {
                CompletableFuture<JsonNode> f = pending.get(msg.path("id").asText(""));
                if (f == null) {
                    log.warn("Protocol: an answer to no pending request (id {}), ignored", msg.path("id"));
                } else {
                    f.complete(msg.has("body") ? msg.get("body") : JSON.nullNode());
                }
            }
            case "stop" -> {
                log.info("Protocol: stop received");
                onStop.run();
            }
            default -> log.warn("Protocol: unknown message '{}' ignored", name);
        }
    }

    private void failPending(String why) {
        pending.values().forEach(f -> f.completeExceptionally(new ProtocolException(why)));
    }

    @Override
    public void close() {
        closed = true;
        failPending("the channel was closed");
        synchronized (out) {
            try {
                out.flush();
            } catch (IOException ignored) {
                // stdout is gone; nothing more to say to the runtime.
            }
        }
    }
}

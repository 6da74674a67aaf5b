package io.hstreamio.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's HTTP API, JSON in and out: {@code POST /sql} (the body is the SQL text, or {@code {"sql":"…"}}),
 * {@code GET /connectors}, {@code /connectors/{name}}, {@code /streams}, {@code /health}; besides, {@code GET /metrics}
 * in Prometheus text format ({@link RuntimeMetrics}) and {@code GET /}, the web view ({@link WebView}). With a token,
 * every path but {@code /health} and {@code /} needs {@code Authorization: Bearer <token>}: those two hold no data.
 *
 * <p>Answers: 200 with {@code {"results":[…]}}; 400 {@code {"error":…,"results":[…done before]}} for a refused
 * statement; 401 without the token; 404 for an unknown connector or path. Owns a pool of named threads
 * ({@code hstream-io-http-N}), shut down by {@link #close}.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /** SQL is statements, not data: a megabyte is plenty and bounds what one request can make us hold. */
    static final int MAX_SQL_BYTES = 1 << 20;

    private final RuntimeService runtime;
    private final RuntimeMetrics metrics;
    private final WebView webView = WebView.load();
    private final byte[] token;
    private final HttpServer server;
    private final ExecutorService pool;

    /** @param token null for none; then only a loopback address may be bound */
    HttpApi(RuntimeService runtime, RuntimeMetrics metrics, InetSocketAddress address, String token)
            throws IOException {
        if (token == null && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to listen on " + address.getAddress().getHostAddress()
                    + " without a token: anyone who reaches it could run SQL; pass --auth-token-file FILE or bind "
                    + "127.0.0.1");
        }
        this.runtime = runtime;
        this.metrics = metrics;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hstream-io-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(address, 50);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/health")) {
                send(ex, 200, Catalog.JSON.createObjectNode().put("status", "ok"));
                return;
            }
            if (path.equals("/") && method.equals("GET")) {
                ex.getResponseHeaders().set("Content-Security-Policy", webView.contentSecurityPolicy());
                ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
                send(ex, 200, WebView.CONTENT_TYPE, webView.page());
                return;
            }
            if (!authorized(ex)) {
                send(ex, 401, error("missing or wrong token: send the header 'Authorization: Bearer <token>'"));
                return;
            }
            if (path.equals("/sql")) {
                if (!method.equals("POST")) {
                    send(ex, 405, error("use POST /sql with the statements as the body"));
                    return;
                }
                sql(ex);
            } else if (path.equals("/connectors") && method.equals("GET")) {
                send(ex, 200, Catalog.JSON.valueToTree(runtime.connectorViews()));
            } else if (path.startsWith("/connectors/") && method.equals("GET")) {
                String name = URLDecoder.decode(path.substring("/connectors/".length()), StandardCharsets.UTF_8);
                Optional<?> v = runtime.connectorView(name);
                if (v.isPresent()) {
                    send(ex, 200, Catalog.JSON.valueToTree(v.get()));
                } else {
                    send(ex, 404, error("no connector '" + name + "'; GET /connectors lists them"));
                }
            } else if (path.equals("/streams") && method.equals("GET")) {
                send(ex, 200, Catalog.JSON.valueToTree(runtime.streamViews()));
            } else if (path.equals("/metrics") && method.equals("GET")) {
                send(ex, 200, RuntimeMetrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
            } else {
                send(ex, 404, error("no such resource: " + method + " " + path
                        + "; try POST /sql, GET /connectors, /connectors/{name}, /streams, /metrics, /health, /"));
            }
        } catch (RuntimeException e) {
            log.error("HTTP request failed: {}", e.getMessage(), e);
        }
    }

    private void sql(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readNBytes(MAX_SQL_BYTES + 1);
        if (raw.length > MAX_SQL_BYTES) {
            send(ex, 413, error("the SQL is longer than " + MAX_SQL_BYTES + " bytes; send fewer statements at once"));
            return;
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        String sql = body;
        if (body.stripLeading().startsWith("{")) {
            JsonNode n = Catalog.JSON.readTree(body);
            sql = n.path("sql").asText("");
        }
        try {
            List<SqlResult> results = runtime.execute(sql);
            ObjectNode out = Catalog.JSON.createObjectNode();
            out.set("results", results(results));
            send(ex, 200, out);
        } catch (SqlExecutionException e) {
            ObjectNode out = error(e.getMessage());
            out.set("results", results(e.done()));
            send(ex, 400, out);
        }
    }

    private static ArrayNode results(List<SqlResult> results) {
        return Catalog.JSON.valueToTree(results);
    }

    private boolean authorized(HttpExchange ex) {
        if (token == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode error(String message) {
        return Catalog.JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        // Statuses change by the second: a cached answer would show a connector that is gone.
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

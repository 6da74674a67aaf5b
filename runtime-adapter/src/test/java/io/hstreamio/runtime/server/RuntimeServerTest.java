package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.runtime.cli.HStreamIoCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The server over HTTP: SQL, REST, the sql client's output, tokens, and secrets that never show. */
class RuntimeServerTest {
    private static final String SECRET = "Sup3r-S3cret-Val";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private RuntimeServer server;
    private String url;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        server = RuntimeServer.start(dir.resolve("data"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null, Clock.systemUTC(), RuntimeServiceTest.FAST);
        url = "http://127.0.0.1:" + server.address().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String sql) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/sql"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs the sql client in this JVM; returns {exit code, stdout, stderr}. */
    private String[] sqlClient(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 3];
            all[0] = "sql";
            all[1] = "--server";
            all[2] = url;
            System.arraycopy(args, 0, all, 3, args.length);
            int code = HStreamIoCli.execute(all);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void passwordsNeverShowInShowDescribeRestOrLogsButTheCatalogKeepsThem() throws Exception {
        String[] r = sqlClient("-e", "CREATE STREAM s; CREATE SINK CONNECTOR pg TO postgresql WITH (\"stream\"='s', "
                + "\"host\"='127.0.0.1', \"port\"=1, \"user\"='u', \"password\"='" + SECRET + "', \"database\"='d');"
                + "CREATE SOURCE CONNECTOR my FROM mariadb WITH (\"stream\"='s', \"host\"='127.0.0.1', \"port\"=1, "
                + "\"user\"='u', \"password\"=\"" + SECRET + "\", \"database\"='d')");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        // The source fails (nothing listens on port 1) and is restarted: its error passes through logs and status.
        // The sink connects lazily, on its first batch, so it runs.
        await().until(() -> server.runtime().connectorView("my").map(v -> (Integer) v.get("restarts")).orElse(0) >= 2
                && "RUNNING".equals(server.runtime().connectorView("pg").orElseThrow().get("status")));

        String show = sqlClient("-e", "SHOW CONNECTORS")[1];
        String describe = sqlClient("-e", "DESCRIBE CONNECTOR pg; DESCRIBE CONNECTOR my")[1];
        String describeJson = sqlClient("--json", "-e", "DESCRIBE CONNECTOR pg")[1];
        String rest = get("/connectors").body() + get("/connectors/pg").body() + get("/connectors/my").body()
                + get("/metrics").body() + get("/").body();
        String logText = logs.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));

        assertThat(describe).contains("******", "lastError", "cannot connect to 127.0.0.1:1");
        assertThat(rest).contains("\"password\":\"******\"");
        assertThat(logText).contains("Created sink connector pg", "Created source connector my", "restart 2");
        for (String output : new String[] {show, describe, describeJson, rest, logText}) {
            assertThat(output).doesNotContain(SECRET);
        }
        assertThat(server.runtime().catalog().find("pg").orElseThrow().config()).containsEntry("password", SECRET);
    }

    @Test
    void restAndTheSqlClientShowConnectorsStreamsAndErrors() throws Exception {
        assertThat(get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
        HttpResponse<String> created = post("CREATE STREAM s1 WITH (shards=2); CREATE SOURCE CONNECTOR g FROM "
                + "generator WITH (\"stream\"='s1', \"rows\"=100)");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(created.body()).get("results")).hasSize(2);
        await().until(() -> "COMPLETED".equals(server.runtime().connectorView("g").orElseThrow().get("status")));

        JsonNode streams = JSON.readTree(get("/streams").body());
        assertThat(streams).hasSize(1);
        assertThat(streams.get(0).get("name").asText()).isEqualTo("s1");
        assertThat(streams.get(0).get("shards").asInt()).isEqualTo(2);
        JsonNode g = JSON.readTree(get("/connectors/g").body());
        assertThat(g.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(g.get("deliveredRecords").asLong()).isEqualTo(101);
        assertThat(get("/connectors/nope").statusCode()).isEqualTo(404);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);

        String[] table = sqlClient("-e", "SHOW CONNECTORS");
        assertThat(table[0]).isEqualTo("0");
        assertThat(table[1]).contains("| name | type   | target    | status    | restarts | records | bytes")
                .contains("| g    | source | generator | COMPLETED | 0        | 101     |")
                .contains("(1 connector(s))");

        HttpResponse<String> bad = post("SHOW CONNECTORS; DROP CONNECTOR nope");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode badBody = JSON.readTree(bad.body());
        assertThat(badBody.get("error").asText())
                .isEqualTo("statement 2 (DROP CONNECTOR): no connector 'nope'; SHOW CONNECTORS lists them");
        assertThat(badBody.get("results")).hasSize(1);

        String[] syntax = sqlClient("-e", "SHOW CONECTORS");
        assertThat(syntax[0]).isEqualTo("2");
        assertThat(syntax[2].strip()).isEqualTo("error: line 1, column 6: expected CONNECTORS or STREAMS, found "
                + "'CONECTORS'");

        Path file = Files.writeString(dir.resolve("stmts.sql"), "-- from a file\nSHOW STREAMS;\n");
        String[] fromFile = sqlClient("-f", file.toString(), "--json");
        assertThat(fromFile[0]).isEqualTo("0");
        assertThat(JSON.readTree(fromFile[1]).get("results").get(0).get("rows").get(0).get(0).asText())
                .isEqualTo("s1");
    }

    @Test
    void anUnreachableServerIsExitOneWithAOneLineError() {
        server.close();
        server = null;
        String[] r = sqlClient("-e", "SHOW CONNECTORS");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: cannot reach the server at " + url);
    }

    @Test
    void aTokenGuardsEverythingButHealthAndOtherAddressesNeedOne() throws Exception {
        server.close();
        server = null;
        assertThatThrownBy(() -> RuntimeServer.start(dir.resolve("data2"), new InetSocketAddress("0.0.0.0", 0), null,
                Clock.systemUTC(), RuntimeServiceTest.FAST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refusing to listen on 0.0.0.0 without a token");
        assertThat(dir.resolve("data2")).doesNotExist();

        String token = "0123456789abcdef0123456789abcdef";
        server = RuntimeServer.start(dir.resolve("data"), new InetSocketAddress("0.0.0.0", 0), token,
                Clock.systemUTC(), RuntimeServiceTest.FAST);
        url = "http://127.0.0.1:" + server.address().getPort();
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/connectors").statusCode()).isEqualTo(401);
        assertThat(get("/metrics").statusCode()).isEqualTo(401);
        assertThat(post("SHOW STREAMS").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(url + "/connectors"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE jvm_threads_live_threads gauge");
        // The web view is a page without data: it is served without the token and asks for it to read /connectors.
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'none'; script-src 'sha256-").contains("connect-src 'self'");
        assertThat(page.body()).contains("id=\"token\"", "fetch(\"/connectors\"").doesNotContain(token);
        Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
        assertThat(sqlClient("--auth-token-file", tokenFile.toString(), "-e", "SHOW STREAMS")[0]).isEqualTo("0");
        assertThat(sqlClient("-e", "SHOW STREAMS")[0]).isEqualTo("1");
    }
}

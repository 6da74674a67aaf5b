package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.runtime.cli.HStreamIoCli;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hstream-io server} as its own process on the test class path (so test connectors are there too), logging
 * everything of ours at DEBUG and every library at INFO into {@link #logFile()}, its stderr into
 * {@link #stderrFile()}. {@link #close} sends SIGTERM, which stops the tasks through the shutdown hook.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final String url;
    private final Path logFile;
    private final Path stderrFile;
    private final HttpClient http = HttpClient.newHttpClient();

    private ServerProcess(Process process, String url, Path logFile, Path stderrFile) {
        this.process = process;
        this.url = url;
        this.logFile = logFile;
        this.stderrFile = stderrFile;
    }

    static ServerProcess start(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path logFile = dir.resolve("server.log");
        Path stderrFile = dir.resolve("server.stderr");
        Path logback = Files.writeString(dir.resolve("logback-server.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger - %%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="io.hstreamio" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(logFile));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                HStreamIoCli.class.getName(), "server", "--port", "0", "--data-dir", dir.resolve("data").toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrFile.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("the server's first line on stdout; see " + stderrFile).isNotNull();
        Matcher m = Pattern.compile("^hstream-io server listening on (http://\\S+)").matcher(first);
        assertThat(m.find()).as(first).isTrue();
        return new ServerProcess(p, m.group(1), logFile, stderrFile);
    }

    String url() {
        return url;
    }

    Path logFile() {
        return logFile;
    }

    Path stderrFile() {
        return stderrFile;
    }

    /** Runs {@code hstream-io sql -e} (plus {@code extra} options) against the server; returns its stdout. */
    String sql(String statements, String... extra) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] args = new String[5 + extra.length];
            args[0] = "sql";
            args[1] = "--server";
            args[2] = url;
            System.arraycopy(extra, 0, args, 3, extra.length);
            args[3 + extra.length] = "-e";
            args[4 + extra.length] = statements;
            int code = HStreamIoCli.execute(args);
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a GET that must answer 200. */
    String body(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    /** Stops the server with SIGTERM and waits for it, so that its logs are complete. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}

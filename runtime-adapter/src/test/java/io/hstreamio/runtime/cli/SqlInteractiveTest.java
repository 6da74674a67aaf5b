package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The interactive client: statements end at ';' across lines, each is sent once, and the history file keeps them. */
class SqlInteractiveTest {
    @TempDir
    Path dir;

    @Test
    void statementsSpanLinesAndLandInTheHistoryFile() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/sql", ex -> {
            String sql = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(sql.strip());
            byte[] body = "{\"results\":[{\"message\":\"ok\",\"columns\":[],\"rows\":[]}]}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            SqlCommand command = new SqlCommand();
            new CommandLine(command).parseArgs("--server", "http://127.0.0.1:" + server.getAddress().getPort());
            String typed = "SHOW STREAMS;\rCREATE STREAM s\r  WITH (shards=2);\r";
            Path history = dir.resolve("nested").resolve("sql_history");
            StringWriter printed = new StringWriter();
            try (Terminal terminal = new org.jline.terminal.impl.DumbTerminal(
                    new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream())) {
                int code = command.interactive(terminal, history, new PrintWriter(printed, true));
                assertThat(code).isZero();
            }
            assertThat(received).containsExactly("SHOW STREAMS;", "CREATE STREAM s\n  WITH (shards=2);");
            assertThat(printed.toString()).contains("ok");
            assertThat(Files.readString(history)).contains("SHOW STREAMS;").contains("WITH (shards=2);");
        } finally {
            server.stop(0);
        }
    }
}

package io.hstreamio.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Sends SQL to a runtime server and prints the results as tables (JSON with --json). Without "
                + "-e or -f, reads statements one per ';': on a terminal with line editing and a history kept in "
                + "~/.hstream-io/sql_history (Ctrl-R searches it, Ctrl-D ends), otherwise from stdin.",
                "Example: hstream-io sql -e \"CREATE SOURCE CONNECTOR gen FROM generator WITH (\\\"stream\\\"='s', "
                        + "\\\"rows\\\"=1000)\""})
final class SqlCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--server", defaultValue = "${env:HSTREAM_IO_SERVER:-http://127.0.0.1:6580}",
            description = "The server (default: ${DEFAULT-VALUE}; env HSTREAM_IO_SERVER).")
    String server;

    @Option(names = {"-e", "--execute"}, paramLabel = "STATEMENTS", description = "Statements to run.")
    String execute;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A file of statements to run.")
    Path file;

    @Option(names = "--json", description = "Print the server's JSON answer instead of tables.")
    boolean json;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "The server's token, if it has one.")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        if (execute != null && file != null) {
            throw new IllegalArgumentException("give -e STATEMENTS or -f FILE, not both");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (execute != null) {
            return send(execute, out);
        }
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("SQL file " + file + " is not readable");
            }
            return send(Files.readString(file, StandardCharsets.UTF_8), out);
        }
        return interactive(out);
    }

    private int interactive(PrintWriter out) throws Exception {
        if (System.console() != null) {
            try (org.jline.terminal.Terminal terminal = org.jline.terminal.TerminalBuilder.builder().system(true)
                    .build()) {
                return interactive(terminal, Path.of(System.getProperty("user.home"), ".hstream-io", "sql_history"),
                        out);
            }
        }
        return statements(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))::readLine,
                out);
    }

    /** Line editing and a persistent history on {@code terminal}; statements end with ';'. */
    int interactive(org.jline.terminal.Terminal terminal, Path history, PrintWriter out) throws Exception {
        Files.createDirectories(history.getParent());
        org.jline.reader.LineReader reader = org.jline.reader.LineReaderBuilder.builder().terminal(terminal)
                .appName("hstream-io sql").variable(org.jline.reader.LineReader.HISTORY_FILE, history)
                // Continuation lines of a statement are usually indented: keep them in the history too.
                .option(org.jline.reader.LineReader.Option.HISTORY_IGNORE_SPACE, false).build();
        boolean[] continued = {false};
        try {
            return statements(() -> {
                while (true) {
                    try {
                        String line = reader.readLine(continued[0] ? "        ...> " : "hstream-io> ");
                        continued[0] = !line.strip().endsWith(";") && !line.isBlank();
                        return line;
                    } catch (org.jline.reader.UserInterruptException e) {
                        continued[0] = false; // Ctrl-C drops the statement being typed, as psql does
                    } catch (org.jline.reader.EndOfFileException e) {
                        return null;
                    }
                }
            }, out);
        } finally {
            reader.getHistory().save();
        }
    }

    private interface Lines {
        String next() throws java.io.IOException;
    }

    private int statements(Lines in, PrintWriter out) throws Exception {
        StringBuilder pending = new StringBuilder();
        int worst = 0;
        String line;
        while ((line = in.next()) != null) {
            pending.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                try {
                    worst = Math.max(worst, send(pending.toString(), out));
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("error: " + e.getMessage());
                    worst = HStreamIoCli.EXIT_USAGE;
                }
                pending.setLength(0);
            }
        }
        if (!pending.toString().isBlank()) {
            worst = Math.max(worst, send(pending.toString(), out));
        }
        return worst;
    }

    private int send(String sql, PrintWriter out) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + "/sql"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8));
        if (tokenFile != null) {
            req.header("Authorization", "Bearer " + Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        }
        HttpResponse<String> resp;
        try {
            resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the server at " + server + "; start it with `hstream-io server` "
                    + "or pass --server URL");
        }
        JsonNode body = JSON.readTree(resp.body());
        if (json) {
            out.println(body.toString());
            out.flush();
        } else {
            for (JsonNode r : body.path("results")) {
                printResult(r, out);
            }
            out.flush();
        }
        if (resp.statusCode() == 200) {
            return 0;
        }
        String error = body.path("error").asText("HTTP " + resp.statusCode());
        if (resp.statusCode() == 400) {
            throw new IllegalArgumentException(error);
        }
        throw new IllegalStateException(error);
    }

    /** The server could not be reached: the job failed (exit 1), it is not a usage error. */
    static final class Unreachable extends IOException {
        Unreachable(String message) {
            super(message);
        }
    }

    static void printResult(JsonNode r, PrintWriter out) {
        JsonNode columns = r.path("columns");
        if (columns.isEmpty()) {
            out.println(r.path("message").asText());
            return;
        }
        List<String> header = new ArrayList<>();
        columns.forEach(c -> header.add(c.asText()));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : r.path("rows")) {
            List<String> cells = new ArrayList<>();
            row.forEach(c -> cells.add(c.isNull() ? "" : c.isValueNode() ? c.asText() : c.toString()));
            rows.add(cells);
        }
        out.print(Tables.render(header, rows));
        out.println("(" + r.path("message").asText() + ")");
    }
}

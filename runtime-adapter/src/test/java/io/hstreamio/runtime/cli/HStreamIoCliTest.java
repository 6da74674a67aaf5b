package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HStreamIoCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The error line a user reads: exactly one line starting with "error:" (log lines may surround it). */
    private String errorLine() {
        List<String> lines = err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(lines).as(err()).hasSize(1);
        return lines.get(0);
    }

    @Test
    void demoMovesEveryRowAndSaysSo() {
        int code = HStreamIoCli.execute("demo", "--generator", "--rows", "20000");
        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("20,001 events durable in the stream, 20,001 delivered (20,000 inserts, 1 schema change)")
                .contains("demo: OK");
    }

    @Test
    void pipelineRunsAndResumesWithTheSameDataDirectory() {
        String data = dir.resolve("data").toString();
        assertThat(HStreamIoCli.execute("pipeline", "--source", "generator", "-s", "rows=3000", "--sink", "blackhole",
                "--data-dir", data)).as(err()).isZero();
        assertThat(out()).contains("done: 3,001 events written to stream pipeline, 3,001 delivered by blackhole");

        out.reset();
        assertThat(HStreamIoCli.execute("pipeline", "--source", "generator", "-s", "rows=5000", "--sink", "blackhole",
                "--data-dir", data)).as(err()).isZero();
        assertThat(out()).as("only the new rows").contains("done: 2,000 events written", "2,000 delivered");
    }

    @Test
    void pipelineKeepsItsStreamInHStreamDbWhenAskedTo() {
        try (var cluster = io.hstreamio.runtime.hstream.FakeHStreamCluster.start(2,
                io.hstreamio.runtime.hstream.FakeHStreamCluster.Transport.LOOPBACK)) {
            int code = HStreamIoCli.execute("pipeline", "--source", "generator", "-s", "rows=2000", "--sink",
                    "blackhole", "--store", cluster.serviceUrl());
            assertThat(code).as(err()).isZero();
            assertThat(out()).contains("done: 2,001 events written to stream pipeline, 2,001 delivered by blackhole");
        }
    }

    @Test
    void anUnknownOptionIsOneLineNamingItAndExitCodeTwo() {
        int code = HStreamIoCli.execute("pipeline", "--source", "generator", "-s", "rowz=10", "--sink", "blackhole",
                "--data-dir", dir.toString());
        assertThat(code).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(errorLine()).contains("unknown option 'rowz'", "did you mean 'rows'");
    }

    @Test
    void aWrongTypeNamesTheOptionAndWhatIsAllowed() {
        int code = HStreamIoCli.execute("pipeline", "--source", "generator", "-s", "rows=many", "--sink", "blackhole",
                "--data-dir", dir.toString());
        assertThat(code).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(errorLine()).contains("option 'rows'", "'many'");
    }

    @Test
    void missingRequiredOptionsAreAllNamedInOneLine() {
        int code = HStreamIoCli.execute("pipeline", "--source", "generator", "--sink", "postgresql", "-k",
                "password=s3cret-value", "--data-dir", dir.toString());
        assertThat(code).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(errorLine()).contains("option 'host'", "option 'user'", "option 'database'", "is required")
                .doesNotContain("s3cret-value");
        assertThat(out() + err()).doesNotContain("s3cret-value");
    }

    @Test
    void anUnknownConnectorListsTheAvailableOnes() {
        int code = HStreamIoCli.execute("pipeline", "--source", "oracle", "--sink", "blackhole",
                "--data-dir", dir.toString());
        assertThat(code).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(errorLine()).contains("unknown source connector 'oracle'", "generator");
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsNamedWithExitCodeTwo() throws Exception {
        // A path below a regular file can be made by no one, root included.
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        int code = HStreamIoCli.execute("pipeline", "--source", "generator", "--sink", "blackhole",
                "--data-dir", file.resolve("data").toString());
        assertThat(code).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(errorLine()).contains(file.resolve("data").toString());
    }

    @Test
    void aDataDirectoryInUseByAnotherStoreIsRefused() {
        try (var held = io.hstreamio.core.store.embedded.EmbeddedStreamStore.open(dir)) {
            int code = HStreamIoCli.execute("pipeline", "--source", "generator", "--sink", "blackhole",
                    "--data-dir", dir.toString());
            assertThat(code).isEqualTo(HStreamIoCli.EXIT_USAGE);
            assertThat(errorLine()).contains(dir.toString(), "in use");
        }
    }

    @Test
    void connectorsListsBuiltInsWithTheirDefaults() {
        assertThat(HStreamIoCli.execute("connectors")).isZero();
        assertThat(out()).contains("source generator", "sink blackhole", "task.error.skipStrategy",
                "(default NeverSkip)");
    }

    @Test
    void theFastPathKnowsEverySubcommand() {
        List<String> annotated = new java.util.ArrayList<>(HStreamIoCli.commandLine().getSubcommands().keySet());
        annotated.remove("help");
        assertThat(HStreamIoCli.COMMANDS).isEqualTo(annotated);
    }

    /** A command line built with only the named subcommand prints and exits exactly as the whole tree does. */
    @Test
    void oneSubcommandBehavesAsTheWholeTree() {
        String[][] cases = {{"load"}, {"load", "--help"}, {"load", "--from", "sqlserver://u@h/db", "--to", "x"},
                {"verify", "--nope"}, {"sync", "--help"}, {"sql", "--help"}, {"server", "--help"},
                {"connector", "--help"}, {"reset-sequences", "--help"}, {"demo", "--rows", "many"}};
        for (String[] args : cases) {
            assertThat(HStreamIoCli.commandLine(args).getSubcommands().keySet()).as(args[0]).containsExactly(args[0]);
            assertThat(run(HStreamIoCli.commandLine(args), args)).as(String.join(" ", args))
                    .isEqualTo(run(HStreamIoCli.commandLine(), args));
        }
    }

    private static List<String> run(picocli.CommandLine cli, String... args) {
        java.io.StringWriter o = new java.io.StringWriter();
        java.io.StringWriter e = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(o, true));
        cli.setErr(new java.io.PrintWriter(e, true));
        int code = cli.execute(args);
        return List.of(String.valueOf(code), o.toString(), e.toString());
    }
}

package io.hstreamio.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hstream-io}: the command line. Exit codes: 0 done, 1 the job failed, 2 bad input (usage, options, data
 * directory). Errors are one line on stderr; logs go to stderr at the level of {@code --log-level}.
 */
@Command(
        name = "hstream-io",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "HStream IO for Java: keeps databases in sync through streams.",
        subcommands = {DemoCommand.class, PipelineCommand.class, ConnectorsCommand.class, LoadCommand.class, SyncCommand.class,
                VerifyCommand.class, ResetSequencesCommand.class, ConnectorCommand.class, ServerCommand.class, SqlCommand.class,
                CommandLine.HelpCommand.class})
public final class HStreamIoCli {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; for tests and {@link #main}. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The command line with its error handling, not yet run; its subcommands' objects are reachable before
     * {@code execute} (tests stop a running {@code sync} through {@link SyncCommand#stopHandle}).
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HStreamIoCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + Errors.oneLine(e));
            return e instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
        return cli;
    }
}

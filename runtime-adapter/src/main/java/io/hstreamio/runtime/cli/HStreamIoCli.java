package io.hstreamio.runtime.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hstream-io}: the command line. Exit codes: 0 done, 1 the job failed, 2 bad input (usage, options, data
 * directory). Errors are one line on stderr; logs go to stderr at the level of {@code --log-level}.
 *
 * <p>The subcommands are not in the annotation: building picocli's model of all of them (and loading the classes
 * their fields name: JLine, gRPC, Debezium...) was ~40% of a {@code load}'s start-up. {@link #execute} builds only
 * the one that the first argument names, and the whole tree for anything else (help, usage, an unknown command).
 */
@Command(
        name = "hstream-io",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "HStream IO for Java: keeps databases in sync through streams.")
public final class HStreamIoCli {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /** The subcommands' names, in the order the usage help lists them ({@code help} comes last). */
    static final List<String> COMMANDS = List.of("demo", "pipeline", "connectors", "load", "sync", "verify",
            "reset-sequences", "connector", "server", "sql");

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; for tests and {@link #main}. */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /**
     * The command line with its error handling, not yet run; its subcommands' objects are reachable before
     * {@code execute} (tests stop a running {@code sync} through {@link SyncCommand#stopHandle}).
     */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The command line for {@code args}: only the subcommand that {@code args[0]} names, or all of them. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new HStreamIoCli());
        String first = args.length > 0 ? args[0] : null;
        // bin/hstream-io sets the property in the run that writes the class-data archive, so that the archive holds
        // every command's classes (--help then starts as fast as before) whichever command trained it.
        if (first != null && COMMANDS.contains(first) && !Boolean.getBoolean("hstream-io.cli.all")) {
            cli.addSubcommand(command(first));
        } else {
            for (String name : COMMANDS) {
                cli.addSubcommand(command(name));
            }
            cli.addSubcommand(new CommandLine.HelpCommand());
        }
        // After the subcommands: picocli hands these settings only to the subcommands present when they are set.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + Errors.oneLine(e));
            return e instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
        return cli;
    }

    /** A new command object; each branch loads only its own class. */
    private static Object command(String name) {
        return switch (name) {
            case "demo" -> new DemoCommand();
            case "pipeline" -> new PipelineCommand();
            case "connectors" -> new ConnectorsCommand();
            case "load" -> new LoadCommand();
            case "sync" -> new SyncCommand();
            case "verify" -> new VerifyCommand();
            case "reset-sequences" -> new ResetSequencesCommand();
            case "connector" -> new ConnectorCommand();
            case "server" -> new ServerCommand();
            case "sql" -> new SqlCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }
}

package io.hstreamio.runtime.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hstream-io}: the command line. Exit codes: 0 done, 1 the job failed, 2 bad input (usage, options, data
 * directory). Errors are one line on stderr; logs go to stderr at the level of {@code --log-level}.
 *
 * <p>{@link #execute} builds picocli's model of only the subcommand that the first argument names: the model of all
 * of them (and the classes their fields name: JLine, gRPC, Debezium...) was ~40% of a {@code load}'s start-up. Help,
 * usage errors and unknown commands get the whole tree, as {@code new CommandLine(new HStreamIoCli())} does.
 */
@Command(
        name = HStreamIoCli.NAME,
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = HStreamIoCli.DESCRIPTION,
        subcommands = {DemoCommand.class, PipelineCommand.class, ConnectorsCommand.class, LoadCommand.class, SyncCommand.class,
                VerifyCommand.class, ResetSequencesCommand.class, ConnectorCommand.class, ServerCommand.class, SqlCommand.class,
                CommandLine.HelpCommand.class})
public final class HStreamIoCli {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    static final String NAME = "hstream-io";
    static final String DESCRIPTION = "HStream IO for Java: keeps databases in sync through streams.";

    /** The subcommands' names as in the annotation, but {@code help} (HStreamIoCliTest keeps the two in step). */
    static final List<String> COMMANDS = List.of("demo", "pipeline", "connectors", "load", "sync", "verify",
            "reset-sequences", "connector", "server", "sql");

    /** The same top command without subcommands, to which {@link #commandLine(String...)} adds the one that runs. */
    @Command(name = NAME, mixinStandardHelpOptions = true, versionProvider = Version.class, description = DESCRIPTION)
    static final class Top {}

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
        return withErrorHandling(new CommandLine(new HStreamIoCli()));
    }

    /** The command line for {@code args}: only the subcommand that {@code args[0]} names, or all of them. */
    static CommandLine commandLine(String... args) {
        String first = args.length > 0 ? args[0] : null;
        // bin/hstream-io sets the property in the run that writes the class-data archive, so that the archive holds
        // every command's classes (--help then starts as fast as before) whichever command trained it.
        if (first == null || !COMMANDS.contains(first) || Boolean.getBoolean("hstream-io.cli.all")) {
            return commandLine();
        }
        CommandLine cli = new CommandLine(new Top());
        cli.addSubcommand(command(first));
        return withErrorHandling(cli);
    }

    /** After the subcommands are added: picocli hands these settings only to the subcommands present then. */
    private static CommandLine withErrorHandling(CommandLine cli) {
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

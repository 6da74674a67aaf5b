package io.hstreamio.runtime.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the runtime runs the tasks of our own connectors (those not named in {@link Images}).
 *
 * @param connectorCommand empty: in this process ({@link InProcessTask}); else each task is a child process
 *                         ({@link ProcessTask}) started as this command followed by {@code KIND NAME run --config F},
 *                         i.e. {@code hstream-io connector}, reaching the runtime's store over the HStreamDB API the
 *                         runtime serves on loopback
 */
public record TaskMode(Optional<List<String>> connectorCommand) {
    public TaskMode {
        connectorCommand = connectorCommand.map(List::copyOf);
    }

    public static TaskMode inProcess() {
        return new TaskMode(Optional.empty());
    }

    /**
     * Child processes running {@code mainClass connector …} on this JVM's java and class path. The class path goes
     * into {@code argFile} (a java {@code @argfile}), so that a task's command line stays short enough for
     * {@code ps} and {@link ProcessHandle.Info} (which give up beyond 4 KiB) to show which connector it runs.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static TaskMode childProcesses(String mainClass, Path argFile) {
        return childProcesses(mainClass, argFile, DEFAULT_TASK_JVM_OPTIONS);
    }

    /**
     * A task JVM's options unless the server is told otherwise: a bounded heap, since every task is its own JVM and
     * the default (a quarter of the machine's memory each) lets a few tasks claim it all; and an exit on
     * OutOfMemoryError, so that the supervisor restarts the task from its offsets instead of it living on broken.
     */
    public static final List<String> DEFAULT_TASK_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");

    /** As {@link #childProcesses(String, Path)}, with these JVM options before the main class. */
    public static TaskMode childProcesses(String mainClass, Path argFile, List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path").replace("\\", "\\\\").replace("\"", "\\\"");
        try {
            Files.createDirectories(argFile.toAbsolutePath().getParent());
            Files.writeString(argFile, "-cp \"" + cp + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task JVM's argument file " + argFile + ": "
                    + e.getMessage() + "; check that its directory is writable", e);
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "@" + argFile.toAbsolutePath()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(mainClass, "connector"));
        return new TaskMode(Optional.of(cmd));
    }

    public boolean inProcessOnly() {
        return connectorCommand.isEmpty();
    }

    @Override
    public String toString() {
        return inProcessOnly() ? "in-process" : "process";
    }
}

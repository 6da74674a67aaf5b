package io.hstreamio.runtime.server;

import io.hstreamio.runtime.protocol.ConnectorKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which connectors run as child processes, HStream IO images speaking the protocol on stdin/stdout, and how.
 *
 * @param commands      {@code source/mysql} → the command that starts the image; {@code run --config FILE} is appended.
 *                      A single word {@value #CONTAINER_PREFIX}{@code IMAGE} runs the OCI image IMAGE the way
 *                      HStreamDB does: {@code CLI run --rm -i --network=NET --name IOTASK_<taskId>
 *                      -v <taskDir>:/data IMAGE run --config /data/config.json}
 * @param tasksDir      where each task gets its directory ({@code <taskId>/config.json}, {@code stderr.log})
 * @param serviceUrl    what the images get as {@code hstream.serviceUrl} (they reach streams themselves); none: omitted
 * @param reportTimeout a task that sends no Report for this long is killed and restarted (stock tasks report every 3 s)
 * @param containerCli  the container engine's command line for {@value #CONTAINER_PREFIX} images ({@code docker};
 *                      {@code podman} takes the same arguments)
 * @param tasksNetwork  the network containers join, as HStreamDB's {@code tasks-network} ({@code host} by default)
 */
public record Images(Map<String, List<String>> commands, Path tasksDir, Optional<String> serviceUrl,
        Duration reportTimeout, List<String> containerCli, String tasksNetwork) {
    public static final Duration DEFAULT_REPORT_TIMEOUT = Duration.ofSeconds(30);
    public static final String CONTAINER_PREFIX = "docker:";

    public static Images none(Path tasksDir) {
        return new Images(Map.of(), tasksDir, Optional.empty(), DEFAULT_REPORT_TIMEOUT);
    }

    public Images(Map<String, List<String>> commands, Path tasksDir, Optional<String> serviceUrl,
            Duration reportTimeout) {
        this(commands, tasksDir, serviceUrl, reportTimeout, List.of("docker"), "host");
    }

    public Images {
        commands = Map.copyOf(commands);
        containerCli = List.copyOf(containerCli);
    }

    /** The OCI image a command names ({@value #CONTAINER_PREFIX}{@code IMAGE}), if it names one. */
    static Optional<String> containerImage(List<String> command) {
        return command.size() == 1 && command.get(0).startsWith(CONTAINER_PREFIX)
                ? Optional.of(command.get(0).substring(CONTAINER_PREFIX.length())) : Optional.empty();
    }

    public boolean usesContainers() {
        return commands.values().stream().anyMatch(c -> containerImage(c).isPresent());
    }

    public static String key(ConnectorKind kind, String target) {
        return kind.label() + "/" + target;
    }

    Optional<List<String>> command(ConnectorKind kind, String target) {
        return Optional.ofNullable(commands.get(key(kind, target)));
    }
}

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
 * @param commands      {@code source/mysql} → the command that starts the image; {@code run --config FILE} is appended
 * @param tasksDir      where each task gets its directory ({@code <taskId>/config.json}, {@code stderr.log})
 * @param serviceUrl    what the images get as {@code hstream.serviceUrl} (they reach streams themselves); none: omitted
 * @param reportTimeout a task that sends no Report for this long is killed and restarted (stock tasks report every 3 s)
 */
public record Images(Map<String, List<String>> commands, Path tasksDir, Optional<String> serviceUrl,
        Duration reportTimeout) {
    public static final Duration DEFAULT_REPORT_TIMEOUT = Duration.ofSeconds(30);

    public static Images none(Path tasksDir) {
        return new Images(Map.of(), tasksDir, Optional.empty(), DEFAULT_REPORT_TIMEOUT);
    }

    public Images {
        commands = Map.copyOf(commands);
    }

    public static String key(ConnectorKind kind, String target) {
        return kind.label() + "/" + target;
    }

    Optional<List<String>> command(ConnectorKind kind, String target) {
        return Optional.ofNullable(commands.get(key(kind, target)));
    }
}

package io.hstreamio.runtime.server;

import io.hstreamio.runtime.protocol.ConnectorKind;
import java.time.Instant;
import java.util.Map;

/**
 * A connector as the catalog keeps it. {@code config} holds the options as given, secrets included, so that a task can
 * be started from it; it is never shown: views render it through {@code Options.masked()}.
 *
 * @param paused whether PAUSE asked it to stay stopped (survives restarts of the runtime)
 */
public record ConnectorRecord(String name, ConnectorKind kind, String target, String taskId, Map<String, Object> config,
        Instant createdAt, boolean paused) {
    public ConnectorRecord {
        config = Map.copyOf(config);
    }

    public ConnectorRecord withPaused(boolean p) {
        return new ConnectorRecord(name, kind, target, taskId, config, createdAt, p);
    }

    public ConnectorRecord withConfig(Map<String, Object> c) {
        return new ConnectorRecord(name, kind, target, taskId, c, createdAt, paused);
    }

    /** The masked form only: the record's config must never reach a log through toString. */
    @Override
    public String toString() {
        return kind.label() + " connector " + name + " (" + target + ", task " + taskId + ")";
    }
}

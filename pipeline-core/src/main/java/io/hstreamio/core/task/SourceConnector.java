package io.hstreamio.core.task;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;

/**
 * A kind of source (e.g. {@code mysql}, {@code generator}): its name, its options, and a factory of tasks. Found with
 * {@link java.util.ServiceLoader}; implementations need a public no-argument constructor.
 */
public interface SourceConnector {
    /** The name used in {@code CREATE SOURCE CONNECTOR ... FROM <name>}. */
    String name();

    /** The connector's own options; the toolkit adds its {@code stream} and {@code task.*} options. */
    OptionsDefinition options();

    SourceTask createTask();

    /** Whether the configuration can work (reachable server, privileges); the protocol's {@code check}. */
    default CheckResult check(Options options) {
        return CheckResult.ok();
    }

    /**
     * Releases what a task of this connector holds outside the runtime once the connector is dropped, such as a
     * PostgreSQL replication slot and publication, which would otherwise keep WAL on the server forever. Called once,
     * on the runtime's thread, after the task stopped. Default: nothing to release.
     *
     * @throws Exception when something could not be released; the message names it and how to remove it by hand
     */
    default void release(Options options, String taskId) throws Exception {}
}

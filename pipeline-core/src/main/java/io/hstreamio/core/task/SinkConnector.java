package io.hstreamio.core.task;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;

/**
 * A kind of sink (e.g. {@code postgresql}, {@code blackhole}): its name, its options, and a factory of tasks. Found
 * with {@link java.util.ServiceLoader}; implementations need a public no-argument constructor.
 */
public interface SinkConnector {
    /** The name used in {@code CREATE SINK CONNECTOR ... TO <name>}. */
    String name();

    /** The connector's own options; the toolkit adds its {@code stream} and {@code task.*} options. */
    OptionsDefinition options();

    SinkTask createTask();

    default CheckResult check(Options options) {
        return CheckResult.ok();
    }
}

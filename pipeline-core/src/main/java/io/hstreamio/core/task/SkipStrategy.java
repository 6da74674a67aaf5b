package io.hstreamio.core.task;

/** What a sink does with a record that fails for good (HStream IO's {@code task.error.skipStrategy}). */
public enum SkipStrategy {
    /** Skip every failing record (to {@code task.error.stream} when set). */
    SkipAll,
    /** Skip up to {@code task.error.skipCount} failing records, then stop the task. */
    SkipSome,
    /** Stop the task at the first failing record. The default: nothing is silently lost. */
    NeverSkip
}

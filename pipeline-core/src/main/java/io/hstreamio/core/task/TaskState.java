package io.hstreamio.core.task;

/**
 * A task's lifecycle, with HStream IO's names. Changed in one place per runner ({@code transition}).
 * NEW → RUNNING → (STOPPED | FAILED | COMPLETED); DELETED is the runtime's, once the connector is dropped.
 */
public enum TaskState {
    NEW,
    RUNNING,
    STOPPED,
    FAILED,
    COMPLETED,
    DELETED;

    public boolean isTerminal() {
        return this == STOPPED || this == FAILED || this == COMPLETED || this == DELETED;
    }
}

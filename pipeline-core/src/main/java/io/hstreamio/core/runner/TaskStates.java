package io.hstreamio.core.runner;

/** Where tasks keep their state in the store. */
public final class TaskStates {
    private TaskStates() {}

    /** The key/value namespace of a task. */
    public static String namespace(String taskId) {
        return "task/" + taskId;
    }
}

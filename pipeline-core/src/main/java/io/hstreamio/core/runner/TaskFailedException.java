package io.hstreamio.core.runner;

/** A task stopped for good; the message names the task, what failed and what to do. */
public class TaskFailedException extends RuntimeException {
    private final String taskId;

    public TaskFailedException(String taskId, String message, Throwable cause) {
        super("task " + taskId + ": " + message, cause);
        this.taskId = taskId;
    }

    public String taskId() {
        return taskId;
    }
}

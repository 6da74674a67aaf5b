package io.hstreamio.core.task;

/**
 * The answer of a connector's {@code check}: the HStream IO protocol prints it as
 * {@code {"result":bool,"type":...,"message":...,"detail":...}}.
 */
public record CheckResult(boolean result, String type, String message, Object detail) {
    public static CheckResult ok() {
        return new CheckResult(true, null, "ok", null);
    }

    public static CheckResult failed(String type, String message) {
        return new CheckResult(false, type, message, null);
    }
}

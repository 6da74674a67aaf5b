package io.hstreamio.runtime.cli;

/** Turns an exception into the one line a user reads. */
final class Errors {
    private Errors() {}

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
            if (e.getCause() != null) {
                m += ": " + oneLine(e.getCause());
            }
        }
        return m.replace('\n', ' ');
    }
}

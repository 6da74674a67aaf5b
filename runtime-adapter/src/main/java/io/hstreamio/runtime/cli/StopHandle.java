package io.hstreamio.runtime.cli;

/**
 * Asks a running job to stop cleanly (flush, commit), as a first SIGINT/SIGTERM does, without a signal: for callers in
 * this process, such as tests that run a command on a thread. A request made before the job started stops it as soon
 * as it starts. Any thread.
 */
final class StopHandle {
    private Runnable stop; // guarded by this
    private boolean requested; // guarded by this

    /** Called by the job once it can stop; runs {@code stop} at once when a request came first. */
    void bind(Runnable stop) {
        boolean now;
        synchronized (this) {
            this.stop = stop;
            now = requested;
        }
        if (now) {
            stop.run();
        }
    }

    /** Requests the stop; returns at once. */
    void request() {
        Runnable s;
        synchronized (this) {
            requested = true;
            s = stop;
        }
        if (s != null) {
            s.run();
        }
    }
}

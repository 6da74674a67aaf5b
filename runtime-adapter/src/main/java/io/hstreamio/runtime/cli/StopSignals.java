package io.hstreamio.runtime.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT/SIGTERM as a request to stop cleanly rather than a JVM shutdown: a shutdown hook cannot let the command
 * finish its summary and exit 0, since the JVM halts once the hooks return. The first signal runs {@code stop} on a
 * thread of its own; a second one exits at once (status 130).
 */
final class StopSignals {
    private record Installed(Signal signal, SignalHandler previous) {}

    private final List<Installed> installed = new ArrayList<>();

    private StopSignals() {}

    static StopSignals install(Runnable stop, PrintWriter out) {
        StopSignals s = new StopSignals();
        AtomicInteger received = new AtomicInteger();
        SignalHandler handler = signal -> {
            if (received.incrementAndGet() == 1) {
                out.println("stopping (flush, commit); signal again to end at once");
                out.flush();
                Thread t = new Thread(stop, "hstream-io-stop");
                t.setDaemon(true);
                t.start();
            } else {
                Runtime.getRuntime().halt(130);
            }
        };
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                s.installed.add(new Installed(signal, Signal.handle(signal, handler)));
            } catch (IllegalArgumentException unavailable) {
                // This platform or JVM (-Xrs) does not hand the signal over: the shutdown hook still stops the job.
            }
        }
        return s;
    }

    void restore() {
        for (Installed i : installed) {
            Signal.handle(i.signal(), i.previous());
        }
        installed.clear();
    }
}

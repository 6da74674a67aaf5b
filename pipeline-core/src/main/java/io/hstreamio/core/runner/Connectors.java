package io.hstreamio.core.runner;

import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SourceConnector;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connectors on the class path, found with {@link ServiceLoader}. */
public final class Connectors {
    private final Map<String, SourceConnector> sources = new TreeMap<>();
    private final Map<String, SinkConnector> sinks = new TreeMap<>();

    private Connectors() {}

    public static Connectors discover() {
        Connectors c = new Connectors();
        ServiceLoader.load(SourceConnector.class).forEach(s -> c.sources.put(s.name(), s));
        ServiceLoader.load(SinkConnector.class).forEach(s -> c.sinks.put(s.name(), s));
        return c;
    }

    public Map<String, SourceConnector> sources() {
        return Map.copyOf(sources);
    }

    public Map<String, SinkConnector> sinks() {
        return Map.copyOf(sinks);
    }

    public SourceConnector source(String name) {
        SourceConnector s = sources.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown source connector '" + name + "'; available: "
                    + String.join(", ", sources.keySet()));
        }
        return s;
    }

    public SinkConnector sink(String name) {
        SinkConnector s = sinks.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown sink connector '" + name + "'; available: "
                    + String.join(", ", sinks.keySet()));
        }
        return s;
    }
}

package io.hstreamio.runtime.protocol;

import java.util.Locale;

/** Whether a connector reads a database into a stream (source) or a stream into a database (sink). */
public enum ConnectorKind {
    SOURCE,
    SINK;

    /** {@code source} or {@code sink}, as the command line and HStream IO's {@code type} write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConnectorKind parse(String s) {
        for (ConnectorKind k : values()) {
            if (k.label().equalsIgnoreCase(s.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("connector kind must be 'source' or 'sink', got '" + s + "'");
    }
}

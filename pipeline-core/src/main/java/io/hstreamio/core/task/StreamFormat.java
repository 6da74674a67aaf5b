package io.hstreamio.core.task;

/** How a source writes row events to its stream; sinks read either. */
public enum StreamFormat {
    /** This project's compact binary encoding (RAW records): exact and smallest. */
    BINARY,
    /**
     * HStreamDB's stock envelope {@code {"key":{..},"value":{..}|null}} as JSON records, which HStreamDB's own sinks
     * consume; record attributes let this project's sinks restore the exact event.
     */
    JSON
}

package io.hstreamio.core.store;

/** Where a new subscription starts when it has no committed checkpoint yet (HStreamDB's SpecialOffset). */
public enum StartPosition {
    EARLIEST,
    LATEST
}

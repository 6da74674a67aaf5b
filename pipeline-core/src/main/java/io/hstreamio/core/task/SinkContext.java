package io.hstreamio.core.task;

/** A sink task's context. */
public interface SinkContext extends TaskContext {}

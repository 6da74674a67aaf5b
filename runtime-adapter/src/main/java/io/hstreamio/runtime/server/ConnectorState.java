package io.hstreamio.runtime.server;

/**
 * One connector as the runtime sees it at one moment: its catalog record, its task status, and whether its task runs
 * as an image (a child process), whose Reports carry fewer facts than an in-process task knows.
 */
record ConnectorState(ConnectorRecord connector, TaskStatus status, boolean image) {}

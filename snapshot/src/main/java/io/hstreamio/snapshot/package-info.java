/** Parallel, chunked, lock-free snapshot with watermark hand-off to CDC (issue 5). */
package io.hstreamio.snapshot;

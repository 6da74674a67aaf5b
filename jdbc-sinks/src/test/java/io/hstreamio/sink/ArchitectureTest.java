package io.hstreamio.sink;

import io.hstreamio.core.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module boundaries of pipeline-core's rules, applied to the sinks. */
class ArchitectureTest {
    @Test
    void keepsToItsBoundaries() {
        ArchitectureRules.checkAdapterModule("io.hstreamio.sink");
    }
}

package io.hstreamio.snapshot;

import io.hstreamio.core.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module boundaries of pipeline-core's rules, applied to the snapshot. */
class ArchitectureTest {
    @Test
    void keepsToItsBoundaries() {
        ArchitectureRules.checkAdapterModule("io.hstreamio.snapshot");
    }
}

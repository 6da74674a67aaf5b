package io.hstreamio.runtime;

import io.hstreamio.core.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module boundaries of pipeline-core's rules, applied to the runtime adapter. */
class ArchitectureTest {
    @Test
    void keepsToItsBoundaries() {
        ArchitectureRules.checkAdapterModule("io.hstreamio.runtime");
    }
}

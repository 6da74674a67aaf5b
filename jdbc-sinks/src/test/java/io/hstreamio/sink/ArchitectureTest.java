package io.hstreamio.sink;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.hstreamio.core.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module boundaries of pipeline-core's rules, applied to the sinks. */
class ArchitectureTest {
    private static final JavaClasses SINKS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hstreamio.sink");

    @Test
    void noDebeziumOrKafkaTypes() {
        ArchitectureRules.DEBEZIUM_STAYS_IN_CDC_SOURCES.check(SINKS);
    }

    @Test
    void noForeignInternals() {
        ArchitectureRules.noForeignInternals("io.hstreamio.sink").check(SINKS);
    }
}

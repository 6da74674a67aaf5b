package io.hstreamio.cdc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.hstreamio.core.architecture.ArchitectureRules;

@AnalyzeClasses(packages = "io.hstreamio", importOptions = ImportOption.DoNotIncludeTests.class)
class CdcArchitectureTest {
    @ArchTest
    static final ArchRule DEBEZIUM_STAYS_IN_CDC_SOURCES = ArchitectureRules.DEBEZIUM_STAYS_IN_CDC_SOURCES;

    @ArchTest
    static final ArchRule NO_FOREIGN_INTERNALS = ArchitectureRules.noForeignInternals("io.hstreamio.cdc");

    /** Debezium and Kafka Connect types are an implementation detail of the internal package. */
    @ArchTest
    static final ArchRule PUBLIC_API_IS_FREE_OF_DEBEZIUM = noClasses()
            .that().resideInAPackage("io.hstreamio.cdc")
            .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka..");
}

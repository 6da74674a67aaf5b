package io.hstreamio.core.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module boundaries, as rules every module's {@code ArchitectureTest} applies to its own classes (shipped to the
 * other modules in the pipeline-core test-jar).
 */
public final class ArchitectureRules {
    private ArchitectureRules() {}

    /** The core is the thin API everything builds on: no database drivers, no Debezium, no Kafka Connect. */
    public static final ArchRule CORE_IS_FREE_OF_ADAPTER_TYPES = noClasses()
            .that().resideInAPackage("io.hstreamio.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.debezium..", "org.apache.kafka..", "org.postgresql..", "org.mariadb..", "com.mysql..",
                    "com.zaxxer..")
            .because("pipeline-core is the API that sources, sinks and the runtime share");

    /** The core depends on no other module. */
    public static final ArchRule CORE_DEPENDS_ON_NO_MODULE = noClasses()
            .that().resideInAPackage("io.hstreamio.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.hstreamio.cdc..", "io.hstreamio.snapshot..", "io.hstreamio.sink..", "io.hstreamio.runtime..")
            .because("modules depend on pipeline-core, never the reverse");

    /** Debezium and Kafka Connect types stay inside cdc-sources. */
    public static final ArchRule DEBEZIUM_STAYS_IN_CDC_SOURCES = noClasses()
            .that().resideOutsideOfPackage("io.hstreamio.cdc..")
            .and().resideInAPackage("io.hstreamio..")
            .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka..")
            .because("the adapter of Debezium is cdc-sources' own business");

    /**
     * Checks a module other than pipeline-core and cdc-sources: no Debezium or Kafka Connect types, no other
     * module's internals. {@code root} is the module's root package.
     */
    public static void checkAdapterModule(String root) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
        DEBEZIUM_STAYS_IN_CDC_SOURCES.check(classes);
        noForeignInternals(root).check(classes);
    }

    /** A module's {@code internal} packages are its own: {@code ownRoot} is the module's root package. */
    public static ArchRule noForeignInternals(String ownRoot) {
        return noClasses()
                .that().resideInAPackage(ownRoot + "..")
                .should().dependOnClassesThat(resideInAPackage("io.hstreamio..internal..")
                        .and(not(resideInAPackage(ownRoot + ".."))))
                .allowEmptyShould(true)
                .because("internal packages are implementation details of their module");
    }
}

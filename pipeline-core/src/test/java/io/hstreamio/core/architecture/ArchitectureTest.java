package io.hstreamio.core.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hstreamio.core");

    @Test
    void coreIsFreeOfAdapterTypes() {
        ArchitectureRules.CORE_IS_FREE_OF_ADAPTER_TYPES.check(CORE);
    }

    @Test
    void coreDependsOnNoOtherModule() {
        ArchitectureRules.CORE_DEPENDS_ON_NO_MODULE.check(CORE);
    }

    @Test
    void coreUsesNoForeignInternals() {
        ArchitectureRules.noForeignInternals("io.hstreamio.core").check(CORE);
    }
}

package dev.winback;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the code base: the core (event format, policy, state, ingest) knows nothing of
 * AWS or of the adapters that talk to it, so it runs the same in Lambda, in the simulator and in tests.
 */
@AnalyzeClasses(packages = "dev.winback", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreDoesNotDependOnAws = noClasses()
            .that().resideInAPackage("dev.winback.core..")
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..")
            .because("the core must run without AWS (simulator, unit tests)");

    @ArchTest
    static final ArchRule coreDoesNotDependOnAdaptersOrHandlers = noClasses()
            .that().resideInAPackage("dev.winback.core..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.winback.adapters..", "dev.winback.handlers..")
            .because("adapters implement the core's ports, not the other way round");

    @ArchTest
    static final ArchRule adaptersDoNotDependOnHandlers = noClasses()
            .that().resideInAPackage("dev.winback.adapters..")
            .should().dependOnClassesThat().resideInAPackage("dev.winback.handlers..")
            .because("handlers wire adapters together; adapters stay reusable outside Lambda");

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Core").definedBy("dev.winback.core..")
            .layer("Adapters").definedBy("dev.winback.adapters..")
            .layer("Handlers").definedBy("dev.winback.handlers..")
            .whereLayer("Handlers").mayNotBeAccessedByAnyLayer()
            .whereLayer("Adapters").mayOnlyBeAccessedByLayers("Handlers")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Adapters", "Handlers");

    /** Guards against rules that pass vacuously: the importer must see the AWS dependencies that do exist. */
    @Test
    void theRulesWouldSeeAnAwsDependency() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("dev.winback");
        ArchRule handlersWithoutAws = noClasses().that().resideInAPackage("dev.winback.handlers..")
                .should().dependOnClassesThat().resideInAnyPackage("com.amazonaws..");
        ArchRule adaptersWithoutSdk = noClasses().that().resideInAPackage("dev.winback.adapters..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..");
        ArchRule handlersWithoutAdapters = noClasses().that().resideInAPackage("dev.winback.handlers..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.winback.adapters..");
        assertThrows(AssertionError.class, () -> handlersWithoutAws.check(classes));
        assertThrows(AssertionError.class, () -> adaptersWithoutSdk.check(classes));
        assertThrows(AssertionError.class, () -> handlersWithoutAdapters.check(classes));
    }
}

package io.github.krest.proxy.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the proxy module, checked on its compiled classes (ArchUnit): no package cycles, and the layers of
 * docs/architecture.md — a request flows HTTP → resources → core services → Kafka clients and the state store, and
 * nothing below imports anything above it.
 */
class PackageStructureTest {
    private static final String ROOT = "io.github.krest.proxy";
    private static final java.util.Set<String> KAFKA_CLIENTS = java.util.Set.of(
            "org.apache.kafka.clients.producer.KafkaProducer", "org.apache.kafka.clients.consumer.KafkaConsumer",
            "org.apache.kafka.clients.admin.KafkaAdminClient");
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theGroundDependsOnNothingOfKrest() {
        for (String ground : new String[] {"error", "json", "record"}) {
            noClasses().that().resideInAPackage(ROOT + "." + ground + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".config..", ROOT + ".core..",
                            ROOT + ".http..", ROOT + ".kafka..", ROOT + ".format..", ROOT + ".security..",
                            ROOT + ".caller..", ROOT + ".limit..", ROOT + ".observe..", ROOT + ".state..")
                    .check(classes);
        }
    }

    @Test
    void belowHttpThereAreNoHttpTypes() {
        noClasses().that().resideInAnyPackage(ROOT + ".core..", ROOT + ".kafka..", ROOT + ".format..",
                        ROOT + ".limit..", ROOT + ".config..", ROOT + ".error..", ROOT + ".record..", ROOT + ".json..")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon.webserver..", "io.helidon.http..",
                        ROOT + ".http..", ROOT + ".security..", ROOT + ".caller..",
                        // the trace context reaches the produce path as plain header values
                        "io.opentelemetry..")
                .check(classes);
    }

    @Test
    void onlyTheKafkaPackageCreatesKafkaClients() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".kafka..", ROOT + ".embedded..")
                .should().callConstructorWhere(DescribedPredicate.describe("a Kafka client's constructor",
                        call -> KAFKA_CLIENTS.contains(call.getTarget().getOwner().getName())))
                .check(classes);
    }
}

package io.github.krest.proxy.security;

import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code kafka.principal.propagation=SASL_SCRAM_SHA_256}: Basic credentials become SCRAM credentials (the SCRAM
 * passwords differ from the PLAIN ones, so a PLAIN login could not pass these tests).
 */
class SaslScramPropagationTest extends PrincipalPropagationContract {
    @BeforeAll
    static void start() {
        startReplicas("SASL_SCRAM_SHA_256", SecuredKafka::scramPassword);
    }
}

package io.github.krest.proxy.security;

import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.BeforeAll;

/** The worked example with {@code kafka.principal.propagation=SASL_SCRAM_SHA_256}. */
class SaslScramClusterIT extends SecuredClusterContract {
    @BeforeAll
    static void startCluster() {
        start("SaslScramClusterIT", "SASL_SCRAM_SHA_256", SecuredKafka::scramPassword);
    }
}

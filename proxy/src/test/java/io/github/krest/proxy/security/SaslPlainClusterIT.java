package io.github.krest.proxy.security;

import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.BeforeAll;

/** The worked example with {@code kafka.principal.propagation=SASL_PLAIN}. */
class SaslPlainClusterIT extends SecuredClusterContract {
    @BeforeAll
    static void startCluster() {
        start("SaslPlainClusterIT", "SASL_PLAIN", SecuredKafka::plainPassword);
    }
}

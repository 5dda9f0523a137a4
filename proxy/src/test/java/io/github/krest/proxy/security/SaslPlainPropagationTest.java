package io.github.krest.proxy.security;

import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.BeforeAll;

/** {@code kafka.principal.propagation=SASL_PLAIN}: Basic credentials become SASL PLAIN credentials. */
class SaslPlainPropagationTest extends PrincipalPropagationContract {
    @BeforeAll
    static void start() {
        startReplicas("SASL_PLAIN", SecuredKafka::plainPassword);
    }
}

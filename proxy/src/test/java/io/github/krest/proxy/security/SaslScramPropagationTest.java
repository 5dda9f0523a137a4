package io.github.krest.proxy.security;

import java.util.HashMap;
import java.util.Map;

import io.github.krest.proxy.KrestServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.krest.proxy.testing.SecuredKafka.ALICE;
import static io.github.krest.proxy.testing.SecuredKafka.BOB;
import static io.github.krest.proxy.testing.SecuredKafka.TOPIC_A;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code kafka.principal.propagation=SASL_SCRAM_SHA_256} (and, in one test, SHA-512): Basic credentials become
 * SCRAM credentials. The SCRAM passwords differ from the PLAIN ones, so a PLAIN login could not pass these tests.
 */
class SaslScramPropagationTest extends PrincipalPropagationContract {
    @BeforeAll
    static void start() {
        startReplicas("SASL_SCRAM_SHA_256", SecuredKafka::scramPassword);
    }

    @Test
    void scramSha512() {
        Map<String, String> props = new HashMap<>(krestConfig(SecuredKafka.bootstrapServers(), "SASL_SCRAM_SHA_512"));
        try (KrestServer server = KrestServer.start(new KrestConfig(props))) {
            KrestHttp http = new KrestHttp("http://127.0.0.1:" + server.port());
            KrestHttp.Response alice = http.post("/topics/" + TOPIC_A, BINARY, produceBody("512"),
                    basic(ALICE, SecuredKafka.scramPassword(ALICE)));
            assertEquals(200, alice.status(), alice.body());
            KrestHttp.Response bob = http.post("/topics/" + TOPIC_A, BINARY, produceBody("512"),
                    basic(BOB, SecuredKafka.scramPassword(BOB)));
            assertEquals(40301, bob.errorCode(), bob.body());
            KrestHttp.Response plainPassword = http.get("/topics", basic(ALICE, SecuredKafka.plainPassword(ALICE)));
            assertEquals(401, plainPassword.status(), plainPassword.body());
            assertEquals(40101, plainPassword.errorCode(), plainPassword.body());
        }
    }
}

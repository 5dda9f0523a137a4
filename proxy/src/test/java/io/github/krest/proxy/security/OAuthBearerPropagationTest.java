package io.github.krest.proxy.security;

import java.util.HashMap;
import java.util.Map;

import io.github.krest.proxy.KrestServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.krest.proxy.testing.SecuredKafka.ALICE;
import static io.github.krest.proxy.testing.SecuredKafka.AUDIENCE;
import static io.github.krest.proxy.testing.SecuredKafka.BOB;
import static io.github.krest.proxy.testing.SecuredKafka.TOPIC_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kafka.principal.propagation=OAUTHBEARER}: the caller's bearer token is the OAUTHBEARER token, validated by
 * the broker (Kafka's {@code OAuthBearerValidatorCallbackHandler} against the test's JWKS, {@link SecuredKafka}).
 */
class OAuthBearerPropagationTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String RECORD = "{\"records\":[{\"value\":\"aGk=\"}]}";
    private static KrestServer server;
    private static KrestHttp http;

    @BeforeAll
    static void start() {
        Map<String, String> props = new HashMap<>(PrincipalPropagationContract.krestConfig(
                SecuredKafka.bootstrapServers(), "OAUTHBEARER"));
        props.put(KrestConfig.BEARER_JWKS_ENDPOINT_URL, SecuredKafka.jwksUrl());
        props.put(KrestConfig.BEARER_EXPECTED_ISSUER, SecuredKafka.ISSUER);
        props.put(KrestConfig.BEARER_EXPECTED_AUDIENCE, SecuredKafka.AUDIENCE);
        server = KrestServer.start(new KrestConfig(props));
        http = new KrestHttp("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    @Test
    void validTokensActAsTheirSubject() {
        KrestHttp.Response alice = http.post("/topics/" + TOPIC_A, BINARY, RECORD,
                bearer(SecuredKafka.token(ALICE, AUDIENCE, 600)));
        assertEquals(200, alice.status(), alice.body());
        assertTrue(alice.json().get("offsets").get(0).get("error_code").isNull(), alice.body());

        KrestHttp.Response bob = http.post("/topics/" + TOPIC_A, BINARY, RECORD,
                bearer(SecuredKafka.token(BOB, AUDIENCE, 600)));
        assertEquals(403, bob.status(), bob.body());
        assertEquals(40301, bob.errorCode(), bob.body());
        KrestHttp.Response bobsTopics = http.get("/topics", bearer(SecuredKafka.token(BOB, AUDIENCE, 600)));
        assertEquals("[\"b\"]", bobsTopics.body());
    }

    @Test
    void tokensTheBrokerRejectsAnswer401() {
        String valid = SecuredKafka.token(ALICE, AUDIENCE, 600);
        String[] parts = valid.split("\\.", -1);
        char last = parts[2].charAt(parts[2].length() - 2);
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1);
        Map<String, String> rejected = Map.of(
                "expired", SecuredKafka.token(ALICE, AUDIENCE, -600),
                "wrong audience", SecuredKafka.token(ALICE, "not-kafka", 600),
                "tampered signature", tampered);
        rejected.forEach((name, token) -> {
            KrestHttp.Response r = http.get("/topics", bearer(token));
            assertEquals(401, r.status(), name + ": " + r.body());
            assertEquals(40101, r.errorCode(), name + ": " + r.body());
        });
        KrestHttp.Response basic = http.get("/topics", PrincipalPropagationContract.basic(ALICE,
                SecuredKafka.plainPassword(ALICE)));
        assertEquals(401, basic.status(), "Basic credentials under OAUTHBEARER: " + basic.body());
        assertEquals(40101, basic.errorCode());
    }
}

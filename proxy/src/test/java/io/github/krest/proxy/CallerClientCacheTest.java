package io.github.krest.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.SecuredKafka;
import org.junit.jupiter.api.Test;

import static io.github.krest.proxy.testing.SecuredKafka.ALICE;
import static io.github.krest.proxy.testing.SecuredKafka.BOB;
import static io.github.krest.proxy.testing.SecuredKafka.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-caller client cache of {@code kafka.principal.propagation} against the real SASL broker: one entry per
 * principal and credential, never one per request; an entry whose credentials Kafka refused is dropped at once; the
 * bound and the idle time evict.
 */
class CallerClientCacheTest {

    private static KrestServer start(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of(KrestConfig.BOOTSTRAP_SERVERS, SecuredKafka.bootstrapServers(),
                KrestConfig.LISTENERS, "http://127.0.0.1:0",
                "client.security.protocol", "SASL_PLAINTEXT",
                "client.sasl.mechanism", "PLAIN",
                "client.sasl.jaas.config", SecuredKafka.adminJaasConfig(),
                KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, "SASL_PLAIN",
                KrestConfig.AUTHENTICATION_METHOD, "BASIC"));
        props.putAll(extra);
        return KrestServer.start(new KrestConfig(props));
    }

    private static String[] basic(String user, String password) {
        return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8))};
    }

    private static void topics(KrestHttp http, String user, String password, int status) {
        KrestHttp.Response r = http.get("/topics", basic(user, password));
        assertEquals(status, r.status(), user + ": " + r.body());
    }

    @Test
    void oneEntryPerCallerAndRefusedCredentialsAreDroppedAtOnce() {
        try (KrestServer server = start(Map.of())) {
            KrestHttp http = new KrestHttp("http://127.0.0.1:" + server.port());
            for (int i = 0; i < 5; i++) {
                topics(http, ALICE, SecuredKafka.plainPassword(ALICE), 200);
            }
            assertEquals(1, server.kafkaSessions().size(), "one session for alice's five requests");
            for (int i = 0; i < 5; i++) {
                topics(http, ALICE, "wrong-" + i, 401);
                assertEquals(1, server.kafkaSessions().size(), "the refused session is gone at once");
            }
            topics(http, ALICE, SecuredKafka.plainPassword(ALICE), 200);
            topics(http, BOB, SecuredKafka.plainPassword(BOB), 200);
            assertEquals(2, server.kafkaSessions().size());
        }
    }

    @Test
    void theBoundAndTheIdleTimeEvict() throws InterruptedException {
        try (KrestServer server = start(Map.of(KrestConfig.KAFKA_PRINCIPAL_CACHE_MAX_SIZE, "2",
                KrestConfig.KAFKA_PRINCIPAL_CACHE_IDLE_MS, "1500"))) {
            KrestHttp http = new KrestHttp("http://127.0.0.1:" + server.port());
            for (String user : new String[] {ALICE, BOB, CAROL}) {
                topics(http, user, SecuredKafka.plainPassword(user), 200);
            }
            assertTrue(server.kafkaSessions().size() <= 2, "bounded: " + server.kafkaSessions().size());
            Thread.sleep(2_000);
            assertEquals(0, server.kafkaSessions().size(), "idle sessions are closed");
            topics(http, ALICE, SecuredKafka.plainPassword(ALICE), 200);
            assertEquals(1, server.kafkaSessions().size(), "and created again on demand");
        }
    }
}

package io.github.krest.proxy.http;

import io.github.krest.proxy.security.BasicAuthenticator;
import io.github.krest.proxy.security.CredentialVerifier;


import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.testing.KrestHttp;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The filter on a real Helidon server, with a {@link CredentialVerifier} of our own: a credential the verifier
 * refuses never reaches a route, and a 401 that a route answers later carries the challenge too.
 */
class AuthenticationFilterTest {
    private static final String CHALLENGE = "Basic realm=\"kafka-rest\", charset=\"UTF-8\"";
    private static final AtomicInteger handled = new AtomicInteger();
    private static WebServer server;
    private static KrestHttp http;

    @BeforeAll
    static void start() {
        CredentialVerifier kafka = caller -> {
            if (caller.principal().equals("mallory")) {
                throw new RestException(ErrorCode.AUTHENTICATION_FAILED,
                        "Authentication failed: Invalid username or password");
            }
            if (caller.principal().equals("offline")) {
                throw new RestException(ErrorCode.BROKER_NOT_AVAILABLE, "Kafka is not available.");
            }
        };
        AuthenticationFilter filter = new AuthenticationFilter(Optional.of(BasicAuthenticator.delegatingToKafka()),
                Optional.empty(), List.of(), "kafka-rest", Optional.empty()).verifyingWith(kafka);
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> {
            r.addFilter(filter);
            r.get("/ok", (req, res) -> {
                handled.incrementAndGet();
                res.send("ok");
            });
            r.get("/refused-later", (req, res) -> {
                throw new RestException(ErrorCode.AUTHENTICATION_FAILED, "Authentication failed: later");
            });
            HttpErrors.register(r);
        }).build().start();
        http = new KrestHttp("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static String[] basic(String user) {
        return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw")
                .getBytes(StandardCharsets.UTF_8))};
    }

    @Test
    void aCredentialTheVerifierRefusesNeverReachesTheRoute() {
        int before = handled.get();
        KrestHttp.Response refused = http.get("/ok", basic("mallory"));
        assertEquals(401, refused.status());
        assertEquals(40101, refused.errorCode());
        assertEquals(CHALLENGE, refused.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(before, handled.get(), "the route ran for a refused credential");
        assertEquals(200, http.get("/ok", basic("alice")).status());
        assertEquals(before + 1, handled.get());
    }

    @Test
    void aVerifierThatCannotAskKafkaAnswersItsOwnErrorAndNoRouteRuns() {
        int before = handled.get();
        KrestHttp.Response unavailable = http.get("/ok", basic("offline"));
        assertEquals(503, unavailable.status());
        assertEquals(50302, unavailable.errorCode());
        assertEquals(before, handled.get());
    }

    @Test
    void aLater401CarriesTheChallengeToo() {
        KrestHttp.Response later = http.get("/refused-later", basic("alice"));
        assertEquals(401, later.status());
        assertEquals(CHALLENGE, later.headers().firstValue("WWW-Authenticate").orElse(""));
    }
}

package io.github.krest.proxy.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS with Confluent's keys: preflights answered without authentication, headers on actual requests. */
class CorsTest {
    private static final String ORIGIN = "https://app.example";
    private static TestKrest krest;

    @BeforeAll
    static void start() throws IOException {
        Path passwords = Files.createTempFile("krest-passwords", ".txt");
        Files.writeString(passwords, PasswordFile.line("alice", "pw".toCharArray(), 4) + "\n",
                StandardCharsets.UTF_8);
        krest = TestKrest.start(Map.of(
                KrestConfig.AUTHENTICATION_METHOD, "BASIC",
                KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE, passwords.toString(),
                KrestConfig.ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN,
                KrestConfig.ACCESS_CONTROL_ALLOW_METHODS, "GET,POST,DELETE",
                KrestConfig.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type,Authorization",
                KrestConfig.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Request-Id"));
    }

    @AfterAll
    static void stop() {
        krest.close();
    }

    private static KrestHttp.Response preflight(String origin, String method) {
        return krest.http().send(HttpRequest.newBuilder(URI.create(krest.http().base() + "/v3/clusters"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "Origin", origin, "Access-Control-Request-Method", method,
                "Access-Control-Request-Headers", "Authorization");
    }

    @Test
    void preflightIsAnsweredWithoutCredentials() {
        KrestHttp.Response response = preflight(ORIGIN, "DELETE");
        assertEquals(200, response.status(), response.body());
        assertEquals(ORIGIN, response.headers().firstValue("access-control-allow-origin").orElse(""));
        String methods = String.join(",", response.headers().allValues("access-control-allow-methods"));
        assertTrue(methods.contains("DELETE"), response.headers().toString());
        assertTrue(response.headers().firstValue("access-control-allow-headers").orElse("")
                .toLowerCase(Locale.ROOT).contains("authorization"));
    }

    /**
     * Browsers write the request headers lowercased, sorted and joined by a bare comma (Fetch standard), which
     * Helidon alone does not split: a produce with a password from a page was refused (BrowserClientIT).
     */
    @Test
    void preflightForSeveralHeadersAsABrowserWritesThem() {
        for (String requested : List.of("authorization,content-type", "Authorization, Content-Type")) {
            KrestHttp.Response response = preflight("/consumers/g", "POST", requested);
            assertEquals(200, response.status(), requested + ": " + response.headers());
            assertEquals(ORIGIN, response.headers().firstValue("access-control-allow-origin").orElse(""));
            String allowed = String.join(",", response.headers().allValues("access-control-allow-headers"))
                    .toLowerCase(Locale.ROOT);
            assertTrue(allowed.contains("authorization") && allowed.contains("content-type"), allowed);
        }
        assertEquals(403, preflight("/consumers/g", "POST", "authorization,x-other").status(),
                "a header that is not allowed, in a browser's list");
    }

    private static KrestHttp.Response preflight(String path, String method, String requestHeaders) {
        return krest.http().send(HttpRequest.newBuilder(URI.create(krest.http().base() + path))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "Origin", ORIGIN, "Access-Control-Request-Method", method,
                "Access-Control-Request-Headers", requestHeaders);
    }

    @Test
    void otherOriginsAndMethodsAreRefused() {
        KrestHttp.Response origin = preflight("https://evil.example", "GET");
        assertTrue(origin.headers().firstValue("access-control-allow-origin").isEmpty(), origin.headers().toString());
        assertEquals(403, origin.status());
        KrestHttp.Response method = preflight(ORIGIN, "PUT");
        assertTrue(method.headers().firstValue("access-control-allow-origin").isEmpty());
    }

    @Test
    void actualRequestsGetTheHeadersAndStillNeedCredentials() {
        KrestHttp.Response ok = krest.http().get("/v3/clusters", "Origin", ORIGIN,
                "Authorization", BasicAuthenticationTest.basic("alice", "pw"));
        assertEquals(200, ok.status(), ok.body());
        assertEquals(ORIGIN, ok.headers().firstValue("access-control-allow-origin").orElse(""));
        assertTrue(String.join(",", ok.headers().allValues("access-control-expose-headers")).contains("X-Request-Id"),
                ok.headers().toString());
        KrestHttp.Response unauthorized = krest.http().get("/v3/clusters", "Origin", ORIGIN);
        assertEquals(401, unauthorized.status());
        // so that a browser application can read the 401
        assertEquals(ORIGIN, unauthorized.headers().firstValue("access-control-allow-origin").orElse(""));
    }

    @Test
    void corsIsOffWithoutAnOrigin() {
        try (TestKrest plain = TestKrest.start(Map.of())) {
            KrestHttp.Response response = plain.http().get("/v3/clusters", "Origin", ORIGIN);
            assertEquals(200, response.status());
            assertTrue(response.headers().firstValue("access-control-allow-origin").isEmpty());
        }
    }
}

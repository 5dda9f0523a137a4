package io.github.krest.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.security.PasswordFile;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * {@code observe.listeners}: health and metrics on listeners of their own, the API listeners without them, the same
 * authentication on both.
 */
class ObserveListenersTest {

    @Test
    void observeListenersServeHealthAndMetricsAndTheApiListenersTheApiAlone() {
        try (TestKrest krest = TestKrest.start(Map.of(KrestConfig.OBSERVE_LISTENERS,
                "http://127.0.0.1:0,http://127.0.0.1:0"))) {
            KrestHttp api = krest.http();
            assertEquals(200, api.get("/v3/clusters").status());
            for (int i = 0; i < 2; i++) {
                KrestHttp observe = new KrestHttp("http://127.0.0.1:" + krest.observePort(i));
                KrestHttp.Response ready = observe.get("/observe/health/ready");
                assertEquals(200, ready.status(), ready.body());
                assertEquals("UP", ready.json().path("status").asText(), ready.body());
                KrestHttp.Response metrics = observe.get("/observe/metrics");
                assertEquals(200, metrics.status());
                assertTrue(metrics.body().contains("krest_requests_total{resource=\"api.v3.clusters.list\""),
                        "the API listener's requests are counted: " + metrics.body().lines()
                                .filter(l -> l.startsWith("krest_requests_total")).toList());
                KrestHttp.Response notHere = observe.get("/v3/clusters");
                assertEquals(404, notHere.status(), notHere.body());
                assertEquals(404, notHere.errorCode(), notHere.body());
            }
            for (String path : new String[] {"/observe/health", "/observe/health/ready", "/observe/metrics"}) {
                KrestHttp.Response moved = api.get(path);
                assertEquals(404, moved.status(), path + ": " + moved.body());
                assertEquals(404, moved.errorCode(), moved.body());
            }
        }
    }

    @Test
    void observeListenersAuthenticateAsTheApiListenersDo() throws IOException {
        Path passwords = Files.createTempFile("krest-passwords", ".txt");
        Files.writeString(passwords, PasswordFile.line("ops", "ops-pw".toCharArray(), 4) + "\n");
        try (TestKrest krest = TestKrest.start(Map.of(KrestConfig.OBSERVE_LISTENERS, "http://127.0.0.1:0",
                KrestConfig.AUTHENTICATION_METHOD, "BASIC",
                KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE, passwords.toString()))) {
            KrestHttp observe = new KrestHttp("http://127.0.0.1:" + krest.observePort(0));
            // authentication.skip.paths keeps the health probes open by default
            assertEquals(200, observe.get("/observe/health/live").status());
            KrestHttp.Response refused = observe.get("/observe/metrics");
            assertEquals(401, refused.status(), refused.body());
            assertEquals(40101, refused.errorCode(), refused.body());
            String credentials = "Basic " + Base64.getEncoder()
                    .encodeToString("ops:ops-pw".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, observe.get("/observe/metrics", "Authorization", credentials).status());
        } finally {
            Files.deleteIfExists(passwords);
        }
    }

    @Test
    void aBadObserveListenerIsRefusedNamingTheKey() {
        Map<String, String> props = new HashMap<>(Map.of(KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                KrestConfig.OBSERVE_LISTENERS, "ftp://127.0.0.1:9090"));
        ConfigException e = assertThrows(ConfigException.class, () -> new KrestConfig(props));
        assertTrue(e.getMessage().contains(KrestConfig.OBSERVE_LISTENERS), e.getMessage());
        props.put(KrestConfig.OBSERVE_LISTENERS, "https://127.0.0.1:9090");
        ConfigException tls = assertThrows(ConfigException.class, () -> new KrestConfig(props));
        assertTrue(tls.getMessage().contains(KrestConfig.SSL_KEYSTORE_LOCATION), tls.getMessage());
    }
}

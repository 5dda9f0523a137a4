package io.github.krest.proxy.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.github.krest.proxy.KrestServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestCertificates;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** https:// listeners beside http://, key stores of each type, mutual TLS, HSTS and nosniff, bad TLS settings. */
class TlsListenersTest {
    private static TestCertificates certs;
    private static Path serverStore;
    private static Path aliceStore;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.create();
        serverStore = certs.issue("server", "CN=localhost,O=krest", true);
        aliceStore = certs.issue("alice", "CN=Alice,OU=eng,O=krest", false);
    }

    private static Map<String, String> tls(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put(KrestConfig.LISTENERS, "https://127.0.0.1:0,http://127.0.0.1:0");
        props.put(KrestConfig.SSL_KEYSTORE_LOCATION, serverStore.toString());
        props.put(KrestConfig.SSL_KEYSTORE_TYPE, "PKCS12");
        props.put(KrestConfig.SSL_KEYSTORE_PASSWORD, TestCertificates.PASSWORD);
        props.put(KrestConfig.SSL_KEY_PASSWORD, TestCertificates.PASSWORD);
        props.putAll(extra);
        return props;
    }

    private static KrestHttp https(TestKrest krest, Path clientStore) {
        return new KrestHttp("https://127.0.0.1:" + krest.port(0), client(certs.clientContext(clientStore)));
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void httpsAndHttpListenersSideBySideWithSecurityHeaders() {
        try (TestKrest krest = TestKrest.start(tls(Map.of(KrestConfig.HSTS_HEADER_ENABLE, "true",
                KrestConfig.NOSNIFF_PREVENTION_ENABLE, "true")))) {
            KrestHttp.Response secure = https(krest, null).get("/v3/clusters");
            assertEquals(200, secure.status(), secure.body());
            assertEquals(SecurityHeadersFilter.HSTS,
                    secure.headers().firstValue("strict-transport-security").orElse(""));
            assertEquals("nosniff", secure.headers().firstValue("x-content-type-options").orElse(""));

            KrestHttp plain = new KrestHttp("http://127.0.0.1:" + krest.port(1));
            KrestHttp.Response response = plain.get("/v3/clusters");
            assertEquals(200, response.status(), response.body());
            assertTrue(response.headers().firstValue("strict-transport-security").isEmpty(),
                    "no HSTS over plain HTTP");
            assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElse(""));
            // errors carry the headers too
            assertEquals("nosniff", plain.get("/nothing-here").headers().firstValue("x-content-type-options")
                    .orElse(""));
        }
    }

    @Test
    void headersAreOffByDefault() {
        try (TestKrest krest = TestKrest.start(tls(Map.of()))) {
            KrestHttp.Response secure = https(krest, null).get("/v3/clusters");
            assertEquals(200, secure.status(), secure.body());
            assertTrue(secure.headers().firstValue("strict-transport-security").isEmpty());
            assertTrue(secure.headers().firstValue("x-content-type-options").isEmpty());
        }
    }

    @Test
    void pemKeyStoreAndTrustStore() {
        try (TestKrest krest = TestKrest.start(tls(Map.of(
                KrestConfig.SSL_KEYSTORE_LOCATION, certs.pem(serverStore, "server").toString(),
                KrestConfig.SSL_KEYSTORE_TYPE, "PEM",
                KrestConfig.SSL_KEYSTORE_PASSWORD, "",
                KrestConfig.SSL_KEY_PASSWORD, "",
                KrestConfig.SSL_TRUSTSTORE_LOCATION, certs.caPem().toString(),
                KrestConfig.SSL_TRUSTSTORE_TYPE, "PEM",
                KrestConfig.SSL_CLIENT_AUTHENTICATION, "REQUIRED")))) {
            KrestHttp.Response response = https(krest, aliceStore).get("/v3/clusters");
            assertEquals(200, response.status(), response.body());
        }
    }

    @Test
    void requiredClientCertificateRefusesClientsWithoutOne() {
        try (TestKrest krest = TestKrest.start(tls(Map.of(
                KrestConfig.SSL_TRUSTSTORE_LOCATION, certs.trustStore().toString(),
                KrestConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                KrestConfig.SSL_TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD,
                KrestConfig.SSL_CLIENT_AUTHENTICATION, "REQUIRED")))) {
            assertThrows(UncheckedIOException.class, () -> https(krest, null).get("/v3/clusters"));
            assertEquals(200, https(krest, aliceStore).get("/v3/clusters").status());
            // a certificate from another CA is refused too
            TestCertificates other = TestCertificates.create();
            Path mallory = other.issue("mallory", "CN=mallory", false);
            HttpClient foreign = client(withTrust(mallory));
            assertThrows(IOException.class, () -> foreign.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + krest.port(0) + "/v3/clusters")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void anHttpsListenerAfterAnHttpOneKeepsItsTlsSettings() {
        // each listener picks its own socket kind: Helidon 4.4.0's plain (non-NIO) TLS socket, which the first
        // listener's http:// once chose for all, ignores the enabled protocols and client authentication
        Map<String, String> props = tls(Map.of(
                KrestConfig.SSL_TRUSTSTORE_LOCATION, certs.trustStore().toString(),
                KrestConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                KrestConfig.SSL_TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD,
                KrestConfig.SSL_CLIENT_AUTHENTICATION, "REQUIRED",
                KrestConfig.SSL_ENABLED_PROTOCOLS, "TLSv1.3"));
        props.put(KrestConfig.LISTENERS, "http://127.0.0.1:0,https://127.0.0.1:0");
        try (TestKrest krest = TestKrest.start(props)) {
            URI secure = URI.create("https://127.0.0.1:" + krest.port(1) + "/v3/clusters");
            assertThrows(IOException.class, () -> client(certs.clientContext(null)).send(
                    HttpRequest.newBuilder(secure).build(), HttpResponse.BodyHandlers.ofString()),
                    "a client without a certificate is refused");
            SSLParameters tls12 = new SSLParameters();
            tls12.setProtocols(new String[] {"TLSv1.2"});
            HttpClient old = HttpClient.newBuilder().sslContext(certs.clientContext(aliceStore))
                    .sslParameters(tls12).build();
            assertThrows(IOException.class, () -> old.send(HttpRequest.newBuilder(secure).build(),
                    HttpResponse.BodyHandlers.ofString()), "a TLSv1.2 client is refused");
            KrestHttp alice = new KrestHttp("https://127.0.0.1:" + krest.port(1),
                    client(certs.clientContext(aliceStore)));
            assertEquals(200, alice.get("/v3/clusters").status());
            assertEquals(200, new KrestHttp("http://127.0.0.1:" + krest.port(0)).get("/v3/clusters").status());
        }
    }

    /** A client presenting {@code clientStore} (of another CA) but trusting krest's CA. */
    private static SSLContext withTrust(Path clientStore) {
        try {
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (var in = java.nio.file.Files.newInputStream(clientStore)) {
                ks.load(in, TestCertificates.PASSWORD.toCharArray());
            }
            kmf.init(ks, TestCertificates.PASSWORD.toCharArray());
            SSLContext trusting = certs.clientContext(null);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
            try (var in = java.nio.file.Files.newInputStream(certs.trustStore())) {
                ts.load(in, TestCertificates.PASSWORD.toCharArray());
            }
            tmf.init(ts);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return trusting == null ? null : context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void requestedClientCertificateNamesThePrincipalWithMappingRules() {
        TestKafka.createTopic("tls-principal", 1);
        try (TestKrest krest = TestKrest.start(tls(Map.of(
                KrestConfig.SSL_TRUSTSTORE_LOCATION, certs.trustStore().toString(),
                KrestConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                KrestConfig.SSL_TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD,
                KrestConfig.SSL_CLIENT_AUTHENTICATION, "REQUESTED",
                KrestConfig.SSL_PRINCIPAL_MAPPING_RULES, "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT")))) {
            KrestHttp alice = https(krest, aliceStore);
            KrestHttp anonymous = https(krest, null);
            V2ConsumerClient alices = new V2ConsumerClient(alice);
            Instance instance = alices.created("tls-group", "{\"name\":\"c1\",\"format\":\"binary\"}");
            assertEquals(204, alices.subscribe(instance, "tls-principal").status());
            assertEquals(200, alices.subscription(instance).status());
            // the instance belongs to principal "alice": a client without a certificate (anonymous) cannot see it
            KrestHttp.Response other = new V2ConsumerClient(anonymous).subscription(instance);
            assertEquals(404, other.status(), other.body());
            assertEquals(40403, other.errorCode());
            assertEquals(200, anonymous.get("/v3/clusters").status(), "REQUESTED lets clients without one in");
        }
    }

    @Test
    void requestedClientCertificateWithBasicStillNeedsThePassword() throws IOException {
        Path passwords = java.nio.file.Files.createTempFile("krest-passwords", ".txt");
        java.nio.file.Files.writeString(passwords, PasswordFile.line("alice", "pw".toCharArray(), 4) + "\n");
        try (TestKrest krest = TestKrest.start(tls(Map.of(
                KrestConfig.SSL_TRUSTSTORE_LOCATION, certs.trustStore().toString(),
                KrestConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                KrestConfig.SSL_TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD,
                KrestConfig.SSL_CLIENT_AUTHENTICATION, "REQUESTED",
                KrestConfig.AUTHENTICATION_METHOD, "BASIC",
                KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE, passwords.toString())))) {
            for (Path client : new Path[] {null, aliceStore}) {
                KrestHttp.Response response = https(krest, client).get("/v3/clusters");
                assertEquals(401, response.status(), response.body());
                assertEquals(40101, response.errorCode());
                assertEquals(200, https(krest, client).get("/v3/clusters", "Authorization",
                        BasicAuthenticationTest.basic("alice", "pw")).status());
            }
        }
    }

    @Test
    void aCertificateNoRuleMapsIsRefused() {
        try (TestKrest krest = TestKrest.start(tls(Map.of(
                KrestConfig.SSL_TRUSTSTORE_LOCATION, certs.trustStore().toString(),
                KrestConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                KrestConfig.SSL_TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD,
                KrestConfig.SSL_CLIENT_AUTHENTICATION, "REQUESTED",
                KrestConfig.SSL_PRINCIPAL_MAPPING_RULES, "RULE:^CN=([^,]+),OU=ops,.*$/$1/")))) {
            KrestHttp.Response response = https(krest, aliceStore).get("/v3/clusters");
            assertEquals(401, response.status(), response.body());
            assertEquals(40101, response.errorCode());
            assertEquals(200, https(krest, null).get("/v3/clusters").status());
        }
    }

    @Test
    void principalMappingUsesKafkaRules() {
        CertificatePrincipals rules = new CertificatePrincipals("RULE:^CN=([^,]+),OU=([^,]+),.*$/$1@$2/L,DEFAULT");
        assertEquals("alice@eng", rules.principal("CN=Alice,OU=Eng,O=krest"));
        assertEquals("CN=svc,O=krest", rules.principal("CN=svc,O=krest"));
    }

    @Test
    void onlyTls12AndNewerAreAccepted() {
        ConfigException old = assertThrows(ConfigException.class, () -> new KrestConfig(tls(Map.of(
                KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", KrestConfig.SSL_ENABLED_PROTOCOLS, "TLSv1.1"))));
        assertTrue(old.getMessage().contains(KrestConfig.SSL_ENABLED_PROTOCOLS), old.getMessage());
        try (TestKrest krest = TestKrest.start(tls(Map.of(KrestConfig.SSL_ENABLED_PROTOCOLS, "TLSv1.3")))) {
            SSLParameters tls12 = new SSLParameters();
            tls12.setProtocols(new String[] {"TLSv1.2"});
            HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext(null))
                    .sslParameters(tls12).build();
            assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + krest.port(0) + "/v3/clusters")).build(),
                    HttpResponse.BodyHandlers.ofString()), "a TLSv1.2 client is refused by a TLSv1.3-only listener");
            assertEquals(200, https(krest, null).get("/v3/clusters").status());
        }
    }

    @Test
    void badKeyStoreFailsStartWithAClearMessageWithoutThePassword() {
        Map<String, String> props = tls(Map.of(KrestConfig.SSL_KEYSTORE_PASSWORD, "wrong-secret-42",
                KrestConfig.SSL_KEY_PASSWORD, "wrong-secret-42"));
        props.put(KrestConfig.BOOTSTRAP_SERVERS, TestKafka.bootstrapServers());
        ConfigException e = assertThrows(ConfigException.class, () -> KrestServer.start(new KrestConfig(props)));
        assertTrue(e.getMessage().contains(KrestConfig.SSL_KEYSTORE_LOCATION), e.getMessage());
        assertTrue(e.getMessage().contains(serverStore.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret-42"), e.getMessage());

        Map<String, String> missing = tls(Map.of(KrestConfig.SSL_KEYSTORE_LOCATION, "/no/such/keystore.p12"));
        missing.put(KrestConfig.BOOTSTRAP_SERVERS, TestKafka.bootstrapServers());
        ConfigException m = assertThrows(ConfigException.class, () -> KrestServer.start(new KrestConfig(missing)));
        assertTrue(m.getMessage().contains("/no/such/keystore.p12"), m.getMessage());

        Map<String, String> none = tls(Map.of());
        none.remove(KrestConfig.SSL_KEYSTORE_LOCATION);
        none.put(KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        ConfigException n = assertThrows(ConfigException.class, () -> new KrestConfig(none));
        assertTrue(n.getMessage().contains("https://"), n.getMessage());
    }

    @Test
    void ownPortMeansItsListener() {
        try (TestKrest krest = TestKrest.start(tls(Map.of()))) {
            assertFalse(krest.port(0) == krest.port(1));
        }
    }
}

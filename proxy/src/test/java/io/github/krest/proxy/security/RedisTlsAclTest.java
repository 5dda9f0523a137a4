package io.github.krest.proxy.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.state.StateStores;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestCertificates;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.StateStoreException;
import io.github.krest.testing.FreePorts;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state store over {@code rediss://} with {@code redis.ssl.truststore.*} and a Redis ACL user, against a real
 * {@code redis-server} (Debian's build has TLS) with a certificate made in the test and the default user off.
 */
class RedisTlsAclTest {
    private static final String PASSWORD = "krest-acl-pw";
    private static TestCertificates certs;
    private static Process redis;
    private static int tlsPort;
    private static int plainPort;

    @BeforeAll
    static void startRedis() throws Exception {
        certs = TestCertificates.create();
        Path keyAndChain = certs.pem(certs.issue("redis", "CN=localhost,O=krest", true), "redis");
        Path dir = Files.createTempDirectory("krest-redis-tls");
        tlsPort = FreePorts.next();
        plainPort = FreePorts.next();
        Path conf = dir.resolve("redis.conf");
        Files.writeString(conf, String.join("\n",
                "port " + plainPort, "tls-port " + tlsPort, "bind 127.0.0.1",
                "tls-cert-file " + keyAndChain, "tls-key-file " + keyAndChain,
                "tls-ca-cert-file " + certs.caPem(), "tls-auth-clients no",
                "save \"\"", "appendonly no", "dir " + dir,
                "user krest on >" + PASSWORD + " ~* &* +@all", "user default off", ""));
        redis = new ProcessBuilder("redis-server", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.readString(dir.resolve("redis.log")).contains("Ready to accept connections")) {
            if (!redis.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("redis-server did not start: "
                        + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> store(String url, boolean trust) {
        Map<String, String> props = new HashMap<>();
        props.put(KrestConfig.CONSUMER_STATE_STORE, "redis");
        props.put(KrestConfig.REDIS_URL, url);
        if (trust) {
            props.put(KrestConfig.REDIS_SSL_TRUSTSTORE_LOCATION, certs.caPem().toString());
            props.put(KrestConfig.REDIS_SSL_TRUSTSTORE_TYPE, "PEM");
        }
        return props;
    }

    @Test
    void tlsWithTrustStoreAndAclUser() {
        try (ConsumerStateStore store = StateStores.create(new KrestConfig(store(
                "rediss://krest:" + PASSWORD + "@127.0.0.1:" + tlsPort, true)))) {
            store.ping();
        }
        // PKCS12 trust store too
        Map<String, String> pkcs12 = store("rediss://krest:" + PASSWORD + "@127.0.0.1:" + tlsPort, false);
        pkcs12.put(KrestConfig.REDIS_SSL_TRUSTSTORE_LOCATION, certs.trustStore().toString());
        pkcs12.put(KrestConfig.REDIS_SSL_TRUSTSTORE_TYPE, "PKCS12");
        pkcs12.put(KrestConfig.REDIS_SSL_TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD);
        try (ConsumerStateStore store = StateStores.create(new KrestConfig(pkcs12))) {
            store.ping();
        }
    }

    @Test
    void plainConnectionWithAclUser() {
        try (ConsumerStateStore store = StateStores.create(new KrestConfig(store(
                "redis://krest:" + PASSWORD + "@127.0.0.1:" + plainPort, false)))) {
            store.ping();
        }
    }

    @Test
    void wrongPasswordUntrustedServerOrNoUserFailWithoutShowingThePassword() {
        for (Map<String, String> props : java.util.List.of(
                store("rediss://krest:not-the-pw-123@127.0.0.1:" + tlsPort, true),
                store("rediss://krest:" + PASSWORD + "@127.0.0.1:" + tlsPort, false),
                store("redis://127.0.0.1:" + plainPort, false))) {
            try (ConsumerStateStore store = StateStores.create(new KrestConfig(props))) {
                StateStoreException e = assertThrows(StateStoreException.class, store::ping, props.toString());
                String text = messages(e);
                assertFalse(text.contains("not-the-pw-123") || text.contains(PASSWORD), text);
            }
        }
    }

    @Test
    void malformedUrlErrorsDoNotQuoteThePassword() {
        // refused when the configuration is read, before any store is created
        ConfigException e = assertThrows(ConfigException.class, () -> new KrestConfig(store("redis://krest:" + PASSWORD + "@127.0.0.1:6379/ bad path", false)));
        assertTrue(e.getMessage().contains(KrestConfig.REDIS_URL), e.getMessage());
        assertFalse(messages(e).contains(PASSWORD), messages(e));
    }

    /** @return every message of {@code t} and its causes, one per line, to check none shows a password */
    static String messages(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            text.append(c).append('\n');
        }
        return text.toString();
    }

    @Test
    void consumerCreatedByAliceIsStoredAsAlices() throws IOException {
        Path passwords = Files.createTempFile("krest-passwords", ".txt");
        Files.writeString(passwords, PasswordFile.line("alice", "alice-pw".toCharArray(), 4) + "\n",
                StandardCharsets.UTF_8);
        Map<String, String> props = store("rediss://krest:" + PASSWORD + "@127.0.0.1:" + tlsPort, true);
        props.put(KrestConfig.AUTHENTICATION_METHOD, "BASIC");
        props.put(KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE, passwords.toString());
        try (TestKrest krest = TestKrest.start(props);
             ConsumerStateStore store = StateStores.create(new KrestConfig(props))) {
            KrestHttp.Response created = krest.http().post("/consumers/redis-tls-group",
                    "application/vnd.kafka.v2+json", "{\"name\":\"c1\",\"format\":\"json\"}",
                    "Authorization", BasicAuthenticationTest.basic("alice", "alice-pw"));
            assertEquals(200, created.status(), created.body());
            ConsumerInstance instance = store.instance("redis-tls-group", "c1", System.currentTimeMillis())
                    .orElseThrow();
            assertEquals("alice", instance.principal());
            assertTrue(created.json().get("base_uri").asText().endsWith("/consumers/redis-tls-group/instances/c1"));
        }
    }
}

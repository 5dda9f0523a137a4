package io.github.krest.proxy.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestCertificates;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configured secrets never reach the logs (krest's, Kafka clients' and Helidon's) or error messages. */
class SecretsTest {
    private static final List<String> SECRETS = List.of("jaas-secret-1", "registry-secret-2",
            "bearer-secret-3-0123456789abcdef0123456789", "producer-jaas-secret-4");

    /**
     * Every log record of every logger, formatted with its parameters and stack trace. Loggers with a level of their
     * own are opened too: once anything in the test JVM has had Helidon read krest's logging.properties (a bare
     * Helidon server in another test does), Kafka's loggers are at WARNING and would hide the configuration lines.
     */
    private static final class Everything extends Handler implements AutoCloseable {
        private final List<String> records = new CopyOnWriteArrayList<>();
        private final java.util.Map<Logger, Level> previous = new java.util.HashMap<>();

        Everything() {
            setLevel(Level.ALL);
            List<String> names = new java.util.ArrayList<>(List.of("org.apache.kafka", "kafka"));
            names.addAll(java.util.Collections.list(java.util.logging.LogManager.getLogManager().getLoggerNames()));
            for (String name : names) {
                Logger logger = Logger.getLogger(name);
                if (logger.getLevel() != null) {
                    previous.putIfAbsent(logger, logger.getLevel());
                    logger.setLevel(Level.ALL);
                }
            }
            Logger root = Logger.getLogger("");
            previous.putIfAbsent(root, root.getLevel());
            root.setLevel(Level.ALL);
            root.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    text.append(' ').append(p);
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append(' ').append(t);
            }
            records.add(text.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
            previous.forEach(Logger::setLevel);
        }
    }

    @Test
    void secretsAreNotInTheStartUpLogOrRequestLog() {
        TestCertificates certs = TestCertificates.create();
        Path keyStore = certs.issue("server", "CN=localhost", true);
        try (Everything log = new Everything()) {
            try (TestKrest krest = TestKrest.start(Map.of(
                    KrestConfig.LISTENERS, "http://127.0.0.1:0,https://127.0.0.1:0",
                    KrestConfig.SSL_KEYSTORE_LOCATION, keyStore.toString(),
                    KrestConfig.SSL_KEYSTORE_TYPE, "PKCS12",
                    KrestConfig.SSL_KEYSTORE_PASSWORD, TestCertificates.PASSWORD,
                    "client.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "username=\"krest\" password=\"jaas-secret-1\";",
                    "producer.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                            + "required username=\"p\" password=\"producer-jaas-secret-4\";",
                    KrestConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1",
                    KrestConfig.SCHEMA_REGISTRY_USER_INFO, "registry:registry-secret-2",
                    KrestConfig.AUTHENTICATION_METHOD, "BEARER",
                    KrestConfig.BEARER_SECRET, SECRETS.get(2)))) {
                KrestHttp.Response response = krest.http().get("/v3/clusters", "Authorization", "Bearer x.y.z");
                assertEquals(401, response.status());
                // a produce that needs the registry, to get its client going
                krest.http().get("/topics");
            }
            assertTrue(log.records.stream().anyMatch(r -> r.contains("sasl.jaas.config")),
                    "the Kafka clients log their configuration (so this test can fail)");
            String all = String.join("\n", log.records);
            for (String secret : SECRETS) {
                assertFalse(all.contains(secret), "a secret is in the log: " + secret);
            }
            assertFalse(all.contains(TestCertificates.PASSWORD), "the key store password is in the log");
        }
    }

    @Test
    void invalidSecretValuesAreNotQuotedInConfigErrors() {
        ConfigException short1 = assertThrows(ConfigException.class, () -> BearerAuthenticator.of(new KrestConfig(
                Map.of(KrestConfig.AUTHENTICATION_METHOD, "BEARER", KrestConfig.BEARER_SECRET, "short-secret-9"))));
        assertFalse(short1.getMessage().contains("short-secret-9"), short1.getMessage());
        assertTrue(short1.getMessage().contains(KrestConfig.BEARER_SECRET));
    }
}

package io.github.krest.proxy.format.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code schema.registry.ssl.*}: an https registry whose certificate is trusted only through the trust store. */
class SchemaRegistryTlsTest {
    @TempDir
    Path dir;

    @Test
    void trustStoreLetsTheClientReachAnHttpsRegistry() throws Exception {
        Path store = dir.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed");

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, "changeit".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/", exchange -> {
            byte[] body = "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            KrestConfig config = new KrestConfig(Map.of(
                    KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION, store.toString(),
                    KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD, "changeit",
                    KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE, "PKCS12"));
            HttpSchemaRegistryClient trusting = new HttpSchemaRegistryClient(url, Optional.empty(),
                    Duration.ofSeconds(5), SchemaRegistryTls.context(config));
            assertEquals(new RegisteredSchema(1, "AVRO", "\"string\""), trusting.byId(1));

            HttpSchemaRegistryClient untrusting = new HttpSchemaRegistryClient(url, Optional.empty(),
                    Duration.ofSeconds(5));
            SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> untrusting.byId(1));
            assertEquals(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, e.errorCode());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void noStoresMeansTheDefaultTrustAndABadStoreStopsStartUp() {
        assertTrue(SchemaRegistryTls.context(new KrestConfig(Map.of())).isEmpty());
        ConfigException e = assertThrows(ConfigException.class, () -> SchemaRegistryTls.context(new KrestConfig(
                Map.of(KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION, dir.resolve("missing.jks").toString()))));
        assertTrue(e.getMessage().contains(KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION), e.getMessage());
    }
}

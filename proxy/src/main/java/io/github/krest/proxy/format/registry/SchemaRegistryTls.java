package io.github.krest.proxy.format.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.github.krest.proxy.config.KrestConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS context of an https:// Schema Registry from {@code schema.registry.ssl.*} (trust store, and a key store
 * for mutual TLS), as Confluent's registry client reads them.
 */
public final class SchemaRegistryTls {
    private SchemaRegistryTls() {
    }

    /**
     * @param config krest configuration
     * @return the context, empty when neither store is configured (the JVM's default trust)
     * @throws ConfigException a store that cannot be read, naming its key
     */
    public static Optional<SSLContext> context(KrestConfig config) {
        String trustLocation = config.getString(KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION).trim();
        String keyLocation = config.getString(KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION).trim();
        if (trustLocation.isEmpty() && keyLocation.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManager[] trust = null;
            if (!trustLocation.isEmpty()) {
                KeyStore store = load(KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION, trustLocation,
                        config.getString(KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE),
                        password(config, KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD));
                TrustManagerFactory factory = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (!keyLocation.isEmpty()) {
                char[] storePassword = password(config, KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD);
                KeyStore store = load(KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION, keyLocation,
                        config.getString(KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE), storePassword);
                char[] keyPassword = password(config, KrestConfig.SCHEMA_REGISTRY_SSL_KEY_PASSWORD);
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, keyPassword != null ? keyPassword : storePassword);
                keys = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("schema.registry.ssl.*", null, "cannot set up TLS: " + e.getMessage());
        }
    }

    private static char[] password(KrestConfig config, String key) {
        Password p = config.getPassword(key);
        return p == null ? null : p.value().toCharArray();
    }

    private static KeyStore load(String key, String location, String type, char[] password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, location, "cannot read the " + type + " store: " + e.getMessage());
        }
    }
}

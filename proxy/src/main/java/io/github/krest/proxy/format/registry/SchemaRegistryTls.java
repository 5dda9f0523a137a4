package io.github.krest.proxy.format.registry;

import java.util.Optional;

import javax.net.ssl.SSLContext;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.config.SslContexts;
import org.apache.kafka.common.config.ConfigException;

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
        Optional<SslContexts.StoreFile> trust = store(config, KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION,
                KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE, KrestConfig.SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD);
        Optional<SslContexts.StoreFile> keys = store(config, KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION,
                KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE, KrestConfig.SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD);
        if (trust.isEmpty() && keys.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SslContexts.client(trust, keys,
                config.getPassword(KrestConfig.SCHEMA_REGISTRY_SSL_KEY_PASSWORD)));
    }

    private static Optional<SslContexts.StoreFile> store(KrestConfig config, String locationKey, String typeKey,
                                                         String passwordKey) {
        String location = config.getString(locationKey).trim();
        return location.isEmpty() ? Optional.empty() : Optional.of(new SslContexts.StoreFile(locationKey, location,
                config.getString(typeKey), config.getPassword(passwordKey)));
    }
}

package io.github.krest.proxy.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * TLS contexts from krest's {@code ssl.*} keys, loaded the way Kafka loads its own: key and trust stores of type JKS,
 * PKCS12 or PEM through Kafka's {@link DefaultSslEngineFactory}, so a file that works for a Kafka client works here.
 *
 * <p>A store that cannot be read (missing file, wrong password, bad PEM) throws {@link ConfigException} naming the
 * key and the file, never a password, which stops start-up.
 */
public final class SslContexts {
    private SslContexts() {
    }

    /**
     * The context of krest's {@code https://} listeners: {@code ssl.keystore.*}, {@code ssl.truststore.*} and
     * {@code ssl.protocol}. The listener's protocols, ciphers and client authentication are the HTTP side's
     * ({@code security.ServerTls}).
     *
     * @param config krest configuration with {@code ssl.keystore.location} set
     * @return the context
     * @throws ConfigException when a store cannot be loaded
     */
    public static SSLContext server(KrestConfig config) {
        Map<String, Object> ssl = new HashMap<>();
        putKeyStore(ssl, new StoreFile(KrestConfig.SSL_KEYSTORE_LOCATION,
                config.getString(KrestConfig.SSL_KEYSTORE_LOCATION), config.getString(KrestConfig.SSL_KEYSTORE_TYPE),
                config.getPassword(KrestConfig.SSL_KEYSTORE_PASSWORD)),
                config.getPassword(KrestConfig.SSL_KEY_PASSWORD));
        putTrustStore(ssl, config.getString(KrestConfig.SSL_TRUSTSTORE_LOCATION),
                config.getString(KrestConfig.SSL_TRUSTSTORE_TYPE),
                config.getPassword(KrestConfig.SSL_TRUSTSTORE_PASSWORD));
        ssl.put(SslConfigs.SSL_PROTOCOL_CONFIG, config.getString(KrestConfig.SSL_PROTOCOL));
        return load(ssl, KrestConfig.SSL_KEYSTORE_LOCATION, config.getString(KrestConfig.SSL_KEYSTORE_LOCATION));
    }

    /**
     * A key or trust store file as configured.
     *
     * @param locationKey the key naming the file (for errors)
     * @param location    the file
     * @param type        JKS, PKCS12 or PEM
     * @param password    its password, may be null
     */
    public record StoreFile(String locationKey, String location, String type, Password password) {
    }

    /**
     * A client context, e.g. for {@code redis.ssl.truststore.*} or {@code schema.registry.ssl.*}.
     *
     * @param trust       the CA certificates to trust; empty: the JVM's default trust
     * @param keys        the client's own certificate and key (mutual TLS); empty: none
     * @param keyPassword the private key's password; null: the key store's
     * @return the context
     * @throws ConfigException when a store cannot be loaded, naming its key
     */
    public static SSLContext client(Optional<StoreFile> trust, Optional<StoreFile> keys, Password keyPassword) {
        Map<String, Object> ssl = new HashMap<>();
        trust.ifPresent(t -> putTrustStore(ssl, t.location(), t.type(), t.password()));
        keys.ifPresent(k -> putKeyStore(ssl, k, keyPassword));
        StoreFile named = trust.or(() -> keys).orElseThrow(() -> new IllegalArgumentException("no store"));
        return load(ssl, named.locationKey(), named.location());
    }

    private static void putKeyStore(Map<String, Object> ssl, StoreFile keys, Password keyPassword) {
        String type = keys.type().toUpperCase(Locale.ROOT);
        ssl.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keys.location());
        ssl.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, type);
        if (!type.equals("PEM")) {
            // a PEM file has no store password, only the private key's (Kafka refuses ssl.keystore.password there)
            putPassword(ssl, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keys.password());
        }
        putPassword(ssl, SslConfigs.SSL_KEY_PASSWORD_CONFIG, present(keyPassword) ? keyPassword : keys.password());
    }

    private static void putTrustStore(Map<String, Object> ssl, String location, String type, Password password) {
        if (location.isEmpty()) {
            return;
        }
        String upper = type.toUpperCase(Locale.ROOT);
        ssl.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, location);
        ssl.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, upper);
        if (!upper.equals("PEM")) {
            putPassword(ssl, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
        }
    }

    private static boolean present(Password password) {
        return password != null && !password.value().isEmpty();
    }

    private static void putPassword(Map<String, Object> ssl, String key, Password password) {
        // an empty password is none: Kafka would try to decrypt an unencrypted PEM key with it
        if (password != null && !password.value().isEmpty()) {
            ssl.put(key, password);
        }
    }

    private static SSLContext load(Map<String, Object> raw, String key, String location) {
        ConfigDef def = new ConfigDef();
        SslConfigs.addClientSslSupport(def);
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        try {
            factory.configure(def.parse(raw));
            return factory.sslContext();
        } catch (RuntimeException e) {
            throw new ConfigException(key, location, "cannot set up TLS: " + causes(e));
        }
    }

    /** The messages of a failure and its causes; Kafka's and the JDK's never contain the store passwords. */
    @SuppressWarnings("ReferenceEquality") // identity: a throwable that is its own cause ends the chain
    private static String causes(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null && text.indexOf(c.getMessage()) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(c.getMessage());
            }
        }
        return text.isEmpty() ? t.getClass().getSimpleName() : text.toString();
    }
}

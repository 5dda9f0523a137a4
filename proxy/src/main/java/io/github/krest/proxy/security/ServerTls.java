package io.github.krest.proxy.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.config.SslContexts;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import org.apache.kafka.common.config.ConfigException;

/**
 * The TLS of krest's {@code https://} listeners, as Helidon takes it: the context of {@link SslContexts#server}
 * ({@code ssl.keystore.*}, {@code ssl.truststore.*}), {@code ssl.enabled.protocols} (TLSv1.3 and TLSv1.2 at most),
 * {@code ssl.cipher.suites} and {@code ssl.client.authentication}.
 */
public final class ServerTls {
    private ServerTls() {
    }

    /**
     * @param config krest configuration with {@code ssl.keystore.location} set
     * @return Helidon's TLS for a listener
     * @throws ConfigException when a store cannot be loaded or the protocols and ciphers are refused
     */
    public static Tls of(KrestConfig config) {
        List<String> protocols = config.getList(KrestConfig.SSL_ENABLED_PROTOCOLS);
        List<String> ciphers = config.getList(KrestConfig.SSL_CIPHER_SUITES);
        TlsClientAuth clientAuth = switch (config.getString(KrestConfig.SSL_CLIENT_AUTHENTICATION)
                .toUpperCase(Locale.ROOT)) {
            case "REQUIRED" -> TlsClientAuth.REQUIRED;
            case "REQUESTED" -> TlsClientAuth.OPTIONAL;
            default -> TlsClientAuth.NONE;
        };
        try {
            return Tls.builder()
                    .sslContext(SslContexts.server(config))
                    .enabledProtocols(new ArrayList<>(protocols))
                    .enabledCipherSuites(new ArrayList<>(ciphers))
                    .clientAuth(clientAuth)
                    .build();
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(KrestConfig.SSL_CIPHER_SUITES, ciphers, "invalid TLS settings: "
                    + e.getMessage());
        }
    }
}

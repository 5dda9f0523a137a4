package io.github.krest.proxy.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * TLS of the https:// listeners: key and trust stores, protocols and cipher suites, client certificates (mutual TLS)
 * and how a certificate's subject becomes the principal.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class TlsConfigs {

    static final String SSL_KEYSTORE_LOCATION = "ssl.keystore.location";
    static final String SSL_KEYSTORE_PASSWORD = "ssl.keystore.password";
    static final String SSL_KEYSTORE_TYPE = "ssl.keystore.type";
    static final String SSL_KEY_PASSWORD = "ssl.key.password";
    static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";
    static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    static final String SSL_TRUSTSTORE_TYPE = "ssl.truststore.type";
    static final String SSL_PROTOCOL = "ssl.protocol";
    static final String SSL_ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    static final String SSL_CIPHER_SUITES = "ssl.cipher.suites";
    static final String SSL_CLIENT_AUTHENTICATION = "ssl.client.authentication";
    static final String SSL_PRINCIPAL_MAPPING_RULES = "ssl.principal.mapping.rules";

    private TlsConfigs() {
    }

    /**
     * Defines the listener TLS keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addTlsSupport(ConfigDef def) {
        return def
            .define(SSL_KEYSTORE_LOCATION, ConfigDef.Type.STRING, "", Importance.HIGH,
                    "Key store with the server certificate and private key of the https:// listeners; required "
                            + "when a listener is https://.")
            .define(SSL_KEYSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.HIGH,
                    "Password of " + SSL_KEYSTORE_LOCATION + " (for PEM: of the encrypted private key).")
            .define(SSL_KEYSTORE_TYPE, ConfigDef.Type.STRING, "JKS",
                    ConfigDef.CaseInsensitiveValidString.in("JKS", "PKCS12", "PEM"), Importance.MEDIUM,
                    "Type of " + SSL_KEYSTORE_LOCATION + ": JKS, PKCS12 or PEM (a file with the private key and "
                            + "its certificate chain, read as Kafka reads ssl.keystore.type=PEM).")
            .define(SSL_KEY_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.HIGH,
                    "Password of the private key in " + SSL_KEYSTORE_LOCATION + "; unset: the key store's "
                            + "password.")
            .define(SSL_TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, "", Importance.HIGH,
                    "Trust store of the CA certificates that sign client certificates (mutual TLS, "
                            + SSL_CLIENT_AUTHENTICATION + "); empty: the JVM's default trust.")
            .define(SSL_TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.HIGH,
                    "Password of " + SSL_TRUSTSTORE_LOCATION + " (none for PEM).")
            .define(SSL_TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "JKS", ConfigDef.CaseInsensitiveValidString.in("JKS",
                    "PKCS12", "PEM"), Importance.MEDIUM,
                    "Type of " + SSL_TRUSTSTORE_LOCATION + ": JKS, PKCS12 or PEM (a file of certificates).")
            .define(SSL_PROTOCOL, ConfigDef.Type.STRING, "TLS", Importance.LOW,
                    "The SSLContext protocol of the https:// listeners.")
            .define(SSL_ENABLED_PROTOCOLS, ConfigDef.Type.LIST, "TLSv1.3,TLSv1.2", protocolsValidator(),
                    Importance.MEDIUM,
                    "TLS versions the https:// listeners accept: TLSv1.3 and/or TLSv1.2; older versions are "
                            + "refused (Confluent's default is the JVM's).")
            .define(SSL_CIPHER_SUITES, ConfigDef.Type.LIST, "", Importance.LOW,
                    "Cipher suites the https:// listeners accept; empty: the JVM's defaults.")
            .define(SSL_CLIENT_AUTHENTICATION, ConfigDef.Type.STRING, "NONE",
                    ConfigDef.CaseInsensitiveValidString.in("NONE", "REQUESTED", "REQUIRED"), Importance.MEDIUM,
                    "Client certificates on https:// listeners (mutual TLS): NONE, REQUESTED (asked for, "
                            + "optional) or REQUIRED (a client without a valid one fails the TLS handshake).")
            .define(SSL_PRINCIPAL_MAPPING_RULES, ConfigDef.Type.STRING, "DEFAULT", principalRulesValidator(),
                    Importance.LOW,
                    "krest: how a client certificate's subject (RFC 2253) becomes the principal when "
                            + AuthenticationConfigs.AUTHENTICATION_METHOD
                            + "=NONE; Kafka's ssl.principal.mapping.rules syntax, e.g. "
                            + "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT. DEFAULT: the whole subject.");
    }

    private static ConfigDef.Validator protocolsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) value;
                if (list == null || list.isEmpty()) {
                    throw new ConfigException(name, value, "at least one of TLSv1.3, TLSv1.2 is required");
                }
                for (String protocol : list) {
                    if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
                        throw new ConfigException(name, value, "only TLSv1.3 and TLSv1.2 are allowed");
                    }
                }
            }

            @Override
            public String toString() {
                return "[TLSv1.3, TLSv1.2]";
            }
        };
    }

    private static ConfigDef.Validator principalRulesValidator() {
        return (name, value) -> {
            try {
                SslPrincipalMapper.fromRules((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        };
    }
}

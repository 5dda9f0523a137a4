package io.github.krest.proxy.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * {@code kafka.principal.propagation}: how a caller's credential becomes the SASL settings of Kafka clients created
 * for that caller. The other client settings ({@code client.security.protocol}, TLS, timeouts...) come from
 * {@code client.*} as for the shared clients; only {@code sasl.mechanism}, {@code sasl.jaas.config} and, for
 * OAUTHBEARER, {@code sasl.login.callback.handler.class} are replaced.
 */
public enum PrincipalPropagation {
    /** One service principal for every request, configured in {@code client.*}. */
    NONE(""),
    /** HTTP Basic credentials as SASL PLAIN. */
    SASL_PLAIN("PLAIN"),
    /** HTTP Basic credentials as SASL SCRAM-SHA-256. */
    SASL_SCRAM_SHA_256("SCRAM-SHA-256"),
    /** HTTP Basic credentials as SASL SCRAM-SHA-512. */
    SASL_SCRAM_SHA_512("SCRAM-SHA-512"),
    /** A bearer token as the SASL OAUTHBEARER token ({@link CallerTokenLoginCallbackHandler}). */
    OAUTHBEARER("OAUTHBEARER");

    private final String mechanism;

    PrincipalPropagation(String mechanism) {
        this.mechanism = mechanism;
    }

    /**
     * @param value the configured value, e.g. {@code SASL_SCRAM_SHA_256} (case-insensitive)
     * @return the mode
     */
    public static PrincipalPropagation of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** @return the SASL mechanism, empty for {@link #NONE} */
    public String mechanism() {
        return mechanism;
    }

    /**
     * The SASL client settings that make a Kafka client authenticate as the caller.
     *
     * @param identity the caller
     * @return settings to put over {@code client.*}; empty when the caller has no credential this mode can use
     *         (a request that then answers 401/40101), and always empty for {@link #NONE}
     */
    public Optional<Map<String, Object>> saslProperties(KafkaIdentity identity) {
        return switch (this) {
            case NONE -> Optional.empty();
            case SASL_PLAIN, SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_512 -> {
                if (!(identity.credential() instanceof KafkaIdentity.Credential.Password p)) {
                    yield Optional.empty();
                }
                String module = this == SASL_PLAIN ? PlainLoginModule.class.getName()
                        : ScramLoginModule.class.getName();
                yield Optional.of(Map.of(SaslConfigs.SASL_MECHANISM, mechanism,
                        SaslConfigs.SASL_JAAS_CONFIG, module + " required username=" + quote(p.username())
                                + " password=" + quote(p.password()) + ";"));
            }
            case OAUTHBEARER -> {
                if (!(identity.credential() instanceof KafkaIdentity.Credential.BearerToken t)) {
                    yield Optional.empty();
                }
                // the token travels as a JAAS option; CallerTokenLoginCallbackHandler hands it to Kafka's login
                yield Optional.of(Map.of(SaslConfigs.SASL_MECHANISM, mechanism,
                        SaslConfigs.SASL_JAAS_CONFIG, OAuthBearerLoginModule.class.getName() + " required "
                                + CallerTokenLoginCallbackHandler.TOKEN_OPTION + "=" + quote(t.token()) + ";",
                        SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS,
                        CallerTokenLoginCallbackHandler.class.getName()));
            }
        };
    }

    /** A JAAS option value: double-quoted, with {@code \} and {@code "} escaped (JAAS config file syntax). */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * The Kafka clients' keys: the bootstrap servers (or the embedded broker's port), the replica id in client ids, the
 * topic metadata cache, and principal propagation (whose identity requests reach Kafka with, and the per-caller
 * clients it keeps). Client settings themselves pass through by prefix, see {@link KrestConfig#CLIENT_PREFIXES}.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class KafkaClientConfigs {

    static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    static final String EMBEDDED_KAFKA_PORT = "embedded.kafka.port";
    static final String ID = "id";
    static final String METADATA_MAX_AGE_MS = "metadata.cache.max.age.ms";
    static final String KAFKA_PRINCIPAL_PROPAGATION = "kafka.principal.propagation";
    static final String KAFKA_PRINCIPAL_CACHE_MAX_SIZE = "kafka.principal.cache.max.size";
    static final String KAFKA_PRINCIPAL_CACHE_IDLE_MS = "kafka.principal.cache.idle.ms";

    private KafkaClientConfigs() {
    }

    /**
     * Defines the Kafka client keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addKafkaClientSupport(ConfigDef def) {
        return def
            .define(BOOTSTRAP_SERVERS, ConfigDef.Type.STRING, "", Importance.HIGH,
                    "Kafka bootstrap servers (host:port,...). Empty: krest starts an embedded single-node KRaft "
                            + "broker in-process, for trying krest out.")
            .define(EMBEDDED_KAFKA_PORT, ConfigDef.Type.INT, 9092, Range.between(0, 65535), Importance.LOW,
                    "krest: port of the embedded broker's client listener when bootstrap.servers is empty "
                            + "(0 or a busy port: any free port).")
            .define(ID, ConfigDef.Type.STRING, "", Importance.LOW,
                    "Replica id, appended to the Kafka client ids (krest-producer-{id}, krest-admin-{id}).")
            .define(METADATA_MAX_AGE_MS, ConfigDef.Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "krest: how long topic metadata (partition counts) fetched for produce validation is "
                            + "reused, in ms.")
            .define(KAFKA_PRINCIPAL_PROPAGATION, ConfigDef.Type.STRING, "NONE",
                    ConfigDef.ValidString.in("NONE", "SASL_PLAIN", "SASL_SCRAM_SHA_256", "SASL_SCRAM_SHA_512",
                            "OAUTHBEARER"), Importance.HIGH,
                    "krest: whose identity requests reach Kafka with. NONE: every request uses the one service "
                            + "principal configured in client.* (and producer.*, consumer.*, admin.*). SASL_PLAIN, "
                            + "SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_512: the caller's HTTP Basic user name and password "
                            + "become the SASL PLAIN or SCRAM credentials of Kafka clients created for that caller "
                            + "(client.security.protocol must be SASL_PLAINTEXT or SASL_SSL); OAUTHBEARER: the "
                            + "caller's bearer token is handed to Kafka as the OAUTHBEARER token. A request without "
                            + "such a credential answers 401/40101; Kafka's ACLs then decide (403/40301).")
            .define(KAFKA_PRINCIPAL_CACHE_MAX_SIZE, ConfigDef.Type.INT, 100, Range.atLeast(1), Importance.LOW,
                    "krest: with kafka.principal.propagation on, most callers (principal and credential) whose "
                            + "producer and admin client this replica keeps; the least recently used are closed.")
            .define(KAFKA_PRINCIPAL_CACHE_IDLE_MS, ConfigDef.Type.LONG, 300_000L, Range.atLeast(1), Importance.LOW,
                    "krest: with kafka.principal.propagation on, a caller's producer and admin client unused for "
                            + "this long, in ms, are closed.");
    }
}

package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * The consumer state store's keys: memory or Redis, and how to reach Redis (one server, a Cluster or Sentinels;
 * timeout; the trust store of rediss://).
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class StateStoreConfigs {

    static final String CONSUMER_STATE_STORE = "consumer.state.store";
    static final String REDIS_URL = "redis.url";
    static final String REDIS_CLUSTER = "redis.cluster";
    static final String REDIS_SENTINEL_MASTER = "redis.sentinel.master";
    static final String REDIS_SENTINEL_PASSWORD = "redis.sentinel.password";
    static final String REDIS_TIMEOUT_MS = "redis.timeout.ms";
    static final String REDIS_SSL_TRUSTSTORE_LOCATION = "redis.ssl.truststore.location";
    static final String REDIS_SSL_TRUSTSTORE_PASSWORD = "redis.ssl.truststore.password";
    static final String REDIS_SSL_TRUSTSTORE_TYPE = "redis.ssl.truststore.type";

    private StateStoreConfigs() {
    }

    /**
     * Defines the state store keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addStateStoreSupport(ConfigDef def) {
        return def
            .define(CONSUMER_STATE_STORE, ConfigDef.Type.STRING, "memory", ConfigDef.ValidString.in("memory", "redis"),
                    Importance.HIGH,
                    "krest: where consumer instances, membership, assignment and positions live: memory (one "
                            + "replica only) or redis (shared by all replicas; needs redis.url).")
            .define(REDIS_URL, ConfigDef.Type.PASSWORD, null, Importance.HIGH,
                    "krest: the state store's Redis, redis://[user:password@]host:port[/db] or rediss://... "
                            + "(TLS); with redis.cluster, one or more of the cluster's nodes, comma-separated, with "
                            + "the same scheme and credentials; with redis.sentinel.master, the Sentinels "
                            + "(host:26379), comma-separated, with the master's credentials and database.")
            .define(REDIS_CLUSTER, ConfigDef.Type.BOOLEAN, false, Importance.MEDIUM,
                    "krest: whether redis.url names nodes of a Redis Cluster: the store then routes each group's "
                            + "calls to the master of its slot and follows failovers and resharding.")
            .define(REDIS_SENTINEL_MASTER, ConfigDef.Type.STRING, "", Importance.MEDIUM,
                    "krest: the name of the master that Redis Sentinel monitors (sentinel monitor <name> ...); "
                            + "when set, redis.url names the Sentinels, and the store asks them for the master and "
                            + "follows it through a failover. Empty: no Sentinel.")
            .define(REDIS_SENTINEL_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.LOW,
                    "krest: the Sentinels' own password (requirepass in sentinel.conf), if they have one; the "
                            + "master's is in redis.url.")
            .define(REDIS_TIMEOUT_MS, ConfigDef.Type.INT, 2_000, Range.atLeast(1), Importance.LOW,
                    "krest: Redis socket timeout in ms; connecting times out after a quarter of it.")
            .define(REDIS_SSL_TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, "", Importance.LOW,
                    "krest: trust store of the CA that signs the rediss:// server's certificate; empty: the "
                            + "JVM's default trust.")
            .define(REDIS_SSL_TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.LOW,
                    "krest: password of " + REDIS_SSL_TRUSTSTORE_LOCATION + ".")
            .define(REDIS_SSL_TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "JKS",
                    ConfigDef.CaseInsensitiveValidString.in("JKS", "PKCS12", "PEM"), Importance.LOW,
                    "krest: type of " + REDIS_SSL_TRUSTSTORE_LOCATION + ": JKS, PKCS12 or PEM.");
    }
}

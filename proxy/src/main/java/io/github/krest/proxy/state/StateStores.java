package io.github.krest.proxy.state;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.config.SslContexts;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.state.memory.InMemoryConsumerStateStore;
import io.github.krest.state.memory.InMemoryIdempotencyKeyStore;
import io.github.krest.state.redis.RedisConsumerStateStore;
import io.github.krest.state.redis.RedisIdempotencyKeyStore;
import io.github.krest.state.redis.RedisStateStoreConfig;

/**
 * Creates the configured consumer state store: {@code consumer.state.store=memory} (one replica) or {@code redis}
 * ({@code redis.url}, one server, with {@code redis.cluster=true} a Redis Cluster's seed nodes, or with
 * {@code redis.sentinel.master} the Sentinels that watch the master; with
 * {@code rediss://} trusting {@code redis.ssl.truststore.*} when set), the latter behind a circuit breaker; and the
 * store of produce idempotency keys in the same place.
 */
public final class StateStores {
    private StateStores() {
    }

    /**
     * @param config krest configuration
     * @return the store; the caller closes it
     * @throws IllegalArgumentException when {@code redis.url} is malformed (see {@link RedisStateStoreConfig});
     *                                  a {@link KrestConfig} refuses such a value already
     */
    public static ConsumerStateStore create(KrestConfig config) {
        if (!config.getString(KrestConfig.CONSUMER_STATE_STORE).equals("redis")) {
            return new InMemoryConsumerStateStore();
        }
        return new CircuitBreakingStateStore(new RedisConsumerStateStore(redisConfig(config), redisTls(config)),
                "consumer-state-store");
    }

    /**
     * The store of produce idempotency keys, where the consumer state lives: memory, or the same Redis (with a
     * connection pool of its own).
     *
     * @param config krest configuration
     * @return the store; the caller closes it
     */
    public static IdempotencyKeyStore idempotencyKeys(KrestConfig config) {
        if (!config.getString(KrestConfig.CONSUMER_STATE_STORE).equals("redis")) {
            return new InMemoryIdempotencyKeyStore();
        }
        return new RedisIdempotencyKeyStore(redisConfig(config), redisTls(config));
    }

    private static RedisStateStoreConfig redisConfig(KrestConfig config) {
        int timeout = config.getInt(KrestConfig.REDIS_TIMEOUT_MS);
        return new RedisStateStoreConfig(config.getPassword(KrestConfig.REDIS_URL).value(),
                config.redisTopology(), Math.max(100, timeout / 4), timeout,
                RedisStateStoreConfig.DEFAULT_MAX_CONNECTIONS, RedisStateStoreConfig.DEFAULT_EXPIRY_GRACE_MS);
    }

    private static java.util.Optional<javax.net.ssl.SSLContext> redisTls(KrestConfig config) {
        String trustStore = config.getString(KrestConfig.REDIS_SSL_TRUSTSTORE_LOCATION).strip();
        return trustStore.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(SslContexts.client(java.util.Optional.of(new SslContexts.StoreFile(
                        KrestConfig.REDIS_SSL_TRUSTSTORE_LOCATION, trustStore,
                        config.getString(KrestConfig.REDIS_SSL_TRUSTSTORE_TYPE),
                        config.getPassword(KrestConfig.REDIS_SSL_TRUSTSTORE_PASSWORD))),
                        java.util.Optional.empty(), null));
    }
}

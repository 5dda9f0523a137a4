package io.github.krest.state.redis;

import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.ConsumerStateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** Runs the contract against {@link RedisConsumerStateStore} on a real redis-server, one per class. */
class RedisConsumerStateStoreTest extends ConsumerStateStoreContract {

    private static RedisServerProcess server;

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @Override
    protected ConsumerStateStore newStore() {
        try (RedisClient admin = RedisClient.create("127.0.0.1", server.port())) {
            admin.flushAll();
        }
        return new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()));
    }
}

package io.github.krest.state.redis;

import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.ConsumerStateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.Jedis;

/**
 * Runs the contract against {@link RedisConsumerStateStore} in Sentinel mode on a real master, replica and three
 * Sentinels: the store finds the master through the Sentinels and every operation behaves as on one server.
 */
class RedisSentinelConsumerStateStoreTest extends ConsumerStateStoreContract {

    private static RedisSentinelProcess sentinels;

    @BeforeAll
    static void startSentinels() {
        sentinels = RedisSentinelProcess.start();
    }

    @AfterAll
    static void stopSentinels() {
        sentinels.close();
    }

    @Override
    protected ConsumerStateStore newStore() {
        try (Jedis master = new Jedis("127.0.0.1", sentinels.masterPort())) {
            master.flushAll();
        }
        return new RedisConsumerStateStore(RedisStateStoreConfig.of(sentinels.url(),
                new RedisStateStoreConfig.Topology.Sentinel(RedisSentinelProcess.MASTER, java.util.Optional.empty())));
    }
}

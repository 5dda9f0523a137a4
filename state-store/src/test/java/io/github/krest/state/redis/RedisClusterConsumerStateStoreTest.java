package io.github.krest.state.redis;

import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.ConsumerStateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the contract against {@link RedisConsumerStateStore} in cluster mode on a real three-master Redis Cluster,
 * one per class: every script must find its keys in one slot and every call must reach that slot's master.
 */
class RedisClusterConsumerStateStoreTest extends ConsumerStateStoreContract {

    private static RedisClusterProcess cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected ConsumerStateStore newStore() {
        cluster.flushAll();
        return new RedisConsumerStateStore(RedisStateStoreConfig.ofCluster(cluster.url()));
    }
}

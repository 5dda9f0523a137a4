package io.github.krest.state.redis;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.InstanceConfig;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only Sentinel shows, on a fresh deployment per test (a failover changes it): the master SIGKILLed, the
 * Sentinels promote the replica, and the same store carries on with the replicated state, its calls failing only
 * with {@link StateStoreUnavailableException} (503 in krest) in the window; a store made while no Sentinel answers
 * connects once they do.
 */
class RedisSentinelBehaviourTest {
    private static final long TTL = 60_000;
    private static final PartitionRef P0 = new PartitionRef("t", 0);

    private RedisSentinelProcess sentinels;
    private RedisConsumerStateStore store;
    private long now;

    @BeforeEach
    void start() {
        sentinels = RedisSentinelProcess.start();
        store = new RedisConsumerStateStore(RedisStateStoreConfig.of(sentinels.url(),
                new RedisStateStoreConfig.Topology.Sentinel(RedisSentinelProcess.MASTER, Optional.empty())));
        now = System.currentTimeMillis();
    }

    @AfterEach
    void stop() {
        store.close();
        sentinels.close();
    }

    @Test
    void aPromotedReplicaCarriesTheStateAndOnlyTheWindowFailsRetriably() {
        store.createInstance(new ConsumerInstance("g", "a", new InstanceConfig("binary", "earliest", true, -1,
                5_000), "", now, Subscription.none()), TTL);
        store.updateSubscription("g", "a", Subscription.topics(List.of("t")), now, TTL);
        store.storeAssignment("g", store.membership("g").fingerprint(), 1, Map.of("a", List.of(P0)));
        PollLease lease = store.beginPoll("g", "a", "", "r", now, 5_000, 10_000, TTL);
        assertTrue(store.endPoll("g", "a", lease.fencingToken(), Map.of(P0, 42L)));
        sentinels.awaitReplicated();

        int before = sentinels.masterPort();
        int after = sentinels.killMaster();
        assertTrue(after != before);

        // every call in the window fails retriably, none with another error; then the new master answers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<PartitionRef, Long> positions = null;
        int unavailable = 0;
        while (positions == null && System.nanoTime() < deadline) {
            try {
                positions = store.positions("g", "a", now);
            } catch (StateStoreUnavailableException e) {
                unavailable++;
            }
        }
        assertEquals(Map.of(P0, 42L), positions, "the promoted replica has the position (" + unavailable
                + " calls failed retriably first)");
        // and takes writes: the store follows the new master, not the dead one
        PollLease next = store.beginPoll("g", "a", "", "r", now + 1, 5_000, 10_000, TTL);
        assertTrue(store.endPoll("g", "a", next.fencingToken(), Map.of(P0, 43L)));
        assertEquals(Map.of(P0, 43L), store.positions("g", "a", now + 1));
    }

    @Test
    void aStoreMadeWhileNoSentinelAnswersConnectsLater() {
        RedisConsumerStateStore early = new RedisConsumerStateStore(RedisStateStoreConfig.of(
                "redis://127.0.0.1:1,redis://127.0.0.1:2", new RedisStateStoreConfig.Topology.Sentinel(
                        RedisSentinelProcess.MASTER, Optional.empty())));
        StateStoreUnavailableException down = assertThrows(StateStoreUnavailableException.class, early::ping);
        assertTrue(down.getMessage().contains("Redis master " + RedisSentinelProcess.MASTER + " via Sentinels at"),
                down.getMessage());
        early.close();
        store.ping();
    }
}

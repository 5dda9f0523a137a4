package io.github.krest.state.redis;

import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.InstanceConfig;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only a Redis Cluster shows: groups spread over the masters, each on one; a master that stops (its calls fail
 * fast, then CLUSTERDOWN everywhere) and comes back; a replica promoted in place of its master, with the state kept;
 * a store made while no node answers, which connects once the cluster is up.
 */
class RedisClusterBehaviourTest {

    private static final long TTL = 60_000;
    private static final PartitionRef P0 = new PartitionRef("t", 0);

    private static RedisClusterProcess cluster;
    private long now;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void flush() {
        cluster.flushAll();
        now = System.currentTimeMillis();
    }

    private ConsumerInstance instance(String group, String name) {
        return new ConsumerInstance(group, name, new InstanceConfig("binary", "earliest", true, -1, 5_000), "", now,
                Subscription.none());
    }

    /** Creates member "a" of {@code group}, subscribed and assigned partition t-0, and stores its position there. */
    private void populate(RedisConsumerStateStore store, String group, long position) {
        store.createInstance(instance(group, "a"), TTL);
        store.updateSubscription(group, "a", Subscription.topics(List.of("t")), now, TTL);
        store.storeAssignment(group, store.membership(group).fingerprint(), 1, Map.of("a", List.of(P0)));
        PollLease lease = store.beginPoll(group, "a", "", "r", now, 5_000, 10_000, TTL);
        assertTrue(store.endPoll(group, "a", lease.fencingToken(), Map.of(P0, position)));
    }

    /** @return the index of the master that serves the slot of group's keys (before any failover) */
    private static int nodeOf(String group) {
        return cluster.initialMasterOf(RedisKeys.groupPrefix(group));
    }

    /** @return a group id whose keys live on node {@code node} */
    private static String groupOn(int node) {
        for (int i = 0; ; i++) {
            if (nodeOf("g" + i) == node) {
                return "g" + i;
            }
        }
    }

    @Test
    void groupsSpreadOverTheMastersAndEachGroupStaysOnOne() {
        List<String> groups = new ArrayList<>();
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.ofCluster(
                cluster.url()))) {
            for (int i = 0; i < 30; i++) {
                String group = "orders-" + i;
                groups.add(group);
                populate(store, group, i);
            }
            assertEquals(groups.stream().sorted().toList(), store.groups());

            Set<Integer> used = new HashSet<>();
            for (String group : groups) {
                List<Integer> holders = new ArrayList<>();
                for (int n = 0; n < cluster.masters(); n++) {
                    try (Jedis node = cluster.admin(n)) {
                        if (!node.keys(RedisKeys.groupPrefix(group) + "*").isEmpty()) {
                            holders.add(n);
                        }
                    }
                }
                assertEquals(List.of(nodeOf(group)), holders, group + "'s keys");
                used.add(holders.getFirst());
                assertEquals(Map.of(P0, (long) groups.indexOf(group)), store.positions(group, "a", now));
            }
            assertEquals(Set.of(0, 1, 2), used, "30 groups land on every master");

            // The sweep reads the index on one node and each group's keys on its own.
            assertEquals(30, store.sweepExpired("r", now + TTL, 1_000, 10_000).size());
            assertEquals(List.of(), store.groups());
        }
    }

    @Test
    void aStoppedMasterFailsCallsFastAndTheStoreFollowsItsReturn() throws InterruptedException {
        String onStopped = groupOn(1);
        String onOther = groupOn(0);
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.ofCluster(
                cluster.url()))) {
            store.createInstance(instance(onStopped, "before"), TTL);
            store.createInstance(instance(onOther, "before"), TTL);
            cluster.node(1).stop();
            try {
                assertFailsFast(() -> store.instance(onStopped, "before", now));

                // Once the others mark it failed, the cluster refuses every slot (CLUSTERDOWN, full coverage is
                // required by default): retriable, not a configuration error.
                awaitClusterState(0, "fail");
                assertThrows(StateStoreUnavailableException.class, () -> store.instance(onOther, "before", now));
                // and the readiness check says so: its PING goes to every master, and one does not answer
                StateStoreUnavailableException notReady = assertThrows(StateStoreUnavailableException.class,
                        store::ping);
                assertTrue(notReady.getMessage().contains("not every master answered"), notReady.getMessage());
            } finally {
                cluster.node(1).restart();
            }
            for (int n = 0; n < cluster.size(); n++) {
                awaitClusterState(n, "ok");
            }
            // Its data is gone (no persistence); the same store, without a restart, works again once it is back
            // (a call may first meet a connection to the stopped process, which fails and empties its pool).
            eventually("the store did not recover", () -> {
                store.createInstance(instance(onStopped, "after"), TTL);
                return true;
            });
            assertTrue(store.instance(onStopped, "after", now).isPresent());
            assertFalse(store.instance(onStopped, "before", now).isPresent());
            assertTrue(store.instance(onOther, "before", now).isPresent());
            store.ping();
        }
    }

    @Test
    void theStoreFollowsAFailoverToAReplicaAndKeepsTheState() throws InterruptedException {
        try (RedisClusterProcess replicated = RedisClusterProcess.start(3, 1);
             RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.ofCluster(
                     replicated.url()))) {
            String group = groupOn(1);
            populate(store, group, 42);
            // node 4 replicates master 1 (RedisClusterProcess's numbering); wait until it has the group's writes
            try (Jedis master = replicated.admin(1)) {
                assertTrue(master.waitReplicas(1, 5_000) >= 1, "the replica acknowledged the writes");
            }

            replicated.node(1).stop();
            try {
                assertFailsFast(() -> store.positions(group, "a", now));

                awaitRole(replicated, 4, "master");
                for (int n : new int[] {0, 2, 4}) {
                    awaitClusterState(replicated, n, "ok");
                }
                // The same store, without a restart: its calls for the group now reach the promoted replica.
                Map<PartitionRef, Long> positions = eventually("the store did not follow",
                        () -> store.positions(group, "a", now));
                assertEquals(Map.of(P0, 42L), positions);
                assertEquals(List.of(P0), store.assignment(group).partitionsOf("a"));
                assertEquals(Set.of("a"), store.membership(group).members().keySet());
                store.createInstance(instance(group, "b"), TTL);
                assertTrue(store.instance(group, "b", now).isPresent());
            } finally {
                replicated.node(1).restart();
            }
        }
    }

    @Test
    void aStoreMadeWhileTheClusterIsDownServesOnceItIsUp() throws InterruptedException {
        try (RedisClusterProcess later = RedisClusterProcess.start(3)) {
            for (int n = 0; n < later.size(); n++) {
                later.node(n).stop();
            }
            // as krest does at start: no seed answers, yet the store is made, and its calls fail as unavailable
            try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.ofCluster(
                    later.url()))) {
                assertFailsFast(store::ping);
                assertFailsFast(() -> store.instance("g0", "a", now));
                for (int n = 0; n < later.size(); n++) {
                    later.node(n).restart();
                }
                for (int n = 0; n < later.size(); n++) {
                    awaitClusterState(later, n, "ok");
                }
                eventually("the store never connected", () -> {
                    store.createInstance(instance("g0", "a"), TTL);
                    return true;
                });
                assertTrue(store.instance("g0", "a", now).isPresent());
                store.ping();
            }
        }
    }

    /**
     * Repeats {@code call} every 100 ms while it fails as unavailable, for at most 20 s.
     *
     * @return its first result
     */
    private static <T> T eventually(String failure, Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return call.get();
            } catch (StateStoreUnavailableException e) {
                assertTrue(System.nanoTime() < deadline, failure + ": " + e.getMessage());
                Thread.sleep(100);
            }
        }
    }

    /**
     * Asserts a call fails as unavailable within 4 s: the connect timeout (0.5 s) and Jedis' retries on the slot's
     * master, bounded by the 2 s socket timeout in all.
     */
    private static void assertFailsFast(Executable call) {
        long start = System.nanoTime();
        assertThrows(StateStoreUnavailableException.class, call);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs < 4_000, "took " + elapsedMs + " ms");
    }

    private static void awaitRole(RedisClusterProcess on, int node, String role) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Jedis admin = on.admin(node)) {
                if (admin.info("replication").contains("role:" + role)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "node " + node + " never became " + role);
            Thread.sleep(50);
        }
    }

    private static void awaitClusterState(int node, String state) throws InterruptedException {
        awaitClusterState(cluster, node, state);
    }

    private static void awaitClusterState(RedisClusterProcess on, int node, String state)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Jedis admin = on.admin(node)) {
                if (admin.clusterInfo().contains("cluster_state:" + state)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "node " + node + " never reported cluster_state:" + state);
            Thread.sleep(50);
        }
    }
}

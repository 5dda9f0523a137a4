package io.github.krest.state.redis;

import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.InstanceConfig;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.StateStoreException;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the Redis store has: its key layout and TTLs, connection failures, URLs with credentials. */
class RedisStateStoreBehaviourTest {

    private static final long TTL = 60_000;
    private static final PartitionRef P0 = new PartitionRef("t", 0);
    private static final PartitionRef P1 = new PartitionRef("t", 1);

    private static RedisServerProcess server;
    private RedisClient admin;
    private long now;

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void connect() {
        admin = RedisClient.create("127.0.0.1", server.port());
        admin.flushAll();
        now = System.currentTimeMillis();
    }

    @AfterEach
    void disconnect() {
        admin.close();
    }

    private ConsumerInstance instance(String group, String name) {
        return new ConsumerInstance(group, name, new InstanceConfig("binary", "earliest", true, -1, 5_000), "", now,
                Subscription.none());
    }

    /**
     * Creates two subscribed members with an assignment, positions and a held lease, and a deleted auto-commit
     * instance's handover: every key type exists.
     */
    private void populate(RedisConsumerStateStore store, String group) {
        store.createInstance(instance(group, "gone"), TTL);
        store.updateSubscription(group, "gone", Subscription.partitions(List.of(P1)), now, TTL);
        PollLease gone = store.beginPoll(group, "gone", "", "r", now, 5_000, 10_000, TTL);
        assertTrue(store.endPoll(group, "gone", gone.fencingToken(), Map.of(P1, 4L)));
        store.deleteInstance(group, "gone", now);
        for (String name : List.of("a", "b")) {
            store.createInstance(instance(group, name), TTL);
            store.updateSubscription(group, name, Subscription.topics(List.of("t")), now, TTL);
        }
        store.storeAssignment(group, store.membership(group).fingerprint(), 1,
                Map.of("a", List.of(P0), "b", List.of()));
        PollLease lease = store.beginPoll(group, "a", "", "r", now, 5_000, 10_000, TTL);
        assertTrue(store.endPoll(group, "a", lease.fencingToken(), Map.of(P0, 3L)));
        store.beginPoll(group, "a", "", "r", now, 5_000, 10_000, TTL);
    }

    @Test
    void groupKeysShareTheHashTagAndAllExpire() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            populate(store, "orders");
        }

        Set<String> keys = new TreeSet<>(admin.keys("*"));
        assertEquals(new TreeSet<>(List.of("krest:groups", "krest:{orders}:assignment", "krest:{orders}:handover",
                "krest:{orders}:i:a", "krest:{orders}:i:b", "krest:{orders}:instances", "krest:{orders}:lease:a",
                "krest:{orders}:members", "krest:{orders}:pos:a", "krest:{orders}:seq", "krest:{orders}:subs")), keys);
        long keyTtl = TTL + RedisStateStoreConfig.DEFAULT_EXPIRY_GRACE_MS;
        for (String key : keys) {
            if (key.equals("krest:groups")) {
                assertEquals(-1, admin.pttl(key), "the index is emptied by the sweeper, not by expiry");
                continue;
            }
            long ttl = admin.pttl(key);
            long max = key.contains(":lease:") ? 5_000 : keyTtl;
            assertTrue(ttl > 0 && ttl <= max, key + " has TTL " + ttl);
        }
        assertEquals(Map.of("t:0", "3"), admin.hgetAll("krest:{orders}:pos:a"));
        assertEquals(Map.of("t:1", "4"), admin.hgetAll("krest:{orders}:handover"));
        assertEquals("a", admin.hget("krest:{orders}:i:a", "name"));
    }

    @Test
    void sweptGroupLeavesNoKeys() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            populate(store, "orders");
            assertEquals(2, store.sweepExpired("r", now + TTL, 1_000, 10_000).size());
        }
        assertEquals(Set.of("krest:sweeper"), admin.keys("*"));
    }

    @Test
    void aSweepPassVisitsABoundedNumberOfGroupsAndTheNextGoesOn() {
        int groups = RedisConsumerStateStore.SWEEP_MAX_GROUPS * 2 + 100;
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            for (int g = 0; g < groups; g++) {
                store.createInstance(instance("sweep-" + g, "i"), TTL);
            }
            long at = now + TTL;
            int first = store.sweepExpired("r", at, 1_000, 10_000).size();
            assertEquals(RedisConsumerStateStore.SWEEP_MAX_GROUPS, first, "one pass, one batch of groups");
            int total = first;
            for (int pass = 1; pass < 4; pass++) {
                total += store.sweepExpired("r", at + pass * 1_000L, 1_000, 10_000).size();
            }
            assertEquals(groups, total, "every expired instance was swept once");
            assertEquals(0, admin.zcard("krest:groups"));
        }
    }

    @Test
    void aPollCostsAsManyCommandsInAGroupOf200AsInAGroupOfOne() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            long small = commandsPerPoll(store, "small", 1);
            long large = commandsPerPoll(store, "large", 200);
            assertTrue(large <= small + 2, "commands per poll: " + small + " with 1 member, " + large + " with 200");
        }
    }

    /** Redis commands (those inside scripts included) of one poll, begin and end, in a settled group of members. */
    private long commandsPerPoll(RedisConsumerStateStore store, String group, int members) {
        for (int m = 0; m < members; m++) {
            store.createInstance(instance(group, "m" + m), TTL);
            store.updateSubscription(group, "m" + m, Subscription.topics(List.of("t")), now, TTL);
        }
        Map<String, List<PartitionRef>> assignment = new java.util.HashMap<>();
        for (int m = 0; m < members; m++) {
            assignment.put("m" + m, m == 0 ? List.of(P0) : List.of());
        }
        store.storeAssignment(group, store.membership(group).fingerprint(), 1, assignment);
        // the first poll after a change recomputes the membership's fingerprint; measure a later one
        PollLease first = store.beginPoll(group, "m0", "", "r", now, 5_000, 10_000, TTL);
        assertTrue(store.endPoll(group, "m0", first.fencingToken(), Map.of(P0, 1L)));
        long before = commandsProcessed();
        PollLease lease = store.beginPoll(group, "m0", "", "r", now, 5_000, 10_000, TTL);
        assertTrue(store.endPoll(group, "m0", lease.fencingToken(), Map.of(P0, 2L)));
        return commandsProcessed() - before;
    }

    private long commandsProcessed() {
        for (String line : admin.info("stats").split("\r?\n", -1)) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring("total_commands_processed:".length()).trim());
            }
        }
        throw new AssertionError("no total_commands_processed in INFO stats");
    }

    @Test
    void bracesInGroupIdsAreEscaped() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            populate(store, "a{b}c%");
            assertEquals(List.of("a{b}c%"), store.groups());
            assertEquals(Map.of(P0, 3L), store.positions("a{b}c%", "a", now));
        }
        assertTrue(admin.keys("*").stream().filter(k -> !k.equals("krest:groups"))
                .allMatch(k -> k.startsWith("krest:{a%7Bb%7Dc%25}:")), admin.keys("*").toString());
    }

    @Test
    void masterWithTooFewReplicasInSyncIsUnavailableNotBroken() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            store.createInstance(instance("g", "a"), TTL);
            // min-replicas-to-write: the master refuses every write while it has no replica in sync (NOREPLICAS),
            // as a Sentinel-watched master does while its replica restarts or right after a promotion
            admin.configSet("min-replicas-to-write", "1");
            try {
                StateStoreUnavailableException refused = assertThrows(StateStoreUnavailableException.class,
                        () -> store.beginPoll("g", "a", "", "r", now, 5_000, 10_000, TTL));
                assertTrue(refused.getMessage().contains("NOREPLICAS"), refused.getMessage());
                assertThrows(StateStoreUnavailableException.class,
                        () -> store.createInstance(instance("g", "b"), TTL));
            } finally {
                admin.configSet("min-replicas-to-write", "0");
            }
            assertTrue(store.beginPoll("g", "a", "", "r", now, 5_000, 10_000, TTL).fencingToken() > 0);
        }
    }

    @Test
    void stoppedRedisFailsFastAndRestartedRedisWorks() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            store.createInstance(instance("g", "before"), TTL);
            server.stop();
            try {
                assertFailsFast(() -> store.instance("g", "before", now));
                assertFailsFast(() -> store.beginPoll("g", "before", "", "r", now, 5_000, 10_000, TTL));
                assertFailsFast(() -> store.createInstance(instance("g", "during"), TTL));
                assertFailsFast(store::ping);
            } finally {
                server.restart();
            }
            // Data is gone (no persistence) and so is the server's script cache: EVALSHA falls back to EVAL.
            assertFalse(store.instance("g", "before", now).isPresent());
            store.createInstance(instance("g", "after"), TTL);
            assertTrue(store.instance("g", "after", now).isPresent());

            // Restarted while idle: the first call may meet a pooled connection to the old process and fail (fast);
            // the pool is then cleared, so the next call works.
            server.restart();
            try {
                store.instance("g", "after", now);
            } catch (StateStoreUnavailableException expectedAtMostOnce) {
                // allowed once
            }
            store.createInstance(instance("g", "again"), TTL);
        } finally {
            admin.close();
            admin = RedisClient.create("127.0.0.1", server.port());
        }
    }

    private static void assertFailsFast(Executable operation) {
        long start = System.nanoTime();
        assertThrows(StateStoreUnavailableException.class, operation);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs < 1_000, "took " + elapsedMs + " ms");
    }

    @Test
    void aCallerInterruptedBeforehandStillGetsItsCallDoneAndKeepsTheInterrupt() throws Exception {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            store.createInstance(instance("g", "a"), TTL);
            store.updateSubscription("g", "a", Subscription.topics(List.of("t")), now, TTL);
            store.storeAssignment("g", store.membership("g").fingerprint(), 1, Map.of("a", List.of(P0)));
            PollLease lease = store.beginPoll("g", "a", "", "r", now, 5_000, 10_000, TTL);
            // A virtual thread's socket I/O fails at once ("Closed by interrupt") while its interrupt flag is set:
            // a poll interrupted at shutdown must still end its lease.
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().unstarted(() -> {
                Thread.currentThread().interrupt();
                try {
                    outcome.set(store.endPoll("g", "a", lease.fencingToken(), Map.of(P0, 7L)));
                } catch (RuntimeException e) {
                    outcome.set(e);
                }
                outcome.set(List.of(outcome.get(), Thread.currentThread().isInterrupted()));
            });
            caller.start();
            caller.join();
            assertEquals(List.of(true, true), outcome.get(), "ended, and still interrupted");
            assertEquals(Map.of(P0, 7L), store.positions("g", "a", now));
            // the lease is over: another replica leases the instance at once
            store.beginPoll("g", "a", "", "other", now, 5_000, 10_000, TTL);
        }
    }

    @Test
    void flushedScriptCacheIsRefilled() {
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(server.url()))) {
            store.createInstance(instance("g", "a"), TTL);
            admin.scriptFlush();
            store.touch("g", "a", now, TTL);
            assertTrue(admin.scriptExists(LuaScript.groupScoped("touch_instance").sha(), "any"));
        }
    }

    @Test
    void urlCredentialsAndDatabaseAreUsed() {
        admin.executeCommand(new CommandArguments(Protocol.Command.ACL).add("SETUSER").add("krest").add("on")
                .add(">s3cr:t").add("~*").add("+@all"));
        String url = "redis://krest:s3cr%3At@127.0.0.1:" + server.port() + "/2";
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(url))) {
            store.createInstance(instance("g", "a"), TTL);
            store.ping();
        }
        assertEquals(Set.of(), admin.keys("*"), "nothing in db 0");
        try (RedisClient db2 = RedisClient.builder().hostAndPort("127.0.0.1", server.port())
                .clientConfig(redis.clients.jedis.DefaultJedisClientConfig.builder().database(2).build()).build()) {
            assertTrue(db2.exists("krest:{g}:i:a"));
        }

        String wrong = "redis://krest:nope@127.0.0.1:" + server.port();
        try (RedisConsumerStateStore store = new RedisConsumerStateStore(RedisStateStoreConfig.of(wrong))) {
            StateStoreException e = assertThrows(StateStoreException.class, store::ping);
            assertEquals(StateStoreException.class, e.getClass(), "a configuration error, not retriable");
            assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
        }
    }
}

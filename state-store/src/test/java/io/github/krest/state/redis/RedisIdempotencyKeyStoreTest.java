package io.github.krest.state.redis;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.state.IdempotencyKeyStoreContract;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.StoredAnswer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the contract against {@link RedisIdempotencyKeyStore} on a real redis-server, and measures what a key costs
 * Redis ({@code MEMORY USAGE}, the figures docs/architecture.md gives).
 */
class RedisIdempotencyKeyStoreTest extends IdempotencyKeyStoreContract {

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
    protected IdempotencyKeyStore newStore() {
        try (RedisClient admin = RedisClient.create("127.0.0.1", server.port())) {
            admin.flushAll();
        }
        return new RedisIdempotencyKeyStore(RedisStateStoreConfig.of(server.url()), Optional.empty());
    }

    @Test
    void aKeyIsOneShortHashWithARedisExpiry() {
        store.claim(KEY, FP, 1, "0123456789abcdef0123456789abcdef", t0, ATTEMPT, TTL);
        try (RedisClient admin = RedisClient.create("127.0.0.1", server.port())) {
            String name = RedisIdempotencyKeyStore.redisKey(KEY);
            assertEquals(java.util.Set.of(name), admin.keys("*"));
            assertEquals(RedisIdempotencyKeyStore.PREFIX.length() + 32, name.length());
            long ttl = admin.pttl(name);
            assertTrue(ttl > TTL && ttl <= ATTEMPT + TTL, "a running key lives until its deadline plus the TTL: " + ttl);
        }
    }

    /**
     * What a completed key costs Redis for v2 answers of 1, 10, 100 and 500 records and a running key (armed or not), as
     * {@code MEMORY USAGE} reports it (the key, its hash and the allocator's overhead).
     */
    @Test
    void memoryPerKey() {
        Map<String, Long> bytes = new TreeMap<>();
        try (RedisClient admin = RedisClient.create("127.0.0.1", server.port())) {
            for (int records : new int[] {1, 10, 100, 500}) {
                IdempotencyKey key = new IdempotencyKey("", "00000000-0000-4000-8000-00000000000" + (records % 10));
                key = new IdempotencyKey("", key.key() + records);
                store.claim(key, "a".repeat(43), 1, "0123456789abcdef0123456789abcdef", t0, ATTEMPT, TTL);
                store.complete(key, 1, new StoredAnswer(200, "application/vnd.kafka.v2+json", v2Answer(records)),
                        t0, TTL);
                bytes.put(records + " record(s), completed", admin.memoryUsage(RedisIdempotencyKeyStore.redisKey(key)));
            }
            IdempotencyKey claimed = new IdempotencyKey("", "claimed");
            store.claim(claimed, "a".repeat(43), 1, "0123456789abcdef0123456789abcdef", t0, ATTEMPT, TTL);
            bytes.put("running", admin.memoryUsage(RedisIdempotencyKeyStore.redisKey(claimed)));
            IdempotencyKey running = new IdempotencyKey("", "running");
            store.claim(running, "a".repeat(43), 1, "0123456789abcdef0123456789abcdef", t0, ATTEMPT, TTL);
            Map<PartitionRef, Long> from = new TreeMap<>();
            for (int p = 0; p < 6; p++) {
                from.put(new PartitionRef("orders", p), 1_000_000L + p);
            }
            store.arm(running, 1, from, t0, ATTEMPT, TTL);
            bytes.put("running, armed over 6 partitions", admin.memoryUsage(RedisIdempotencyKeyStore.redisKey(running)));
        }
        System.out.println("Redis MEMORY USAGE per idempotency key: " + bytes);
        // about 150 bytes of key, fingerprint and Redis overhead, plus the answer: as it is up to 256 characters,
        // deflated above (a twentieth of its JSON for many records)
        assertTrue(bytes.get("1 record(s), completed") < 400, bytes.toString());
        assertTrue(bytes.get("100 record(s), completed") < 1_000, bytes.toString());
        assertTrue(bytes.get("500 record(s), completed") < 3_000, bytes.toString());
        assertTrue(bytes.get("running") < 600, bytes.toString());
        assertTrue(bytes.get("running, armed over 6 partitions") < 1_000, bytes.toString());
    }

    @Test
    void aCompletedKeyKeepsOnlyWhatAReplayNeeds() {
        assertInstanceOf(IdempotencyClaim.Started.class,
                store.claim(KEY, FP, 1, "rid", t0, ATTEMPT, TTL));
        store.arm(KEY, 1, Map.of(new PartitionRef("t", 0), 3L), t0, ATTEMPT, TTL);
        store.complete(KEY, 1, new StoredAnswer(200, "application/json", "{}"), t0, TTL);
        try (RedisClient admin = RedisClient.create("127.0.0.1", server.port())) {
            assertEquals(FP + "\n200\napplication/json\nt{}", admin.get(RedisIdempotencyKeyStore.redisKey(KEY)));
        }
    }

    /** @return a v2 produce answer of {@code records} successes, as krest writes it */
    private static String v2Answer(int records) {
        StringBuilder out = new StringBuilder("{\"offsets\":[");
        for (int i = 0; i < records; i++) {
            out.append(i == 0 ? "" : ",").append("{\"partition\":").append(i % 3).append(",\"offset\":")
                    .append(1_000_000 + i).append(",\"error_code\":null,\"error\":null}");
        }
        return out.append("],\"key_schema_id\":null,\"value_schema_id\":null}").toString();
    }
}

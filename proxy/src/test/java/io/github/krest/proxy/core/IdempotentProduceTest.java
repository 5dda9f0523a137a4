package io.github.krest.proxy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.http.IdempotencyKeys;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.StoredAnswer;
import io.github.krest.state.redis.RedisIdempotencyKeyStore;
import io.github.krest.state.redis.RedisServerProcess;
import io.github.krest.state.redis.RedisStateStoreConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * {@code Idempotency-Key} on v2 produce and v3 {@code records:batch} (docs/api.md, "Idempotent produce"), against
 * real Kafka and Redis: two krest servers (A and B) share one Redis, so a retry may land on either; a third runs
 * with the memory store. The earlier attempt of another replica (running, or dead after it wrote) is played by the
 * test through the same state-store API and a plain Kafka producer. What a client observes: the same answer for
 * every retry, marked {@code Idempotent-Replayed}, and every record once in Kafka.
 */
class IdempotentProduceTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String V2 = "application/vnd.kafka.v2+json";

    private static RedisServerProcess redis;
    private static TestKrest a;
    private static TestKrest b;
    private static TestKrest memory;
    /** Shares A's Redis; its Schema Registry never answers (a closed port). */
    private static TestKrest noRegistry;
    private static RedisIdempotencyKeyStore keys;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        Map<String, String> shared = Map.of("consumer.state.store", "redis", "redis.url", redis.url(),
                // an attempt owns its key for this plus IdempotentProduce's margin
                "producer.delivery.timeout.ms", "3000", "producer.request.timeout.ms", "2500");
        a = TestKrest.start(shared);
        b = TestKrest.start(shared);
        memory = TestKrest.start();
        Map<String, String> deadRegistry = new java.util.HashMap<>(shared);
        deadRegistry.put("schema.registry.url", "http://127.0.0.1:" + io.github.krest.testing.FreePorts.next());
        noRegistry = TestKrest.start(deadRegistry);
        keys = new RedisIdempotencyKeyStore(RedisStateStoreConfig.of(redis.url()), Optional.empty());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {producer, keys, a, b, memory, noRegistry, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String v2Body(String... values) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < values.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(b64(values[i])).append("\"}");
        }
        return body.append("]}").toString();
    }

    private static KrestHttp.Response produce(KrestHttp http, String topic, String body, String key) {
        return http.post("/topics/" + topic, BINARY, body, "Idempotency-Key", "\"" + key + "\"");
    }

    /** @return the values Kafka holds, in partition and offset order */
    private static List<String> values(String topic) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TestKafka.readToEnd(topic)) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    @Test
    void aRetryOnAnyReplicaGetsTheFirstAnswerAndWritesNothing() {
        String topic = TestKafka.createTopic("idem-v2", 3);
        String body = v2Body("a", "b", "c");
        KrestHttp.Response first = produce(a.http(), topic, body, "retry-1");
        assertEquals(200, first.status(), first.body());
        assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty());

        for (KrestHttp http : List.of(a.http(), b.http(), b.http())) {
            KrestHttp.Response retry = produce(http, topic, body, "retry-1");
            assertEquals(200, retry.status(), retry.body());
            assertEquals(first.body(), retry.body());
            assertEquals(V2, retry.contentType());
            assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
        }
        assertEquals(List.of("a", "b", "c"), values(topic).stream().sorted().toList());
        // each record carries its request's id and its index in the request
        List<String> tags = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TestKafka.readToEnd(topic)) {
            Header tag = r.headers().lastHeader(IdempotentProduce.RECORD_HEADER);
            tags.add(new String(tag.value(), StandardCharsets.UTF_8).replaceAll("^.*:", ""));
        }
        assertEquals(List.of("0", "1", "2"), tags.stream().sorted().toList());
    }

    @Test
    void theSameKeyForAnotherRequestIs422AndAKeyIsPerRequestNotPerTopic() {
        String topic = TestKafka.createTopic("idem-mismatch", 1);
        assertEquals(200, produce(a.http(), topic, v2Body("x"), "reused").status());
        KrestHttp.Response other = produce(b.http(), topic, v2Body("y"), "reused");
        assertEquals(422, other.status(), other.body());
        assertEquals(42209, other.errorCode());
        KrestHttp.Response otherPartition = b.http().post("/topics/" + topic + "/partitions/0", BINARY,
                v2Body("x"), "Idempotency-Key", "reused");
        assertEquals(42209, otherPartition.errorCode(), "the path is part of the request");
        assertEquals(List.of("x"), values(topic));
    }

    @Test
    void aRetryWhileTheFirstAttemptRunsGets409WithRetryAfterThenItsAnswer() {
        String topic = TestKafka.createTopic("idem-busy", 1);
        String body = v2Body("slow");
        IdempotencyKey key = new IdempotencyKey("", "busy-1");
        String fingerprint = IdempotencyKeys.fingerprint("POST", "/topics/" + topic, BINARY,
                body.getBytes(StandardCharsets.UTF_8));
        long now = System.currentTimeMillis();
        // another replica's attempt runs
        assertInstanceOf(IdempotencyClaim.Started.class, keys.claim(key, fingerprint, 42, "other-replica", now,
                60_000, 60_000));
        long start = System.nanoTime();
        KrestHttp.Response busy = produce(a.http(), topic, body, "busy-1");
        assertEquals(409, busy.status(), busy.body());
        assertEquals(40904, busy.errorCode());
        assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
        assertTrue(System.nanoTime() - start >= 900_000_000L, "waited about a second first");

        String answer = "{\"offsets\":[{\"partition\":0,\"offset\":0,\"error_code\":null,\"error\":null}],"
                + "\"key_schema_id\":null,\"value_schema_id\":null}";
        assertTrue(keys.complete(key, 42, new StoredAnswer(200, V2, answer), System.currentTimeMillis(), 60_000));
        KrestHttp.Response replay = produce(b.http(), topic, body, "busy-1");
        assertEquals(200, replay.status());
        assertEquals(answer, replay.body());
        assertEquals(List.of(), values(topic), "the answer came from the store; krest wrote nothing");
    }

    /**
     * The hard case in one JVM: an attempt (of a replica that then died) wrote two of three records, tagged with its
     * request id, but stored no answer. Past its deadline a retry finds those two (by the records' timestamps, all
     * later than the key's claim), answers their offsets, and writes only the third.
     */
    @Test
    void aRetryAfterADeadAttemptFindsWhatItWroteAndWritesOnlyTheRest() throws Exception {
        String topic = TestKafka.createTopic("idem-orphan", 2);
        String body = v2Body("r0", "r1", "r2");
        String key = "orphan-1";
        long[] offsets = deadAttempt(topic, body, key, Optional.empty(), Optional.empty());

        KrestHttp.Response retry = produce(b.http(), topic, body, key);
        assertEquals(200, retry.status(), retry.body());
        assertFoundAndWrote(retry, offsets);
        assertEquals(List.of("before", "r0", "r1", "r2"), values(topic).stream().sorted().toList());
        KrestHttp.Response replay = produce(a.http(), topic, body, key);
        assertEquals(retry.body(), replay.body());
        assertEquals(4, values(topic).size());
    }

    /**
     * As above, for an attempt whose records carried the client's timestamps (here from 1970), which therefore armed
     * the key with the partitions' end offsets before sending: the retry looks from those offsets.
     */
    @Test
    void aRetryAfterADeadArmedAttemptLooksFromTheOffsetsItNoted() throws Exception {
        String topic = TestKafka.createTopic("idem-orphan-armed", 2);
        String cluster = a.http().get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
        String path = "/v3/clusters/" + cluster + "/topics/" + topic + "/records:batch";
        StringBuilder entries = new StringBuilder("{\"entries\":[");
        for (int i = 0; i < 3; i++) {
            entries.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(i).append("\",\"timestamp\":\"")
                    .append(java.time.Instant.ofEpochMilli(1_000 + i)).append("\",\"value\":{\"type\":\"STRING\",")
                    .append("\"data\":\"r").append(i).append("\"}}");
        }
        String body = entries.append("]}").toString();
        Map<PartitionRef, Long> from = new TreeMap<>(Map.of(new PartitionRef(topic, 0), 1L,
                new PartitionRef(topic, 1), 0L));
        long[] offsets = deadAttempt(topic, body, "orphan-armed", Optional.of(from), Optional.of(path));

        KrestHttp.Response retry = b.http().post(path, "application/json", body, "Idempotency-Key", "orphan-armed");
        assertEquals(207, retry.status(), retry.body());
        JsonNode successes = retry.json().get("successes");
        assertEquals(3, successes.size(), retry.body());
        assertEquals(1, successes.get(0).get("partition_id").asInt());
        assertEquals(offsets[0], successes.get(0).get("offset").asLong());
        assertEquals(0, successes.get(2).get("partition_id").asInt());
        assertEquals(offsets[1], successes.get(2).get("offset").asLong());
        assertEquals(List.of("before", "r0", "r1", "r2"), values(topic).stream().sorted().toList());

        // a first attempt with such records arms the key itself, and a retry replays its answer
        String again = body.replace("\"r", "\"s");
        KrestHttp.Response first = a.http().post(path, "application/json", again, "Idempotency-Key", "armed-2");
        assertEquals(207, first.status(), first.body());
        assertEquals(first.body(), b.http().post(path, "application/json", again, "Idempotency-Key", "armed-2").body());
        assertEquals(7, values(topic).size());
    }

    /**
     * Plays an attempt of another replica that claimed the key (armed with {@code from} when given), wrote records
     * 0 and 2 of the request (to partitions 1 and 0, after one record "before" on partition 0) and died; its
     * deadline has passed when this returns.
     *
     * @return the offsets of records 0 and 2
     */
    private static long[] deadAttempt(String topic, String body, String key, Optional<Map<PartitionRef, Long>> from,
                                      Optional<String> path) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, null, "before".getBytes(StandardCharsets.UTF_8))).get();
        IdempotencyKey scoped = new IdempotencyKey("", key);
        String fingerprint = IdempotencyKeys.fingerprint("POST", path.orElse("/topics/" + topic),
                path.isPresent() ? "application/json" : BINARY, body.getBytes(StandardCharsets.UTF_8));
        long now = System.currentTimeMillis();
        assertInstanceOf(IdempotencyClaim.Started.class, keys.claim(scoped, fingerprint, 7, "dead-attempt", now,
                200, 60_000));
        from.ifPresent(f -> assertTrue(keys.arm(scoped, 7, f, now, 200, 60_000)));
        long[] offsets = new long[2];
        for (int i : new int[] {0, 2}) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, i == 0 ? 1 : 0,
                    from.isPresent() ? Long.valueOf(1_000 + i) : null, null,
                    ("r" + i).getBytes(StandardCharsets.UTF_8));
            record.headers().add(new RecordHeader(IdempotentProduce.RECORD_HEADER,
                    ("dead-attempt:" + i).getBytes(StandardCharsets.UTF_8)));
            offsets[i / 2] = producer.send(record).get().offset();
        }
        Thread.sleep(300);
        return offsets;
    }

    private static void assertFoundAndWrote(KrestHttp.Response retry, long[] offsets) {
        JsonNode answer = retry.json().get("offsets");
        assertEquals(1, answer.get(0).get("partition").asInt());
        assertEquals(offsets[0], answer.get(0).get("offset").asLong());
        assertEquals(0, answer.get(2).get("partition").asInt());
        assertEquals(offsets[1], answer.get(2).get("offset").asLong());
        assertTrue(answer.get(1).get("error_code").isNull(), retry.body());
    }

    @Test
    void aRequestRefusedBeforeAnythingWasSentFreesItsKey() {
        KrestHttp.Response missing = produce(a.http(), "idem-no-such-topic", v2Body("v"), "refused-1");
        assertEquals(404, missing.status(), missing.body());
        String topic = TestKafka.createTopic("idem-refused", 1);
        KrestHttp.Response fixed = produce(b.http(), topic, v2Body("v"), "refused-1");
        assertEquals(200, fixed.status(), "the key was forgotten, so another request may use it: " + fixed.body());
    }

    @Test
    void withoutTheHeaderProduceNeedsNoStateStoreAndLeavesNoKey() {
        String topic = TestKafka.createTopic("idem-none", 1);
        try (RedisClient admin = RedisClient.create("127.0.0.1", redis.port())) {
            long before = admin.keys("krest:idem:*").size();
            assertEquals(200, a.http().post("/topics/" + topic, BINARY, v2Body("plain")).status());
            assertEquals(before, admin.keys("krest:idem:*").size());
        }
        redis.stop();
        try {
            KrestHttp.Response plain = a.http().post("/topics/" + topic, BINARY, v2Body("plain-2"));
            assertEquals(200, plain.status(), plain.body());
            KrestHttp.Response keyed = produce(a.http(), topic, v2Body("keyed"), "redis-down");
            assertEquals(503, keyed.status(), keyed.body());
            assertEquals(50303, keyed.errorCode());
        } finally {
            redis.restart();
        }
        assertEquals(List.of("plain", "plain-2"), values(topic));
    }

    @Test
    void v3BatchesReplayTheirAnswerEntryFailuresIncluded() {
        String cluster = a.http().get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
        String topic = TestKafka.createTopic("idem-v3", 2);
        String path = "/v3/clusters/" + cluster + "/topics/" + topic + "/records:batch";
        String body = "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"one\"}},"
                + "{\"id\":\"2\",\"partition_id\":9,\"value\":{\"type\":\"STRING\",\"data\":\"bad\"}},"
                + "{\"id\":\"3\",\"value\":{\"type\":\"STRING\",\"data\":\"three\"}}]}";
        KrestHttp.Response first = a.http().post(path, "application/json", body, "Idempotency-Key", "batch-1");
        assertEquals(207, first.status(), first.body());
        assertEquals(2, first.json().get("successes").size());
        assertEquals(1, first.json().get("failures").size());
        KrestHttp.Response retry = b.http().post(path, "application/json", body, "Idempotency-Key", "batch-1");
        assertEquals(207, retry.status());
        assertEquals(first.body(), retry.body());
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(List.of("one", "three"), values(topic).stream().sorted().toList());

        KrestHttp.Response stream = a.http().post("/v3/clusters/" + cluster + "/topics/" + topic + "/records",
                "application/json", "{\"value\":{\"type\":\"STRING\",\"data\":\"s\"}}", "Idempotency-Key", "s-1");
        assertEquals(400, stream.status(), stream.body());
        assertTrue(stream.json().get("message").asText().contains("records:batch"), stream.body());
    }

    /**
     * A batch entry refused for a reason that may pass (the Schema Registry unreachable, 503/50304) makes the answer
     * one a retry must not get: the retry is no replay, it finds the entry that was written and writes it no second
     * time, and tries the other again.
     */
    @Test
    void aBatchEntryThatMaySucceedLaterIsTriedAgainAndTheRestIsNotWrittenTwice() {
        KrestHttp http = noRegistry.http();
        String cluster = http.get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
        String topic = TestKafka.createTopic("idem-transient", 1);
        String path = "/v3/clusters/" + cluster + "/topics/" + topic + "/records:batch";
        String body = "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"kept\"}},"
                + "{\"id\":\"2\",\"value\":{\"type\":\"AVRO\",\"schema\":\"\\\"string\\\"\",\"data\":\"later\"}}]}";
        KrestHttp.Response first = http.post(path, "application/json", body, "Idempotency-Key", "transient-1");
        assertEquals(207, first.status(), first.body());
        assertEquals(1, first.json().get("successes").size(), first.body());
        assertEquals(50304, first.json().get("failures").get(0).get("error_code").asInt(), first.body());

        KrestHttp.Response retry = http.post(path, "application/json", body, "Idempotency-Key", "transient-1");
        assertEquals(207, retry.status(), retry.body());
        assertTrue(retry.headers().firstValue("Idempotent-Replayed").isEmpty(), "tried again, not replayed");
        assertEquals(first.json().get("successes"), retry.json().get("successes"), "the same offset: found, not rewritten");
        assertEquals(List.of("kept"), values(topic));
    }

    @Test
    void malformedKeysAre400() {
        String topic = TestKafka.createTopic("idem-malformed", 1);
        for (String bad : List.of("\"\"", "\"unterminated", "two words", "\"a\" \"b\"", "\"" + "k".repeat(256) + "\"",
                "\"bad\\escape\"")) {
            KrestHttp.Response r = a.http().post("/topics/" + topic, BINARY, v2Body("v"), "Idempotency-Key", bad);
            assertEquals(400, r.status(), bad + ": " + r.body());
            assertTrue(r.json().get("message").asText().startsWith("Invalid Idempotency-Key header"), r.body());
        }
        // a quoted key with escapes and a bare token name different keys; Structured Field parameters are ignored
        assertEquals(200, a.http().post("/topics/" + topic, BINARY, v2Body("v"), "Idempotency-Key",
                "\"q\\\"uoted\"; p=1").status());
        assertEquals(200, a.http().post("/topics/" + topic, BINARY, v2Body("v"), "Idempotency-Key",
                "bare-token").status());
        assertEquals(List.of("v", "v"), values(topic));
    }

    @Test
    void oneReplicaWithTheMemoryStoreReplaysToo() {
        String topic = TestKafka.createTopic("idem-memory", 1);
        KrestHttp.Response first = produce(memory.http(), topic, v2Body("m"), "mem-1");
        KrestHttp.Response retry = produce(memory.http(), topic, v2Body("m"), "mem-1");
        assertEquals(200, retry.status());
        assertEquals(first.body(), retry.body());
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(List.of("m"), values(topic));
    }
}

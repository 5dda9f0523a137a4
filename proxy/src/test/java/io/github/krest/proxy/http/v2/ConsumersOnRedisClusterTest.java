package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.redis.RedisClusterProcess;
import io.github.krest.testing.FreePorts;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code redis.cluster=true}: two krest replicas share a real three-master Redis Cluster as their state store, and
 * consumer groups whose state lives on different masters are served by whichever replica a request reaches, each
 * record once and in order, with the stored positions committed to Kafka; and a replica whose cluster does not answer
 * starts all the same and answers 503.
 */
class ConsumersOnRedisClusterTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";

    private static RedisClusterProcess redis;
    private static TestKrest a;
    private static TestKrest b;

    @BeforeAll
    static void start() {
        redis = RedisClusterProcess.start(3);
        Map<String, String> shared = Map.of("consumer.state.store", "redis", "redis.url", redis.url(),
                "redis.cluster", "true", "auto.commit.interval.ms", "600000", "consumer.fetch.max.wait.ms", "50");
        a = TestKrest.start(shared);
        b = TestKrest.start(shared);
    }

    @AfterAll
    static void stop() {
        for (TestKrest k : new TestKrest[] {a, b}) {
            if (k != null) {
                k.close();
            }
        }
        redis.close();
    }

    @Test
    void krestStartsWhileNoClusterNodeAnswersAndAnswers503() {
        try (TestKrest down = TestKrest.start(Map.of("consumer.state.store", "redis", "redis.cluster", "true",
                "redis.url", "redis://127.0.0.1:" + FreePorts.next()))) {
            assertEquals(503, down.http().get("/observe/health/ready").status());
            KrestHttp.Response created = down.http().post("/consumers/crc-down", V2, "{\"name\":\"c\"}");
            assertEquals(503, created.status(), created.body());
            assertEquals(50303, created.json().get("error_code").asInt(), created.body());
        }
    }

    @Test
    void groupsOnEveryMasterAreServedByEitherReplica() throws Exception {
        assertEquals(200, a.http().get("/observe/health/ready").status(), "the cluster answers the readiness check");
        String topic = TestKafka.createTopic("crc-orders", 1);
        int count = 12;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
            }
        }

        // one group on each master (krest's keys carry the hash tag {group})
        Map<Integer, String> groups = new LinkedHashMap<>();
        for (int i = 0; groups.size() < 3; i++) {
            String group = "crc-" + i;
            groups.putIfAbsent(redis.initialMasterOf("{" + group + "}"), group);
        }
        for (String group : groups.values()) {
            KrestHttp.Response created = a.http().post("/consumers/" + group, V2,
                    "{\"name\":\"c\",\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
            assertEquals(200, created.status(), created.body());
            String path = "/consumers/" + group + "/instances/c";
            assertEquals(204, b.http().post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}")
                    .status());

            List<String> values = new ArrayList<>();
            int polls = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < count && System.currentTimeMillis() < deadline) {
                TestKrest replica = polls++ % 2 == 0 ? a : b;
                KrestHttp.Response r = replica.http().get(path + "/records?timeout=500&max_bytes=6",
                        "Accept", BINARY);
                assertEquals(200, r.status(), r.body());
                for (JsonNode n : r.json()) {
                    values.add(new String(Base64.getDecoder().decode(n.get("value").asText()),
                            StandardCharsets.UTF_8));
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add("r" + i);
            }
            assertEquals(expected, values, group + ": every record once, in order");
            assertTrue(polls > 4, group + ": the replicas took turns, " + polls + " polls");

            assertEquals(200, b.http().post(path + "/offsets", null, "").status());
            Map<TopicPartition, OffsetAndMetadata> committed = TestKafka.admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            assertEquals(count, committed.get(new TopicPartition(topic, 0)).offset(), group);
            assertEquals(204, a.http().send(HttpRequest.newBuilder(URI.create(a.http().base() + path)).DELETE())
                    .status());
        }
        assertEquals(3, groups.size());
    }
}

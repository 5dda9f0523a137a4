package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.redis.RedisSentinelProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code redis.sentinel.master}: two krest replicas find their state store's master through three real Redis
 * Sentinels; when the master is SIGKILLed and the Sentinels promote its replica, one v2 consumer polling through
 * both replicas goes on: in the failover window requests answer 503/50303 (retriable), never another error, and
 * afterwards every record arrives once, in order (the positions were replicated before the kill).
 */
class ConsumersOnRedisSentinelTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";

    private static RedisSentinelProcess redis;
    private static TestKrest a;
    private static TestKrest b;

    @BeforeAll
    static void start() {
        redis = RedisSentinelProcess.start();
        Map<String, String> shared = Map.of("consumer.state.store", "redis", "redis.url", redis.url(),
                "redis.sentinel.master", RedisSentinelProcess.MASTER, "auto.commit.interval.ms", "600000",
                "consumer.fetch.max.wait.ms", "50");
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

    private static void produce(String topic, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls through both replicas until {@code count} values arrived; 503/50303 answers are counted, not errors. */
    private static int pollUntil(String path, List<String> values, int count) {
        int unavailable = 0;
        int polls = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while (values.size() < count && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = (polls++ % 2 == 0 ? a : b).http().get(path + "/records?timeout=500&max_bytes=6",
                    "Accept", BINARY);
            if (r.status() == 503) {
                assertEquals(50303, r.errorCode(), r.body());
                unavailable++;
                continue;
            }
            assertEquals(200, r.status(), r.body());
            for (JsonNode n : r.json()) {
                values.add(new String(Base64.getDecoder().decode(n.get("value").asText()), StandardCharsets.UTF_8));
            }
        }
        return unavailable;
    }

    @Test
    void aConsumerGoesOnThroughAMasterFailover() throws Exception {
        String topic = TestKafka.createTopic("sentinel-orders", 1);
        produce(topic, 0, 10);
        String group = "sentinel-group";
        assertEquals(200, a.http().post("/consumers/" + group, V2,
                "{\"name\":\"c\",\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}").status());
        String path = "/consumers/" + group + "/instances/c";
        assertEquals(204, b.http().post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<String> values = new ArrayList<>();
        pollUntil(path, values, 5);
        redis.awaitReplicated();

        redis.killMaster();
        produce(topic, 10, 20);
        int unavailable = pollUntil(path, values, 20);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("r" + i);
        }
        assertEquals(expected, values, "every record once, in order, across the failover (" + unavailable
                + " polls answered 503 in the window)");
        assertEquals(200, a.http().get("/observe/health/ready").status(), "ready again on the new master");
        assertTrue(b.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(b.http().base() + path))
                .DELETE()).status() == 204);
    }
}

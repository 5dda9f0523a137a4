package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hard case of effectively-once produce (docs/architecture.md, "Effectively-once produce"), with krest deployed
 * as intended: three replica processes sharing Redis behind the shipped nginx configuration. A v2 produce request
 * with an {@code Idempotency-Key} goes through nginx; the replica that took it is SIGKILLed at a chosen point; the
 * client, which got nginx's 502, retries through nginx with the same key until it gets an answer.
 *
 * <p>The point is chosen with krest's crash-test hooks (system properties {@code krest.test.idempotency.*} passed in
 * {@code JAVA_TOOL_OPTIONS}; each stops the first attempt of keys with a given prefix): after Kafka acknowledged
 * every record and before the answer was stored, and after the key was claimed and before anything was sent. Either
 * way every record must be in Kafka exactly once, the answer must give each record's real partition and offset, and
 * a further retry must get the same answer marked as a replay.
 *
 * <p>The replicas' producers have {@code delivery.timeout.ms} 4 s, so an attempt owns its key for 9 s: a retry
 * within that time is answered 409/40904 with {@code Retry-After}, as a client retrying a slow request would be.
 */
class IdempotentProduceFailoverIT {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String AFTER_ACK = "crash-after-ack-";
    private static final String BEFORE_SEND = "crash-before-send-";
    private static final Duration RETRY_FOR = Duration.ofSeconds(90);

    private static KrestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KrestCluster.start("IdempotentProduceFailoverIT", KrestCluster.options()
                .withEnv("KAFKA_REST_PRODUCER_DELIVERY_TIMEOUT_MS", "4000")
                .withEnv("KAFKA_REST_PRODUCER_REQUEST_TIMEOUT_MS", "3000")
                .withEnv("JAVA_TOOL_OPTIONS", "-Dkrest.test.idempotency.pause-after-ack=" + AFTER_ACK
                        + " -Dkrest.test.idempotency.pause-before-send=" + BEFORE_SEND));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String body(String prefix, int records) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < records; i++) {
            String value = Base64.getEncoder().encodeToString((prefix + i).getBytes(StandardCharsets.UTF_8));
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(value).append("\"}");
        }
        return body.append("]}").toString();
    }

    @Test
    void aReplicaKilledAfterKafkaAcknowledgedIsNotWrittenTwice() throws Exception {
        String topic = TestKafka.createTopic("idem-crash-ack-" + System.nanoTime(), 3);
        int records = 50;
        String key = AFTER_ACK + System.nanoTime();
        String body = body("ack-", records);

        CompletableFuture<KrestHttp.Response> first = send(topic, key, body);
        int victim = awaitHook(key);
        assertEquals(records, TestKafka.readToEnd(topic).size(), "Kafka acknowledged every record before the kill");
        cluster.killReplica(victim);
        KrestHttp.Response lost = first.get(60, TimeUnit.SECONDS);
        assertEquals(502, lost.status(), "nginx answers the request its replica died under: " + lost.body());

        KrestHttp.Response answer = retryUntilAnswered(topic, key, body);
        assertEveryRecordOnceAsAnswered(topic, answer, "ack-", records);
        assertReplayed(topic, key, body, answer);
        cluster.restartReplica(victim);
    }

    @Test
    void aReplicaKilledBeforeItSentIsRetriedToExactlyOneWrite() throws Exception {
        String topic = TestKafka.createTopic("idem-crash-send-" + System.nanoTime(), 3);
        int records = 20;
        String key = BEFORE_SEND + System.nanoTime();
        String body = body("send-", records);

        CompletableFuture<KrestHttp.Response> first = send(topic, key, body);
        int victim = awaitHook(key);
        assertEquals(0, TestKafka.readToEnd(topic).size(), "nothing was sent before the kill");
        cluster.killReplica(victim);
        assertEquals(502, first.get(60, TimeUnit.SECONDS).status());

        KrestHttp.Response answer = retryUntilAnswered(topic, key, body);
        assertEveryRecordOnceAsAnswered(topic, answer, "send-", records);
        assertReplayed(topic, key, body, answer);
        cluster.restartReplica(victim);
    }

    private static CompletableFuture<KrestHttp.Response> send(String topic, String key, String body) {
        return CompletableFuture.supplyAsync(() -> cluster.lb().post("/topics/" + topic, BINARY, body,
                "Idempotency-Key", "\"" + key + "\""));
    }

    /** @return the index of the replica whose first attempt of {@code key} stopped at a crash-test hook */
    private static int awaitHook(String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < cluster.replicaCount(); i++) {
                if (cluster.replicaLogTail(i).contains("(key " + key + ") stops")) {
                    return i;
                }
            }
            ClusterProcesses.sleep(100);
        }
        return fail("no replica reached the crash-test hook for " + key);
    }

    /**
     * Retries through nginx as a client would: on 409 after {@code Retry-After} (at most 2 s here), on 502/503
     * after a second, until the answer.
     */
    private static KrestHttp.Response retryUntilAnswered(String topic, String key, String body) {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        List<Integer> statuses = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            KrestHttp.Response r = cluster.lb().post("/topics/" + topic, BINARY, body,
                    "Idempotency-Key", "\"" + key + "\"");
            statuses.add(r.status());
            if (r.status() == 200) {
                assertTrue(r.headers().firstValue("Idempotent-Replayed").isEmpty(),
                        "the retry that recovered answers as the first answer would have");
                return r;
            }
            if (r.status() == 409) {
                assertEquals(40904, r.errorCode(), r.body());
                long wait = Long.parseLong(r.headers().firstValue("Retry-After").orElse("1"));
                assertTrue(wait >= 1, r.headers().toString());
                ClusterProcesses.sleep(Math.min(wait, 2) * 1000);
            } else if (r.status() == 502 || r.status() == 503) {
                ClusterProcesses.sleep(1000);
            } else {
                fail("unexpected answer " + r.status() + " " + r.body() + " after " + statuses);
            }
        }
        return fail("no answer within " + RETRY_FOR + ": " + statuses);
    }

    private static void assertEveryRecordOnceAsAnswered(String topic, KrestHttp.Response answer, String prefix,
                                                        int records) {
        List<ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.readToEnd(topic);
        assertEquals(records, inKafka.size(), "every record exactly once");
        Map<String, ConsumerRecord<byte[], byte[]>> byValue = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : inKafka) {
            assertEquals(null, byValue.put(new String(r.value(), StandardCharsets.UTF_8), r), "written twice");
        }
        JsonNode offsets = answer.json().get("offsets");
        assertEquals(records, offsets.size(), answer.body());
        for (int i = 0; i < records; i++) {
            ConsumerRecord<byte[], byte[]> r = byValue.get(prefix + i);
            JsonNode o = offsets.get(i);
            assertTrue(o.get("error_code").isNull(), answer.body());
            assertEquals(r.partition(), o.get("partition").asInt(), "record " + i);
            assertEquals(r.offset(), o.get("offset").asLong(), "record " + i);
            Header tag = r.headers().lastHeader("krest-idempotency");
            assertTrue(new String(tag.value(), StandardCharsets.UTF_8).endsWith(":" + i));
        }
    }

    private static void assertReplayed(String topic, String key, String body, KrestHttp.Response answer) {
        KrestHttp.Response replay = cluster.lb().post("/topics/" + topic, BINARY, body,
                "Idempotency-Key", "\"" + key + "\"");
        assertEquals(200, replay.status(), replay.body());
        assertEquals(Optional.of("true"), replay.headers().firstValue("Idempotent-Replayed"));
        assertEquals(answer.body(), replay.body());
    }
}

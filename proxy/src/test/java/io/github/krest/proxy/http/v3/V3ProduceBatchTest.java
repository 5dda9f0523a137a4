package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 batch produce ({@code POST /v3/clusters/{C}/topics/{t}/records:batch}) against a real broker:
 * 207 with {@code successes} and {@code failures} in request order and the records in Kafka; 422/42208 for an
 * empty, entry-less, empty, duplicate-id, id-less or oversized batch; 400 for malformed JSON; 413 for a body over
 * {@code request.body.max.bytes}. The server runs with {@code api.v3.produce.batch.maximum.entries=3} and
 * {@code request.body.max.bytes=4096}.
 */
class V3ProduceBatchTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final long BODY_MAX = 4096;
    private static TestKrest krest;
    private static String clusterId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        krest = TestKrest.start(Map.of("api.v3.produce.batch.maximum.entries", "3",
                "request.body.max.bytes", Long.toString(BODY_MAX)));
    }

    @AfterAll
    static void stop() {
        if (krest != null) {
            krest.close();
        }
    }

    /** A new topic; retention.ms=-1 since records stamped in 2021 would go at the broker's next retention check. */
    private static String topic(int partitions) {
        return TestKafka.createTopic("v3-batch-" + TOPICS.incrementAndGet() + "-" + System.nanoTime(), partitions,
                Map.of("retention.ms", "-1"));
    }

    private static String path(String topic) {
        return "/v3/clusters/" + clusterId + "/topics/" + topic + "/records:batch";
    }

    private static KrestHttp.Response batch(String topic, String body) {
        return krest.http().post(path(topic), "application/json", body);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBatchError(KrestHttp.Response r, String messagePart) {
        assertEquals(422, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(42208, r.errorCode(), r.body());
        assertTrue(r.json().get("message").asText().contains(messagePart), r.body());
    }

    @Test
    void successesAndFailuresInRequestOrder() {
        String topic = topic(2);
        String body = """
                {"entries": [
                  {"id": "first", "partition_id": 1, "key": {"type": "BINARY", "data": "%s"},
                   "value": {"type": "STRING", "data": "m1"}, "timestamp": "2021-02-05T19:14:42.5Z",
                   "headers": [{"name": "h", "value": "%s"}]},
                  {"id": "second", "value": {"type": "BINARY", "data": "Message$"}},
                  {"id": "third", "partition_id": 0, "value": {"type": "JSON", "data": {"n": [1, 2]}}}
                ]}""".formatted(b64("k1"), b64("hv"));
        KrestHttp.Response r = batch(topic, body);
        assertEquals(207, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());

        JsonNode successes = r.json().get("successes");
        assertEquals(2, successes.size(), r.body());
        JsonNode first = successes.get(0);
        assertEquals("first", first.get("id").asText());
        assertEquals(clusterId, first.get("cluster_id").asText());
        assertEquals(topic, first.get("topic_name").asText());
        assertEquals(1, first.get("partition_id").asInt());
        assertEquals(0, first.get("offset").asLong());
        assertEquals("2021-02-05T19:14:42.500Z", first.get("timestamp").asText());
        assertEquals(KrestHttp.json("{\"type\":\"BINARY\",\"size\":2}"), first.get("key"));
        assertEquals(KrestHttp.json("{\"type\":\"STRING\",\"size\":2}"), first.get("value"));

        JsonNode third = successes.get(1);
        assertEquals("third", third.get("id").asText());
        assertEquals(clusterId, third.get("cluster_id").asText());
        assertEquals(topic, third.get("topic_name").asText());
        assertEquals(0, third.get("partition_id").asInt());
        assertEquals(0, third.get("offset").asLong());
        Instant.parse(third.get("timestamp").asText());
        assertFalse(third.has("key"), r.body());
        assertEquals(KrestHttp.json("{\"type\":\"JSON\",\"size\":11}"), third.get("value"));

        JsonNode failures = r.json().get("failures");
        assertEquals(1, failures.size(), r.body());
        assertEquals("second", failures.get(0).get("id").asText());
        assertEquals(400, failures.get(0).get("error_code").asInt());
        assertTrue(failures.get(0).get("message").asText().startsWith("Bad Request: "), r.body());
        assertTrue(failures.get(0).get("message").asText().contains("base64"), r.body());

        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 2);
        assertEquals(2, records.size());
        ConsumerRecord<byte[], byte[]> p0 = records.get(0);
        assertEquals(0, p0.partition());
        assertEquals(null, p0.key());
        assertEquals("{\"n\":[1,2]}", new String(p0.value(), StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> p1 = records.get(1);
        assertEquals(1, p1.partition());
        assertArrayEquals("k1".getBytes(StandardCharsets.UTF_8), p1.key());
        assertArrayEquals("m1".getBytes(StandardCharsets.UTF_8), p1.value());
        assertEquals(Instant.parse("2021-02-05T19:14:42.5Z").toEpochMilli(), p1.timestamp());
        assertEquals(1, p1.headers().toArray().length);
        assertEquals("h", p1.headers().toArray()[0].key());
        assertArrayEquals("hv".getBytes(StandardCharsets.UTF_8), p1.headers().toArray()[0].value());
    }

    @Test
    void perEntryErrorCodesMatchTheStream() {
        String topic = topic(1);
        String body = """
                {"entries": [
                  {"id": "missing-partition", "partition_id": 4, "value": {"type": "STRING", "data": "x"}},
                  {"id": "avro", "value": {"type": "AVRO", "data": {"a": 1}}},
                  {"id": "negative", "partition_id": -1, "value": {"type": "STRING", "data": "x"}}
                ]}""";
        KrestHttp.Response r = batch(topic, body);
        assertEquals(207, r.status(), r.body());
        assertEquals(0, r.json().get("successes").size(), r.body());
        JsonNode failures = r.json().get("failures");
        assertEquals(3, failures.size(), r.body());
        assertEquals("missing-partition", failures.get(0).get("id").asText());
        assertEquals(40403, failures.get(0).get("error_code").asInt());
        assertEquals("avro", failures.get(1).get("id").asText());
        assertEquals(422, failures.get(1).get("error_code").asInt());
        assertTrue(failures.get(1).get("message").asText().startsWith("Error: 42206"), r.body());
        assertEquals("negative", failures.get(2).get("id").asText());
        assertEquals(40402, failures.get(2).get("error_code").asInt());
    }

    @Test
    void emptyBodyIs42208() {
        assertBatchError(batch(topic(1), ""), "Request body is empty");
    }

    @Test
    void noEntriesIs42208() {
        assertBatchError(batch(topic(1), "{}"), "Request body is empty");
        assertBatchError(batch(topic(1), "{\"entries\": null}"), "Request body is empty");
    }

    @Test
    void emptyEntriesIs42208() {
        assertBatchError(batch(topic(1), "{\"entries\": []}"), "Empty batch");
    }

    @Test
    void duplicateIdsAre42208AndNothingIsProduced() throws Exception {
        String topic = topic(1);
        assertBatchError(batch(topic, """
                {"entries": [{"id": "a", "value": {"type": "STRING", "data": "1"}},
                             {"id": "a", "value": {"type": "STRING", "data": "2"}}]}"""), "not distinct");
        assertEquals(0, endOffset(topic));
    }

    @Test
    void entryWithoutIdIs42208() {
        String topic = topic(1);
        assertBatchError(batch(topic, """
                {"entries": [{"id": "a", "value": {"type": "STRING", "data": "1"}},
                             {"value": {"type": "STRING", "data": "2"}}]}"""), "id");
        assertBatchError(batch(topic, """
                {"entries": [{"id": "", "value": {"type": "STRING", "data": "1"}}]}"""), "id");
        assertBatchError(batch(topic, """
                {"entries": [{"id": "%s", "value": {"type": "STRING", "data": "1"}}]}""".formatted("x".repeat(81))),
                "id");
    }

    @Test
    void tooManyEntriesIs42208() throws Exception {
        String topic = topic(1);
        StringBuilder body = new StringBuilder("{\"entries\": [");
        for (int i = 0; i < 4; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\": \"e").append(i)
                    .append("\", \"value\": {\"type\": \"STRING\", \"data\": \"v\"}}");
        }
        body.append("]}");
        assertBatchError(batch(topic, body.toString()), "Too many entries");
        assertEquals(0, endOffset(topic));
    }

    @Test
    void malformedJsonIs400() {
        KrestHttp.Response r = batch(topic(1), "{\"entries\": [{\"id\": \"a\", ");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(400, r.errorCode());
    }

    @Test
    void bodyOverLimitIs413() throws Exception {
        String topic = topic(1);
        String big = "{\"entries\": [{\"id\": \"a\", \"value\": {\"type\": \"STRING\", \"data\": \""
                + "x".repeat((int) BODY_MAX) + "\"}}]}";
        KrestHttp.Response declared = batch(topic, big);
        assertEquals(413, declared.status(), declared.body());
        assertEquals(413, declared.errorCode());

        // a chunked body has no declared length: it is counted while read
        KrestHttp.Response chunked = krest.http().send(HttpRequest.newBuilder(
                        URI.create(krest.http().base() + path(topic)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertEquals(413, chunked.status(), chunked.body());
        assertEquals(413, chunked.errorCode());
        assertEquals(0, endOffset(topic));
    }

    @Test
    void beforeTheBatch() {
        String topic = topic(1);
        String ok = "{\"entries\": [{\"id\": \"a\", \"value\": {\"type\": \"STRING\", \"data\": \"1\"}}]}";
        KrestHttp.Response cluster = krest.http().post("/v3/clusters/nope/topics/" + topic + "/records:batch",
                "application/json", ok);
        assertEquals(404, cluster.status(), cluster.body());
        assertEquals("Cluster nope cannot be found.", cluster.json().get("message").asText());
        KrestHttp.Response media = krest.http().post(path(topic), "text/plain", ok);
        assertEquals(415, media.status(), media.body());
        assertEquals(415, media.errorCode());
        KrestHttp.Response missing = batch("v3-batch-missing-" + System.nanoTime(), ok);
        assertEquals(404, missing.status(), missing.body());
        assertEquals(40401, missing.errorCode());
    }

    private static long endOffset(String topic) throws Exception {
        var partitions = TestKafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions();
        long total = 0;
        for (var p : partitions) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, p.partition());
            total += TestKafka.admin().listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
        }
        return total;
    }
}

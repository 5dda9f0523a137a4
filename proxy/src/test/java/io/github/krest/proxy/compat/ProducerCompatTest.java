package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.AVRO_V2;
import static io.github.krest.proxy.compat.Compat.BINARY;
import static io.github.krest.proxy.compat.Compat.JSON_V2;
import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static io.github.krest.proxy.compat.Compat.base64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's {@code ProducerTest} and {@code AbstractProducerTest} (v2 binary produce to a topic and to a
 * partition): 200 {@code application/vnd.kafka.v2+json} with one offset per record in request order, the records in
 * Kafka as sent; a request without a body 422. Plus extra cases: {@code {}} is 422 in the v2 type, a field v2
 * produce does not have is refused (400 naming it) with nothing written, and a path with a trailing slash reaches the
 * same resource.
 *
 * <p>Where krest deliberately differs: a topic that does not exist is refused at once with 404/40401 (Confluent:
 * 200 with a per-record error after {@code max.block.ms}).
 */
class ProducerCompatTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest();

    /** A new topic of 3 partitions, as Confluent's test creates for each method. */
    private static String topic() {
        return TestKafka.createTopic("compat-producer-" + TOPICS.incrementAndGet(), 3);
    }

    private static String record(String key, String value, Integer partition) {
        return "{\"key\":" + (key == null ? "null" : "\"" + base64(key) + "\"")
                + ",\"value\":" + (value == null ? "null" : "\"" + base64(value) + "\"")
                + (partition == null ? "" : ",\"partition\":" + partition) + "}";
    }

    private static String body(String... records) {
        return "{\"records\":[" + String.join(",", records) + "]}";
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void produceToTopicWithKeys() {
        String topic = topic();
        JsonNode offsets = assertOk(krest.post("/topics/" + topic, BINARY, body(record("key", "value", null),
                record("key", "value2", null), record("key", "value3", null), record("key", "value4", null))),
                200, V2).get("offsets");
        assertEquals(4, offsets.size());
        int partition = offsets.at("/0/partition").asInt();
        for (int i = 0; i < 4; i++) {
            // one key, one partition: consecutive offsets in request order
            assertEquals(partition, offsets.get(i).get("partition").asInt());
            assertEquals(i, offsets.get(i).get("offset").asLong());
            assertTrue(offsets.get(i).get("error_code").isNull() && offsets.get(i).get("error").isNull());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 4);
        assertEquals(List.of("value", "value2", "value3", "value4"),
                records.stream().map(r -> utf8(r.value())).toList());
        assertTrue(records.stream().allMatch(r -> "key".equals(utf8(r.key()))));
    }

    @Test
    void produceToTopicWithPartitionsAndKeys() {
        String topic = topic();
        JsonNode offsets = assertOk(krest.post("/topics/" + topic, BINARY, body(record("key", "value", 0),
                record("key2", "value2", 1), record("key3", "value3", 1), record(null, "value4", 2))),
                200, V2).get("offsets");
        int[][] expected = {{0, 0}, {1, 0}, {1, 1}, {2, 0}};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], offsets.get(i).get("partition").asInt(), offsets.toString());
            assertEquals(expected[i][1], offsets.get(i).get("offset").asLong(), offsets.toString());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 4);
        assertEquals(List.of("value", "value2", "value3", "value4"),
                records.stream().map(r -> utf8(r.value())).toList());
        assertNull(records.get(3).key());
    }

    @Test
    void produceToTopicWithNullValues() {
        String topic = topic();
        assertOk(krest.post("/topics/" + topic, BINARY, body(record("key", null, null), record("key", null, null))),
                200, V2);
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 2);
        assertEquals(2, records.size());
        assertTrue(records.stream().allMatch(r -> r.value() == null && "key".equals(utf8(r.key()))));
    }

    @Test
    void produceToPartition() {
        String topic = topic();
        JsonNode offsets = assertOk(krest.post("/topics/" + topic + "/partitions/0", BINARY,
                body(record(null, "value", null), record("key", "value2", null), record("key", null, null))),
                200, V2).get("offsets");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, offsets.get(i).get("partition").asInt());
            assertEquals(i, offsets.get(i).get("offset").asLong());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 3);
        assertTrue(records.stream().allMatch(r -> r.partition() == 0));
        assertEquals("value2", utf8(records.get(1).value()));
        assertNull(records.get(2).value());
    }

    @Test
    void aTrailingSlashReachesTheSameResource() {
        String topic = topic();
        JsonNode offsets = assertOk(krest.post("/topics/" + topic + "/partitions/1/", BINARY,
                body(record(null, "value", null))), 200, V2).get("offsets");
        assertEquals(1, offsets.at("/0/partition").asInt());
        assertEquals("value", utf8(Compat.record(topic, 1, offsets.at("/0/offset").asLong()).value()));
        assertError(krest.get("/topics/" + topic + "/partitions/7/"), 404, 40402, V2);
    }

    @Test
    void produceToMissingTopicFailsAtOnce() {
        // krest: 404/40401 before anything is sent (Confluent: 200 with per-record errors, see the class)
        assertError(krest.post("/topics/compat-producer-invalid-topic", BINARY, body(record("key", "value", null))),
                404, 40401, V2);
    }

    @Test
    void nullPayloadIs422() {
        String topic = topic();
        for (String type : List.of(AVRO_V2, JSON_V2, BINARY)) {
            assertEquals(422, krest.post("/topics/" + topic, type, "").status(), type);
            assertEquals(422, krest.post("/topics/" + topic + "/partitions/0", type, "").status(), type);
        }
    }

    @Test
    void emptyObjectIs422InTheV2Type() {
        String topic = topic();
        assertError(krest.post("/topics/" + topic, BINARY, "{}"), 422, 422, V2);
        assertError(krest.post("/topics/" + topic, BINARY, "{}", "Accept", V2), 422, 422, V2);
    }

    @Test
    void unknownFieldsAreRefusedAndNothingIsWritten() {
        String topic = topic();
        JsonNode top = assertError(krest.post("/topics/" + topic, BINARY,
                "{\"records\":[{\"value\":\"" + base64("v") + "\"}],\"value_schema_idd\":1}"), 400, 400, V2);
        assertTrue(top.get("message").asText().contains("\"value_schema_idd\""), top.toString());
        JsonNode nested = assertError(krest.post("/topics/" + topic, BINARY,
                "{\"records\":[{\"value\":\"" + base64("v") + "\",\"partiton\":1}]}"), 400, 400, V2);
        assertTrue(nested.get("message").asText().contains("\"records[0].partiton\""), nested.toString());
        JsonNode header = assertError(krest.post("/topics/" + topic, JSON_V2,
                "{\"records\":[{\"value\":1,\"headers\":[{\"name\":\"h\",\"vlaue\":\"\"}]}]}"), 400, 400, V2);
        assertTrue(header.get("message").asText().contains("\"records[0].headers[0].vlaue\""), header.toString());
        // a v3-shaped body sent to v2 is no v2 record
        assertError(krest.post("/topics/" + topic, JSON_V2, "{\"value\":{\"type\":\"JSON\",\"data\":1}}"),
                400, 400, V2);
        assertEquals(0, Compat.recordCount(topic));
    }
}

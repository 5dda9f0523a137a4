package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.JSON_V2;
import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's {@code JsonProducerTest}: v2 json produce of strings, null, numbers, objects and arrays, keyed and not,
 * to a topic's partition 0 and to {@code .../partitions/0}: 200 {@code application/vnd.kafka.v2+json}, offsets 0 to 5
 * of partition 0, and Kafka holds each value's JSON text (a JSON {@code null} value is a null record value).
 */
class JsonProducerCompatTest {
    /** The values Confluent's test sends, as JSON. */
    private static final List<String> VALUES = List.of("\"value\"", "null", "53.4", "45",
            "{\"foo\":\"bar\",\"bar\":null,\"baz\":53.4,\"taz\":45}",
            "[\"foo\",null,53.4,45,{\"foo\":\"bar\",\"bar\":null,\"baz\":53.4,\"taz\":45}]");

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest();

    private static String body(String key, boolean withPartition) {
        StringBuilder sb = new StringBuilder("{\"records\":[");
        for (int i = 0; i < VALUES.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"key\":").append(key).append(",\"value\":").append(VALUES.get(i))
                    .append(withPartition ? ",\"partition\":0}" : "}");
        }
        return sb.append("]}").toString();
    }

    private static void assertProduced(String topic, KrestHttp.Response response, String key) {
        JsonNode offsets = assertOk(response, 200, V2).get("offsets");
        for (int i = 0; i < VALUES.size(); i++) {
            assertEquals(0, offsets.get(i).get("partition").asInt(), offsets.toString());
            assertEquals(i, offsets.get(i).get("offset").asLong(), offsets.toString());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, VALUES.size());
        for (int i = 0; i < VALUES.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            if (VALUES.get(i).equals("null")) {
                assertNull(r.value());
            } else {
                assertEquals(KrestHttp.json(VALUES.get(i)),
                        KrestHttp.json(new String(r.value(), StandardCharsets.UTF_8)));
            }
            assertEquals(key.equals("null") ? null : key, r.key() == null ? null
                    : new String(r.key(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void produceToTopicWithKeys() {
        String topic = TestKafka.createTopic("compat-json-producer-1", 3);
        assertProduced(topic, krest.post("/topics/" + topic, JSON_V2, body("\"key\"", true)), "\"key\"");
    }

    @Test
    void produceToTopicWithoutKeys() {
        String topic = TestKafka.createTopic("compat-json-producer-2", 3);
        assertProduced(topic, krest.post("/topics/" + topic, JSON_V2, body("null", true)), "null");
    }

    @Test
    void produceToPartitionWithKeys() {
        String topic = TestKafka.createTopic("compat-json-producer-3", 3);
        assertProduced(topic, krest.post("/topics/" + topic + "/partitions/0", JSON_V2, body("\"key\"", false)),
                "\"key\"");
    }

    @Test
    void produceToPartitionWithoutKeys() {
        String topic = TestKafka.createTopic("compat-json-producer-4", 3);
        assertProduced(topic, krest.post("/topics/" + topic + "/partitions/0", JSON_V2, body("null", false)), "null");
    }
}

package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * v2 produce ({@code POST /topics/{topic}} and {@code POST /topics/{topic}/partitions/{partition}}) against a real
 * broker: what is sent is what a plain Kafka consumer reads back, and every bad request gets Confluent's error.
 */
class V2ProduceTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String JSON = "application/vnd.kafka.json.v2+json";
    private static TestKrest krest;
    private static TestKrest limited;
    private static KrestHttp http;

    @BeforeAll
    static void start() {
        krest = TestKrest.start();
        http = krest.http();
        limited = TestKrest.start(Map.of("request.body.max.bytes", "2000", "produce.request.max.records", "3",
                "produce.record.max.bytes", "100"));
    }

    @AfterAll
    static void stop() {
        krest.close();
        limited.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void binaryRecordsArriveAsSent() {
        String topic = TestKafka.createTopic("v2-binary", 3);
        String body = "{\"records\":[{\"key\":\"" + b64("k1") + "\",\"value\":\"" + b64("v1") + "\",\"partition\":2},"
                + "{\"value\":\"" + b64("v2") + "\",\"partition\":2},{\"key\":null,\"value\":null,\"partition\":1}]}";
        KrestHttp.Response r = http.post("/topics/" + topic, BINARY, body);
        assertEquals(200, r.status(), r.body());
        assertEquals("application/vnd.kafka.v2+json", r.contentType());
        JsonNode offsets = r.json().get("offsets");
        assertEquals(3, offsets.size());
        assertEquals(2, offsets.get(0).get("partition").asInt());
        assertEquals(0, offsets.get(0).get("offset").asLong());
        assertEquals(1, offsets.get(1).get("offset").asLong());
        assertTrue(offsets.get(0).get("error_code").isNull());
        assertTrue(offsets.get(0).get("error").isNull());
        assertTrue(r.json().get("key_schema_id").isNull());
        assertTrue(r.json().get("value_schema_id").isNull());

        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 3);
        assertEquals(3, records.size());
        assertEquals(1, records.get(0).partition());
        assertEquals(null, records.get(0).key());
        assertEquals(null, records.get(0).value());
        assertEquals("k1", text(records.get(1).key()));
        assertEquals("v1", text(records.get(1).value()));
        assertEquals("v2", text(records.get(2).value()));
    }

    @Test
    void base64WithoutPaddingIsAccepted() {
        String topic = TestKafka.createTopic("v2-binary-nopad", 1);
        KrestHttp.Response r = http.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\"YQ\"}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals("a", text(TestKafka.readAll(topic, 1).get(0).value()));
    }

    @Test
    void jsonRecordsAreStoredAsCompactJson() {
        String topic = TestKafka.createTopic("v2-json", 1);
        String body = "{\"records\":[{\"key\":\"k1\",\"value\":{\"name\" : \"John\", \"tags\": [1, 2.5, true, null]}},"
                + "{\"value\":\"plain\"},{\"value\":null}]}";
        KrestHttp.Response r = http.post("/topics/" + topic, JSON, body);
        assertEquals(200, r.status(), r.body());
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 3);
        assertEquals("\"k1\"", text(records.get(0).key()));
        assertEquals("{\"name\":\"John\",\"tags\":[1,2.5,true,null]}", text(records.get(0).value()));
        assertEquals("\"plain\"", text(records.get(1).value()));
        assertEquals(null, records.get(2).value());
    }

    @Test
    void plainApplicationJsonIsTheJsonFormat() {
        String topic = TestKafka.createTopic("v2-plain-json", 1);
        KrestHttp.Response r = http.post("/topics/" + topic, "application/json; charset=utf-8",
                "{\"records\":[{\"value\":{\"a\":1}}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals("{\"a\":1}", text(TestKafka.readAll(topic, 1).get(0).value()));
    }

    @Test
    void produceToPartitionOverridesRecordPartitions() {
        String topic = TestKafka.createTopic("v2-to-partition", 3);
        KrestHttp.Response r = http.post("/topics/" + topic + "/partitions/1", BINARY,
                "{\"records\":[{\"value\":\"" + b64("x") + "\",\"partition\":2},{\"value\":\"" + b64("y") + "\"}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals(1, r.json().get("offsets").get(0).get("partition").asInt());
        assertEquals(1, r.json().get("offsets").get(1).get("partition").asInt());
        TestKafka.readAll(topic, 2).forEach(rec -> assertEquals(1, rec.partition()));
    }

    @Test
    void headersExtensionIsStored() {
        String topic = TestKafka.createTopic("v2-headers", 1);
        KrestHttp.Response r = http.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\"" + b64("v")
                + "\",\"headers\":[{\"name\":\"h1\",\"value\":\"" + b64("one") + "\"},{\"name\":\"h1\"}]}]}");
        assertEquals(200, r.status(), r.body());
        Header[] headers = TestKafka.readAll(topic, 1).get(0).headers().toArray();
        assertEquals(2, headers.length);
        assertEquals("h1", headers[0].key());
        assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), headers[0].value());
        assertEquals(null, headers[1].value());
    }

    @Test
    void wrongContentTypeIs415() {
        String topic = TestKafka.createTopic("v2-415", 1);
        for (String type : List.of("text/plain", "application/vnd.kafka.v2+json", "application/xml")) {
            KrestHttp.Response r = http.post("/topics/" + topic, type, "{\"records\":[{\"value\":1}]}");
            assertEquals(415, r.status(), type);
            assertEquals(415, r.errorCode(), type);
        }
        assertEquals(415, http.post("/topics/" + topic, null, "{}").status());
    }

    @Test
    void unacceptableAcceptIs406() {
        String topic = TestKafka.createTopic("v2-406", 1);
        KrestHttp.Response r = http.post("/topics/" + topic, JSON, "{\"records\":[{\"value\":1}]}",
                "Accept", "text/html");
        assertEquals(406, r.status());
        assertEquals(406, r.errorCode());
    }

    @Test
    void schemaFormatsNeedARegistry() {
        String topic = TestKafka.createTopic("v2-avro", 1);
        for (String f : List.of("avro", "jsonschema", "protobuf")) {
            KrestHttp.Response r = http.post("/topics/" + topic, "application/vnd.kafka." + f + ".v2+json",
                    "{\"value_schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"records\":[{\"value\":\"a\"}]}");
            assertEquals(422, r.status(), f);
            assertEquals(42206, r.errorCode(), f);
            assertEquals("Schema Registry must be configured when using schemas.",
                    r.json().get("message").asText());
        }
    }

    @Test
    void badBodiesAreRejectedBeforeAnythingIsProduced() {
        String topic = TestKafka.createTopic("v2-bad", 1);
        record Case(String body, int status, int code, String messagePart) {
        }
        List<Case> cases = List.of(
                new Case("", 422, 42206, "Request body is empty"),
                new Case("{\"records\":[{\"value\":", 400, 400, "Malformed JSON"),
                new Case("not json", 400, 400, "Malformed JSON"),
                new Case("[1,2]", 400, 400, "JSON object"),
                new Case("{}", 422, 422, "records"),
                new Case("{\"records\":[]}", 422, 422, "records"),
                new Case("{\"records\":{}}", 400, 400, "records must be an array"),
                new Case("{\"records\":[{\"value\":\"" + b64("ok") + "\"},{\"value\":\"%%%\"}]}", 400, 400,
                        "records[1].value is not a valid base64 string"),
                new Case("{\"records\":[{\"value\":12}]}", 400, 400, "records[0].value is not a base64 string"),
                new Case("{\"records\":[{\"key\":{\"a\":1}}]}", 400, 400, "records[0].key"),
                new Case("{\"records\":[{\"value\":\"" + b64("x") + "\",\"partition\":\"one\"}]}", 400, 400,
                        "partition must be an integer"),
                new Case("{\"records\":[{\"value\":\"" + b64("x") + "\",\"partition\":5}]}", 404, 40402,
                        "Partition 5"),
                new Case("{\"records\":[{\"value\":\"" + b64("x") + "\",\"partition\":-1}]}", 404, 40402,
                        "Partition -1"));
        for (Case c : cases) {
            KrestHttp.Response r = http.post("/topics/" + topic, BINARY, c.body());
            assertEquals(c.status(), r.status(), c.body() + " -> " + r.body());
            assertEquals(c.code(), r.errorCode(), c.body());
            assertTrue(r.json().get("message").asText().contains(c.messagePart()), r.body());
        }
        KrestHttp.Response offsets = http.get("/topics/" + topic + "/partitions/0/offsets");
        assertEquals(0, offsets.json().get("end_offset").asLong(), "nothing was produced");
    }

    @Test
    void missingTopicAnswers40401AtOnce() {
        long start = System.nanoTime();
        KrestHttp.Response r = http.post("/topics/v2-never-created", JSON, "{\"records\":[{\"value\":1}]}");
        assertEquals(404, r.status(), r.body());
        assertEquals(40401, r.errorCode());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "did not wait for max.block.ms");
    }

    @Test
    void invalidTopicNameIs40002() {
        KrestHttp.Response r = http.post("/topics/bad%24name", JSON, "{\"records\":[{\"value\":1}]}");
        assertEquals(400, r.status());
        assertEquals(40002, r.errorCode());
    }

    @Test
    void unknownPathPartitionIs40402() {
        String topic = TestKafka.createTopic("v2-path-partition", 2);
        for (String p : List.of("2", "-1", "x")) {
            KrestHttp.Response r = http.post("/topics/" + topic + "/partitions/" + p, JSON,
                    "{\"records\":[{\"value\":1}]}");
            assertEquals(404, r.status(), p);
            assertEquals(40402, r.errorCode(), p);
        }
    }

    @Test
    void limitsAreEnforced() {
        String topic = TestKafka.createTopic("v2-limits", 1);
        KrestHttp http = limited.http();
        KrestHttp.Response tooMany = http.post("/topics/" + topic, JSON,
                "{\"records\":[{\"value\":1},{\"value\":2},{\"value\":3},{\"value\":4}]}");
        assertEquals(422, tooMany.status());
        assertEquals(42206, tooMany.errorCode());
        assertTrue(tooMany.json().get("message").asText().contains("produce.request.max.records"));

        KrestHttp.Response bigRecord = http.post("/topics/" + topic, JSON,
                "{\"records\":[{\"value\":1},{\"value\":\"" + "x".repeat(200) + "\"}]}");
        assertEquals(413, bigRecord.status());
        assertEquals(413, bigRecord.errorCode());

        KrestHttp.Response bigBody = http.post("/topics/" + topic, JSON,
                "{\"records\":[{\"value\":\"" + "y".repeat(3000) + "\"}]}");
        assertEquals(413, bigBody.status());
        assertEquals(413, bigBody.errorCode());
        assertTrue(bigBody.json().get("message").asText().contains("request.body.max.bytes"));

        assertEquals(0, TestKafka.readAll(topic, 0).size(), "nothing was produced");
        KrestHttp.Response ok = http.post("/topics/" + topic, JSON, "{\"records\":[{\"value\":1},{\"value\":2}]}");
        assertEquals(200, ok.status(), ok.body());
    }
}

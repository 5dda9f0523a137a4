package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.TestSchemaRegistry;
import io.github.krest.testing.FreePorts;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * v3 produce with {@code type} AVRO against a real Schema Registry (Apicurio 3.3.3 through its Confluent API,
 * {@link TestSchemaRegistry}) and Kafka: Confluent's schema selection rules (docs/api.md, v3 produce:
 * {@code schema_id}, {@code schema_version}, a raw {@code schema} registered then reused, the subject's latest
 * version), the subject name strategies, the receipt echo, the bytes in Kafka, a v2 avro consumer reading them back
 * and the in-stream errors.
 */
class V3AvroProduceTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String V2_AVRO = "application/vnd.kafka.avro.v2+json";
    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"fields\":"
            + "[{\"name\":\"username\",\"type\":\"string\"}]}";
    private static final String USER_V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":"
            + "[{\"name\":\"username\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static TestSchemaRegistry registry;
    private static TestKrest krest;
    private static KrestHttp http;
    private static String clusterId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        registry = TestSchemaRegistry.shared();
        krest = TestKrest.start(Map.of("schema.registry.url", registry.url()));
        http = krest.http();
    }

    @AfterAll
    static void stop() {
        if (krest != null) {
            krest.close();
        }
    }

    @Test
    void rawSchemaIsRegisteredThenReusedAndReadByAV2Consumer() throws IOException {
        String topic = topic();
        List<JsonNode> receipts = produce(topic,
                value("\"type\":\"AVRO\",\"schema\":" + quote(USER) + ",\"data\":{\"username\":\"testUser\"}"),
                value("\"type\":\"AVRO\",\"schema\":" + quote(USER) + ",\"data\":{\"username\":\"second\"}"));
        JsonNode first = success(receipts.get(0));
        int id = first.get("schema_id").asInt();
        assertEquals(KrestHttp.json("{\"type\":\"AVRO\",\"subject\":\"" + topic + "-value\",\"schema_id\":" + id
                + ",\"schema_version\":1,\"size\":14}"), first);
        assertEquals(first.get("schema_id"), success(receipts.get(1)).get("schema_id"));
        assertEquals(1, success(receipts.get(1)).get("schema_version").asInt());
        assertEquals("[1]", registry.versions(topic + "-value").replace(" ", ""));

        // Confluent's wire format: magic 0, the id big-endian, Avro binary
        List<ConsumerRecord<byte[], byte[]>> stored = TestKafka.readAll(topic, 2);
        byte[] expected = ByteBuffer.allocate(1 + 4 + 1 + 8).put((byte) 0).putInt(id).put((byte) 16)
                .put("testUser".getBytes(StandardCharsets.UTF_8)).array();
        assertArrayEquals(expected, stored.get(0).value(), HexFormat.of().formatHex(stored.get(0).value()));
        byte[] second = stored.get(1).value();
        assertEquals(id, ByteBuffer.wrap(second, 1, 4).getInt());
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(new Schema.Parser().parse(USER))
                .read(null, DecoderFactory.get().binaryDecoder(second, 5, second.length - 5, null));
        assertEquals("second", decoded.get("username").toString());

        String path = createConsumer("v3-avro-" + topic);
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 2);
        assertEquals(KrestHttp.json("{\"username\":\"testUser\"}"), records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"username\":\"second\"}"), records.get(1).get("value"));
    }

    @Test
    void schemaIdSchemaVersionAndLatest() {
        String topic = topic();
        int v1 = success(produce(topic, value("\"type\":\"AVRO\",\"schema\":" + quote(USER)
                + ",\"data\":{\"username\":\"a\"}")).get(0)).get("schema_id").asInt();
        JsonNode second = success(produce(topic, value("\"type\":\"AVRO\",\"schema\":" + quote(USER_V2)
                + ",\"data\":{\"username\":\"b\",\"age\":3}")).get(0));
        int v2 = second.get("schema_id").asInt();
        assertNotEquals(v1, v2);
        assertEquals(2, second.get("schema_version").asInt());

        List<JsonNode> receipts = produce(topic,
                value("\"schema_id\":" + v1 + ",\"data\":{\"username\":\"by id\"}"),
                value("\"schema_version\":1,\"data\":{\"username\":\"by version\"}"),
                value("\"data\":{\"username\":\"latest\",\"age\":7}"),
                "{\"key\":{\"type\":\"AVRO\",\"schema\":\"\\\"string\\\"\",\"data\":\"k\"},"
                        + "\"value\":{\"schema_version\":2,\"data\":{\"username\":\"keyed\",\"age\":1}}}");
        assertEquals(KrestHttp.json("{\"type\":\"AVRO\",\"subject\":\"" + topic + "-value\",\"schema_id\":" + v1
                + ",\"schema_version\":1,\"size\":11}"), success(receipts.get(0)));
        assertEquals(v1, success(receipts.get(1)).get("schema_id").asInt());
        assertEquals(1, success(receipts.get(1)).get("schema_version").asInt());
        assertEquals(v2, success(receipts.get(2)).get("schema_id").asInt());
        assertEquals(2, success(receipts.get(2)).get("schema_version").asInt());
        JsonNode key = receipts.get(3).get("key");
        assertEquals(topic + "-key", key.get("subject").asText(), receipts.get(3).toString());
        assertEquals(1, key.get("schema_version").asInt());
        assertEquals(v2, success(receipts.get(3)).get("schema_id").asInt());

        String path = createConsumer("v3-avro-" + topic);
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 6);
        assertEquals(KrestHttp.json("{\"username\":\"by id\"}"), records.get(2).get("value"));
        assertEquals(KrestHttp.json("{\"username\":\"latest\",\"age\":7}"), records.get(4).get("value"));
        assertEquals("k", records.get(5).get("key").asText());
    }

    @Test
    void subjectNameStrategies() {
        String topic = topic();
        String ns = "v3avro" + System.nanoTime();
        String order = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"" + ns + "\",\"fields\":"
                + "[{\"name\":\"id\",\"type\":\"long\"}]}";
        String schema = "\"type\":\"AVRO\",\"schema\":" + quote(order) + ",\"data\":{\"id\":1}";
        List<JsonNode> receipts = produce(topic,
                value(schema + ",\"subject_name_strategy\":\"TOPIC_NAME\""),
                value(schema + ",\"subject_name_strategy\":\"RECORD_NAME\""),
                value(schema + ",\"subject_name_strategy\":\"TOPIC_RECORD_NAME\""),
                value(schema + ",\"subject\":\"" + ns + "-custom\""));
        assertEquals(topic + "-value", success(receipts.get(0)).get("subject").asText());
        assertEquals(ns + ".Order", success(receipts.get(1)).get("subject").asText());
        assertEquals(topic + "-" + ns + ".Order", success(receipts.get(2)).get("subject").asText());
        assertEquals(ns + "-custom", success(receipts.get(3)).get("subject").asText());
        int id = success(receipts.get(1)).get("schema_id").asInt();

        // the other rules take the subject from the strategy too
        receipts = produce(topic,
                value("\"schema_id\":" + id + ",\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{\"id\":2}"),
                value("\"subject\":\"" + ns + ".Order\",\"data\":{\"id\":3}"),
                value("\"schema_version\":1,\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{\"id\":4}"),
                value("\"schema_id\":" + id + ",\"subject_name_strategy\":\"NO_SUCH\",\"data\":{\"id\":5}"));
        assertEquals(ns + ".Order", success(receipts.get(0)).get("subject").asText());
        assertEquals(1, success(receipts.get(0)).get("schema_version").asInt());
        assertEquals(ns + ".Order", success(receipts.get(1)).get("subject").asText());
        assertError(receipts.get(2), 400, "Bad Request: Unsupported argument");
        assertError(receipts.get(3), 400, "Bad Request: ");
    }

    @Test
    void errorsKeepTheStreamGoing() {
        String topic = topic();
        int id = success(produce(topic, value("\"type\":\"AVRO\",\"schema\":" + quote(USER)
                + ",\"data\":{\"username\":\"a\"}")).get(0)).get("schema_id").asInt();
        List<JsonNode> receipts = produce(topic,
                value("\"type\":\"AVRO\",\"schema_id\":" + id + ",\"data\":{\"username\":\"x\"}"),
                value("\"schema_id\":" + id + ",\"schema_version\":1,\"data\":{\"username\":\"x\"}"),
                value("\"schema_version\":1,\"type\":\"AVRO\",\"data\":{\"username\":\"x\"}"),
                value("\"schema\":" + quote(USER) + ",\"data\":{\"username\":\"x\"}"),
                value("\"type\":\"AVRO\",\"data\":{\"username\":\"x\"}"),
                value("\"schema_id\":987654,\"data\":{\"username\":\"x\"}"),
                value("\"schema_id\":" + id + ",\"data\":{\"username\":5}"),
                value("\"type\":\"AVRO\",\"schema\":\"{\\\"type\\\":\\\"record\\\"}\",\"data\":1"),
                value("\"type\":\"PROTOBUF\",\"schema\":\"message {\",\"data\":{}"),
                value("\"subject\":\"" + topic + "-nothing\",\"data\":{\"username\":\"x\"}"),
                value("\"type\":\"STRING\",\"data\":\"still going\""));
        assertEquals(11, receipts.size(), receipts.toString());
        for (int i = 0; i < 5; i++) {
            assertError(receipts.get(i), 400, "Bad Request: Unsupported argument");
        }
        assertError(receipts.get(5), 40403, "");
        assertError(receipts.get(6), 422, "Error: 42203 : ");
        assertTrue(receipts.get(6).get("message").asText().contains("value.data.username"), receipts::toString);
        assertError(receipts.get(7), 422, "Error: 42205 : ");
        assertError(receipts.get(8), 422, "Error: 42205 : ");
        assertTrue(receipts.get(8).get("message").asText().contains("Invalid schema"),
                receipts::toString);
        assertEquals(404, receipts.get(9).get("error_code").asInt() / 100, receipts::toString);
        assertEquals("STRING", success(receipts.get(10)).get("type").asText());
        assertEquals(2, TestKafka.readAll(topic, 2).size());
    }

    @Test
    void unreachableRegistryIsRetriableInTheStream() throws IOException {
        int port = FreePorts.next();
        String topic = topic();
        try (TestKrest down = TestKrest.start(Map.of("schema.registry.url", "http://127.0.0.1:" + port))) {
            KrestHttp.Response r = down.http().post(path(topic), "application/json",
                    value("\"type\":\"AVRO\",\"schema\":" + quote(USER) + ",\"data\":{\"username\":\"x\"}")
                            + "\n" + value("\"data\":{\"username\":\"x\"}")
                            + "\n" + value("\"type\":\"STRING\",\"data\":\"ok\""));
            assertEquals(200, r.status(), r.body());
            List<JsonNode> receipts = receipts(r.body());
            assertError(receipts.get(0), 50304, "Schema Registry unavailable: ");
            assertError(receipts.get(1), 50304, "Schema Registry unavailable: ");
            assertEquals("STRING", success(receipts.get(2)).get("type").asText());
        }
    }

    private static String topic() {
        return TestKafka.createTopic("v3-avro-" + TOPICS.incrementAndGet() + "-" + System.nanoTime(), 1);
    }

    private static String path(String topic) {
        return "/v3/clusters/" + clusterId + "/topics/" + topic + "/records";
    }

    private static String value(String fields) {
        return "{\"value\":{" + fields + "}}";
    }

    private static String quote(String schema) {
        return JsonNodeFactory.instance.textNode(schema).toString();
    }

    private static List<JsonNode> produce(String topic, String... records) {
        KrestHttp.Response r = http.post(path(topic), "application/json", String.join("\n", records));
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(records.length, receipts.size(), r.body());
        return receipts;
    }

    private static List<JsonNode> receipts(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\r\n", -1)) {
            if (!line.isEmpty()) {
                out.add(KrestHttp.json(line));
            }
        }
        return out;
    }

    /** @return the receipt's {@code value} echo, after checking it is a success */
    private static JsonNode success(JsonNode receipt) {
        assertEquals(200, receipt.get("error_code").asInt(), receipt::toString);
        assertEquals(clusterId, receipt.get("cluster_id").asText(), receipt::toString);
        assertFalse(receipt.has("message"), receipt::toString);
        return receipt.get("value");
    }

    private static void assertError(JsonNode receipt, int code, String messagePrefix) {
        assertEquals(code, receipt.get("error_code").asInt(), receipt::toString);
        assertTrue(receipt.get("message").asText().startsWith(messagePrefix), receipt::toString);
        assertFalse(receipt.has("offset"), receipt::toString);
    }

    private static String createConsumer(String group) {
        KrestHttp.Response r = http.post("/consumers/" + group, V2,
                "{\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(200, r.status(), r.body());
        return "/consumers/" + group + "/instances/" + r.json().get("instance_id").asText();
    }

    private static List<JsonNode> drain(String path, int expected) {
        List<JsonNode> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (records.size() < expected && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = http.get(path + "/records?timeout=1000", "Accept", V2_AVRO);
            assertEquals(200, r.status(), r.body());
            r.json().forEach(records::add);
        }
        assertEquals(expected, records.size(), "records: " + records);
        return records;
    }
}

package io.github.krest.proxy.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jsonschema and protobuf embedded formats against a real Schema Registry (Apicurio 3.3.3 through its Confluent
 * API, {@link TestSchemaRegistry}, shared by the test run) and Kafka: v2 produce then v2 consume, v3 produce with
 * every schema selection rule then v2 consume, the bytes in Kafka (Confluent's wire format), the registry's
 * {@code schemaType}, data that does not match (422 naming the field), invalid schemas, schema evolution under
 * BACKWARD compatibility, and poison records skipped by seeking.
 */
class JsonSchemaProtobufTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String JSONSCHEMA = "application/vnd.kafka.jsonschema.v2+json";
    private static final String PROTOBUF = "application/vnd.kafka.protobuf.v2+json";
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String USER = "{\"title\":\"User\",\"type\":\"object\",\"properties\":{"
            + "\"username\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":0}},"
            + "\"required\":[\"username\"]}";
    private static final String ORDER = """
            syntax = "proto3";
            package shop;

            message Order {
              string id = 1;
              int32 qty = 2;
              repeated Line lines = 3;
              message Line {
                string sku = 1;
              }
            }

            message Customer {
              string name = 1;
            }
            """;
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
    void jsonSchemaV2ProduceThenConsume() {
        String topic = topic("js-v2");
        KrestHttp.Response first = http.post("/topics/" + topic, JSONSCHEMA, "{\"key_schema\":"
                + quote("{\"type\":\"string\"}") + ",\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"key\":\"k1\",\"value\":{\"username\":\"alice\"}}]}");
        assertEquals(200, first.status(), first.body());
        int keyId = first.json().get("key_schema_id").asInt();
        int valueId = first.json().get("value_schema_id").asInt();
        assertNotEquals(keyId, valueId);
        assertEquals("JSON", registryType(valueId));
        assertEquals("[1]", registry.versions(topic + "-value").replace(" ", ""));

        KrestHttp.Response second = http.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema_id\":" + valueId
                + ",\"records\":[{\"value\":{\"username\":\"bob\",\"age\":7}},{\"value\":null}]}");
        assertEquals(200, second.status(), second.body());
        assertEquals(valueId, second.json().get("value_schema_id").asInt());

        // Confluent's KafkaJsonSchemaSerializer: magic 0, the id big-endian, compact UTF-8 JSON
        List<ConsumerRecord<byte[], byte[]>> stored = TestKafka.readAll(topic, 3);
        assertArrayEquals(framed(valueId, "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8)),
                stored.get(0).value(), HexFormat.of().formatHex(stored.get(0).value()));
        assertArrayEquals(framed(keyId, "\"k1\"".getBytes(StandardCharsets.UTF_8)), stored.get(0).key());

        String path = create("js-v2-" + topic, "jsonschema");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 3, JSONSCHEMA);
        assertEquals("k1", records.get(0).get("key").asText());
        assertEquals(KrestHttp.json("{\"username\":\"alice\"}"), records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"username\":\"bob\",\"age\":7}"), records.get(1).get("value"));
        assertTrue(records.get(2).get("value").isNull());
    }

    @Test
    void protobufV2ProduceThenConsume() {
        String topic = topic("pb-v2");
        KrestHttp.Response first = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(ORDER)
                + ",\"records\":[{\"value\":{\"id\":\"o1\",\"qty\":2,\"lines\":[{\"sku\":\"s1\"}]}}]}");
        assertEquals(200, first.status(), first.body());
        int id = first.json().get("value_schema_id").asInt();
        assertEquals("PROTOBUF", registryType(id));

        KrestHttp.Response byId = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema_id\":" + id
                + ",\"records\":[{\"value\":{\"id\":\"o2\"}}]}");
        assertEquals(200, byId.status(), byId.body());
        KrestHttp.Response again = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(ORDER)
                + ",\"records\":[{\"value\":{\"id\":\"o3\",\"qty\":1}}]}");
        assertEquals(id, again.json().get("value_schema_id").asInt(), "the same schema is the same id");

        // Confluent's KafkaProtobufSerializer: magic 0, the id, message indexes [0] as the byte 0, the message
        List<ConsumerRecord<byte[], byte[]>> stored = TestKafka.readAll(topic, 3);
        assertArrayEquals(framed(id, HexFormat.of().parseHex("00" + "0a026f31" + "1002" + "1a040a027331")),
                stored.get(0).value(), HexFormat.of().formatHex(stored.get(0).value()));

        String path = create("pb-v2-" + topic, "protobuf");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 3, PROTOBUF);
        assertEquals(KrestHttp.json("{\"id\":\"o1\",\"qty\":2,\"lines\":[{\"sku\":\"s1\"}]}"),
                records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"id\":\"o2\",\"qty\":0,\"lines\":[]}"), records.get(1).get("value"));
        assertEquals("o3", records.get(2).get("value").get("id").asText());
        assertTrue(records.get(0).get("key").isNull());
    }

    @Test
    void protobufRequestsCanNameTheMessageWritten() {
        String topic = topic("pb-messages");
        KrestHttp.Response v2 = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(ORDER)
                + ",\"value_message_name\":\"shop.Customer\",\"records\":[{\"value\":{\"name\":\"ann\"}}]}");
        assertEquals(200, v2.status(), v2.body());
        int id = v2.json().get("value_schema_id").asInt();
        List<JsonNode> receipts = produce(topic,
                value("\"type\":\"PROTOBUF\",\"schema\":" + quote(ORDER) + ",\"message_name\":\"Order.Line\","
                        + "\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{\"sku\":\"s9\"}"),
                value("\"schema_id\":" + id + ",\"message_name\":\"shop.Nope\",\"data\":{}"),
                value("\"type\":\"JSON\",\"message_name\":\"x\",\"data\":{}"));
        JsonNode line = success(receipts.get(0));
        assertEquals("shop.Order.Line", line.get("subject").asText());
        assertEquals(id, line.get("schema_id").asInt(), "the same schema text is the same id");
        assertReceiptError(receipts.get(1), 400, "Bad Request: The schema has no message shop.Nope");
        assertReceiptError(receipts.get(2), 400, "Bad Request: Unsupported argument");

        // Customer is message [1], Order.Line [0, 0]
        List<ConsumerRecord<byte[], byte[]>> stored = TestKafka.readAll(topic, 2);
        assertArrayEquals(framed(id, HexFormat.of().parseHex("0202" + "0a03616e6e")), stored.get(0).value());
        assertArrayEquals(framed(id, HexFormat.of().parseHex("040000" + "0a027339")), stored.get(1).value());
        String path = create("pb-messages-" + topic, "protobuf");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 2, PROTOBUF);
        assertEquals(KrestHttp.json("{\"name\":\"ann\"}"), records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"sku\":\"s9\"}"), records.get(1).get("value"));
    }

    @Test
    void v2ProduceErrors() {
        String topic = topic("v2-errors");
        assertError(http.post("/topics/" + topic, JSONSCHEMA, "{\"records\":[{\"value\":{\"username\":\"x\"}}]}"),
                422, 42202, "Request includes values but does not include value schema");
        assertError(http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(ORDER)
                + ",\"records\":[{\"key\":\"k\",\"value\":{}}]}"), 422, 42201,
                "Request includes keys but does not include key schema");
        assertError(http.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quote("{\"type\":5}")
                + ",\"records\":[{\"value\":1}]}"), 422, 42205, "Invalid schema: ");
        assertError(http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote("message {")
                + ",\"records\":[{\"value\":{}}]}"), 422, 42205, "Invalid schema: ");

        KrestHttp.Response json = http.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"ok\"}},{\"value\":{\"username\":\"x\",\"age\":-1}}]}");
        assertError(json, 422, 42203, "Conversion of JSON to Object failed: ");
        assertTrue(json.json().get("message").asText().contains("records[1].value.age: "), json.body());

        KrestHttp.Response proto = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(ORDER)
                + ",\"records\":[{\"value\":{\"id\":\"a\",\"lines\":[{\"sku\":[]}]}}]}");
        assertError(proto, 422, 42203, "Conversion of JSON to Object failed: ");
        assertTrue(proto.json().get("message").asText().contains("records[0].value.lines[0].sku: "), proto.body());
        assertEquals(0, endOffset(topic), "no request above produced anything");
    }

    @Test
    void v3ProduceWithEverySelectionRuleThenV2Consume() {
        String topic = topic("v3-js");
        List<JsonNode> receipts = produce(topic,
                value("\"type\":\"JSONSCHEMA\",\"schema\":" + quote(USER) + ",\"data\":{\"username\":\"raw\"}"));
        JsonNode raw = success(receipts.get(0));
        int id = raw.get("schema_id").asInt();
        assertEquals(KrestHttp.json("{\"type\":\"JSONSCHEMA\",\"subject\":\"" + topic + "-value\",\"schema_id\":"
                + id + ",\"schema_version\":1,\"size\":23}"), raw);
        receipts = produce(topic,
                value("\"schema_id\":" + id + ",\"data\":{\"username\":\"by id\"}"),
                value("\"schema_version\":1,\"data\":{\"username\":\"by version\"}"),
                value("\"data\":{\"username\":\"latest\"}"),
                value("\"type\":\"JSONSCHEMA\",\"schema\":" + quote(USER)
                        + ",\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{\"username\":\"record\"}"),
                value("\"type\":\"JSONSCHEMA\",\"schema\":" + quote(USER)
                        + ",\"subject_name_strategy\":\"TOPIC_RECORD_NAME\",\"data\":{\"username\":\"topic record\"}"),
                value("\"schema_id\":" + id + ",\"data\":{\"username\":7}"),
                value("\"type\":\"JSONSCHEMA\",\"schema\":" + quote("{\"type\":\"object\"}")
                        + ",\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{}"));
        for (int i = 0; i < 3; i++) {
            JsonNode echo = success(receipts.get(i));
            assertEquals("JSONSCHEMA", echo.get("type").asText(), echo::toString);
            assertEquals(id, echo.get("schema_id").asInt(), echo::toString);
            assertEquals(1, echo.get("schema_version").asInt(), echo::toString);
            assertEquals(topic + "-value", echo.get("subject").asText(), echo::toString);
        }
        assertEquals("User", success(receipts.get(3)).get("subject").asText());
        assertEquals(topic + "-User", success(receipts.get(4)).get("subject").asText());
        assertReceiptError(receipts.get(5), 422, "Error: 42203 : ");
        assertTrue(receipts.get(5).get("message").asText().contains("value.data.username: "), receipts::toString);
        assertReceiptError(receipts.get(6), 400, "Bad Request: Unsupported argument");

        String pbTopic = topic("v3-pb");
        List<JsonNode> pb = produce(pbTopic,
                value("\"type\":\"PROTOBUF\",\"schema\":" + quote(ORDER) + ",\"data\":{\"id\":\"raw\",\"qty\":1}"));
        JsonNode pbRaw = success(pb.get(0));
        int pbId = pbRaw.get("schema_id").asInt();
        assertEquals(KrestHttp.json("{\"type\":\"PROTOBUF\",\"subject\":\"" + pbTopic + "-value\",\"schema_id\":"
                + pbId + ",\"schema_version\":1,\"size\":13}"), pbRaw);
        pb = produce(pbTopic,
                value("\"schema_id\":" + pbId + ",\"data\":{\"id\":\"by id\"}"),
                value("\"schema_version\":1,\"data\":{\"id\":\"by version\"}"),
                value("\"data\":{\"id\":\"latest\"}"),
                value("\"type\":\"PROTOBUF\",\"schema\":" + quote(ORDER)
                        + ",\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{\"id\":\"record\"}"),
                value("\"schema_id\":" + pbId + ",\"subject_name_strategy\":\"TOPIC_RECORD_NAME\","
                        + "\"data\":{\"id\":\"topic record\"}"));
        for (int i = 0; i < 3; i++) {
            assertEquals(pbId, success(pb.get(i)).get("schema_id").asInt(), pb::toString);
            assertEquals("PROTOBUF", success(pb.get(i)).get("type").asText(), pb::toString);
        }
        assertEquals("shop.Order", success(pb.get(3)).get("subject").asText());
        assertEquals(1, success(pb.get(3)).get("schema_version").asInt());
        // the schema has no version under <topic>-shop.Order
        assertEquals(40403, pb.get(4).get("error_code").asInt(), pb::toString);

        String path = create("v3-js-" + topic, "jsonschema");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 6, JSONSCHEMA);
        assertEquals(List.of("raw", "by id", "by version", "latest", "record", "topic record"),
                records.stream().map(r -> r.get("value").get("username").asText()).toList());

        String pbPath = create("v3-pb-" + pbTopic, "protobuf");
        assertEquals(204, http.post(pbPath + "/subscription", V2, "{\"topics\":[\"" + pbTopic + "\"]}").status());
        List<JsonNode> pbRecords = drain(pbPath, 5, PROTOBUF);
        assertEquals(List.of("raw", "by id", "by version", "latest", "record"),
                pbRecords.stream().map(r -> r.get("value").get("id").asText()).toList());
        assertEquals(KrestHttp.json("{\"id\":\"raw\",\"qty\":1,\"lines\":[]}"), pbRecords.get(0).get("value"));
    }

    @Test
    void protobufEvolutionFollowsTheRegistrysCompatibility() {
        String topic = topic("pb-evolution");
        registry.setCompatibility(topic + "-value", "BACKWARD");
        String v1 = "syntax = \"proto3\";\nmessage Event {\n  string name = 1;\n}\n";
        String v2 = "syntax = \"proto3\";\nmessage Event {\n  string name = 1;\n  int64 at = 2;\n}\n";
        String incompatible = "syntax = \"proto3\";\nmessage Event {\n  int32 name = 1;\n}\n";
        KrestHttp.Response first = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(v1)
                + ",\"records\":[{\"value\":{\"name\":\"a\"}}]}");
        assertEquals(200, first.status(), first.body());
        KrestHttp.Response second = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(v2)
                + ",\"records\":[{\"value\":{\"name\":\"b\",\"at\":\"9\"}}]}");
        assertEquals(200, second.status(), second.body());
        assertNotEquals(first.json().get("value_schema_id").asInt(), second.json().get("value_schema_id").asInt());
        assertEquals("[1,2]", registry.versions(topic + "-value").replace(" ", ""));

        KrestHttp.Response rejected = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":"
                + quote(incompatible) + ",\"records\":[{\"value\":{\"name\":3}}]}");
        assertError(rejected, 422, 42207, "Error serializing message. Schema Registry: ");
        assertEquals(2, endOffset(topic), "nothing produced for the rejected request");

        String path = create("pb-evolution-" + topic, "protobuf");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 2, PROTOBUF);
        assertEquals(KrestHttp.json("{\"name\":\"a\"}"), records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"name\":\"b\",\"at\":\"9\"}"), records.get(1).get("value"));
    }

    @Test
    void jsonSchemaEvolutionFollowsTheRegistrysCompatibility() {
        String topic = topic("js-evolution");
        registry.setCompatibility(topic + "-value", "BACKWARD");
        // Apicurio counts an added property of an open content model as narrowing; a removed one widens
        String v1 = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"at\":{\"type\":\"integer\"}}}";
        String v2 = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}";
        String incompatible = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"integer\"}}}";
        assertEquals(200, http.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quote(v1)
                + ",\"records\":[{\"value\":{\"name\":\"a\"}}]}").status());
        KrestHttp.Response second = http.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quote(v2)
                + ",\"records\":[{\"value\":{\"name\":\"b\",\"at\":1}}]}");
        assertEquals(200, second.status(), second.body());
        assertEquals("[1,2]", registry.versions(topic + "-value").replace(" ", ""));
        KrestHttp.Response rejected = http.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":"
                + quote(incompatible) + ",\"records\":[{\"value\":{\"name\":3}}]}");
        assertError(rejected, 422, 42207, "Error serializing message. Schema Registry: ");
        assertEquals(2, endOffset(topic));
    }

    @Test
    void poisonRecordsAreRefusedUntilSkipped() {
        String topic = topic("pb-poison");
        KrestHttp.Response good = http.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quote(ORDER)
                + ",\"records\":[{\"value\":{\"id\":\"before\"}}]}");
        assertEquals(200, good.status(), good.body());
        int id = good.json().get("value_schema_id").asInt();
        // a JSON Schema record, under its own subject (Apicurio reports an id's schemaType as that of the subject
        // it was first registered under, so schema types are not mixed within a subject)
        List<JsonNode> json = produce(topic, value("\"type\":\"JSONSCHEMA\",\"subject\":\"" + topic
                + "-json\",\"schema\":" + quote(USER) + ",\"data\":{\"username\":\"a json record\"}"));
        success(json.get(0));
        // message indexes [7]: the schema has two messages
        byte[] badIndex = framed(id, new byte[] {2, 14, 10, 1, 'x'});
        KrestHttp.Response raw = http.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\""
                + Base64.getEncoder().encodeToString(badIndex) + "\"}]}");
        assertEquals(200, raw.status(), raw.body());
        assertEquals(200, http.post("/topics/" + topic, PROTOBUF, "{\"value_schema_id\":" + id
                + ",\"records\":[{\"value\":{\"id\":\"after\"}}]}").status());

        String path = create("pb-poison-" + topic, "protobuf");
        assertEquals(204, http.post(path + "/assignments", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
        assertEquals(List.of(0L), drain(path, 1, PROTOBUF).stream().map(n -> n.get("offset").asLong()).toList());
        for (long offset = 1; offset <= 2; offset++) {
            KrestHttp.Response poisoned = http.get(path + "/records?timeout=2000", "Accept", PROTOBUF);
            assertEquals(408, poisoned.status(), poisoned.body());
            assertEquals(40801, poisoned.errorCode());
            String message = poisoned.json().get("message").asText();
            assertTrue(message.contains("@" + offset) && message.contains("offset " + (offset + 1)), message);
            assertTrue(message.contains("cannot be read as protobuf"), message);
            assertTrue(message.contains(offset == 1 ? "not a valid PROTOBUF schema" : "name no message type"),
                    message);
            assertEquals(204, http.post(path + "/positions", V2, "{\"offsets\":[{\"topic\":\"" + topic
                    + "\",\"partition\":0,\"offset\":" + (offset + 1) + "}]}").status());
        }
        List<JsonNode> after = drain(path, 1, PROTOBUF);
        assertEquals(3, after.getFirst().get("offset").asLong());
        assertEquals("after", after.getFirst().get("value").get("id").asText());
    }

    private static String topic(String prefix) {
        return TestKafka.createTopic(prefix + "-" + TOPICS.incrementAndGet() + "-" + System.nanoTime(), 1);
    }

    private static byte[] framed(int id, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static String registryType(int id) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(registry.url() + "/schemas/ids/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return KrestHttp.json(r.body()).path("schemaType").asText("AVRO");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long endOffset(String topic) {
        return http.get("/topics/" + topic + "/partitions/0/offsets").json().get("end_offset").asLong();
    }

    private static String quote(String schema) {
        return JsonNodeFactory.instance.textNode(schema).toString();
    }

    private static String value(String fields) {
        return "{\"value\":{" + fields + "}}";
    }

    private static List<JsonNode> produce(String topic, String... records) {
        KrestHttp.Response r = http.post("/v3/clusters/" + clusterId + "/topics/" + topic + "/records",
                "application/json", String.join("\n", records));
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = new ArrayList<>();
        for (String line : r.body().split("\r\n", -1)) {
            if (!line.isEmpty()) {
                receipts.add(KrestHttp.json(line));
            }
        }
        assertEquals(records.length, receipts.size(), r.body());
        return receipts;
    }

    /** @return the receipt's {@code value} echo, after checking it is a success */
    private static JsonNode success(JsonNode receipt) {
        assertEquals(200, receipt.get("error_code").asInt(), receipt::toString);
        assertFalse(receipt.has("message"), receipt::toString);
        return receipt.get("value");
    }

    private static void assertReceiptError(JsonNode receipt, int code, String messagePrefix) {
        assertEquals(code, receipt.get("error_code").asInt(), receipt::toString);
        assertTrue(receipt.get("message").asText().startsWith(messagePrefix), receipt::toString);
        assertFalse(receipt.has("offset"), receipt::toString);
    }

    private static void assertError(KrestHttp.Response r, int status, int code, String messageStart) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.errorCode(), r.body());
        assertTrue(r.json().get("message").asText().startsWith(messageStart), r.body());
    }

    private static String create(String group, String format) {
        KrestHttp.Response r = http.post("/consumers/" + group, V2,
                "{\"format\":\"" + format + "\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(200, r.status(), r.body());
        return "/consumers/" + group + "/instances/" + r.json().get("instance_id").asText();
    }

    private static List<JsonNode> drain(String path, int expected, String accept) {
        List<JsonNode> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (records.size() < expected && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = http.get(path + "/records?timeout=1000", "Accept", accept);
            assertEquals(200, r.status(), r.body());
            assertEquals(accept, r.contentType());
            r.json().forEach(records::add);
        }
        assertEquals(expected, records.size(), "records: " + records);
        return records;
    }
}

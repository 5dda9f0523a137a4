package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.TestSchemaRegistry;
import io.github.krest.testing.FreePorts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * v2 avro produce and consume against a real Schema Registry (Apicurio 3.3.3 through its Confluent API,
 * {@link TestSchemaRegistry}): Confluent's announcement example (a {@code User} with a {@code username}, produced
 * with {@code value_schema}, then by {@code value_schema_id}, consumed back), the bytes in Kafka, schema evolution
 * under BACKWARD compatibility, poison records and the error cases.
 */
class V2AvroTest {
    private static final String AVRO = "application/vnd.kafka.avro.v2+json";
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"fields\":"
            + "[{\"name\":\"username\",\"type\":\"string\"}]}";

    private static TestSchemaRegistry registry;
    private static TestKrest krest;
    private static KrestHttp http;

    @BeforeAll
    static void start() {
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
    void confluentsUserExampleByValueSchemaThenByIdAndConsumedBack() {
        String topic = TestKafka.createTopic("avrotest", 1);
        KrestHttp.Response first = produce(topic, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"testUser\"}}]}");
        assertEquals(200, first.status(), first.body());
        int id = first.json().get("value_schema_id").asInt();
        assertTrue(first.json().get("key_schema_id").isNull(), first.body());
        assertEquals(0, first.json().get("offsets").get(0).get("offset").asLong());
        assertTrue(registry.versions(topic + "-value").contains("1"), registry.versions(topic + "-value"));

        KrestHttp.Response second = produce(topic, "{\"value_schema_id\":" + id
                + ",\"records\":[{\"value\":{\"username\":\"testUser2\"}},{\"value\":null}]}");
        assertEquals(200, second.status(), second.body());
        assertEquals(id, second.json().get("value_schema_id").asInt());

        // the same schema text again is the same id, not a new version
        KrestHttp.Response again = produce(topic, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"testUser3\"}}]}");
        assertEquals(id, again.json().get("value_schema_id").asInt(), again.body());

        // Kafka holds Confluent's wire format: magic 0, the id big-endian, Avro binary
        List<ConsumerRecord<byte[], byte[]>> stored = TestKafka.readAll(topic, 4);
        byte[] expected = ByteBuffer.allocate(1 + 4 + 1 + 8).put((byte) 0).putInt(id).put((byte) 16)
                .put("testUser".getBytes(StandardCharsets.UTF_8)).array();
        assertArrayEquals(expected, stored.get(0).value(), HexFormat.of().formatHex(stored.get(0).value()));
        assertEquals(null, stored.get(2).value());

        String path = create("avro-users", "{\"name\":\"u1\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 4);
        assertEquals(JsonNodeFactory.instance.objectNode().put("username", "testUser"), records.get(0).get("value"));
        assertEquals("testUser2", records.get(1).get("value").get("username").asText());
        assertTrue(records.get(2).get("value").isNull());
        assertEquals("testUser3", records.get(3).get("value").get("username").asText());
        assertTrue(records.get(0).get("key").isNull());
    }

    @Test
    void keysAndUnionsRoundTrip() {
        String topic = TestKafka.createTopic("avro-keys", 1);
        String valueSchema = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],"
                + "\"default\":null}]}";
        KrestHttp.Response r = produce(topic, "{\"key_schema\":\"\\\"string\\\"\",\"value_schema\":"
                + quote(valueSchema) + ",\"records\":[{\"key\":\"k1\",\"value\":{\"id\":1,\"note\":{\"string\":\"hi\"}}},"
                + "{\"key\":\"k2\",\"value\":{\"id\":2}}]}");
        assertEquals(200, r.status(), r.body());
        int keyId = r.json().get("key_schema_id").asInt();
        assertNotEquals(r.json().get("value_schema_id").asInt(), keyId);
        String path = create("avro-keys", "{\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 2);
        assertEquals("k1", records.get(0).get("key").asText());
        assertEquals(KrestHttp.json("{\"id\":1,\"note\":{\"string\":\"hi\"}}"), records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"id\":2,\"note\":null}"), records.get(1).get("value"));
    }

    @Test
    void schemaEvolutionFollowsTheRegistrysCompatibility() {
        String topic = TestKafka.createTopic("avro-evolution", 1);
        registry.setCompatibility(topic + "-value", "BACKWARD");
        KrestHttp.Response v1 = produce(topic, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"a\"}}]}");
        assertEquals(200, v1.status(), v1.body());
        String v2Schema = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"username\",\"type\":"
                + "\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
        KrestHttp.Response v2 = produce(topic, "{\"value_schema\":" + quote(v2Schema)
                + ",\"records\":[{\"value\":{\"username\":\"b\",\"age\":7}}]}");
        assertEquals(200, v2.status(), v2.body());
        assertNotEquals(v1.json().get("value_schema_id").asInt(), v2.json().get("value_schema_id").asInt());

        String incompatible = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"username\",\"type\":"
                + "\"string\"},{\"name\":\"email\",\"type\":\"string\"}]}";
        KrestHttp.Response rejected = produce(topic, "{\"value_schema\":" + quote(incompatible)
                + ",\"records\":[{\"value\":{\"username\":\"c\",\"email\":\"c@example.com\"}}]}");
        assertEquals(422, rejected.status(), rejected.body());
        assertEquals(42207, rejected.errorCode(), rejected.body());
        assertTrue(rejected.json().get("message").asText().startsWith("Error serializing message. Schema Registry: "),
                rejected.body());
        assertEquals(2, endOffset(topic), "nothing produced for the rejected request");

        // old and new records read back, each with its own writer schema
        String path = create("avro-evolution", "{\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
        List<JsonNode> records = drain(path, 2);
        assertEquals(KrestHttp.json("{\"username\":\"a\"}"), records.get(0).get("value"));
        assertEquals(KrestHttp.json("{\"username\":\"b\",\"age\":7}"), records.get(1).get("value"));
    }

    @Test
    void produceErrors() {
        String topic = TestKafka.createTopic("avro-errors", 1);
        assertError(produce(topic, "{\"records\":[{\"value\":{\"username\":\"x\"}}]}"), 422, 42202,
                "Request includes values but does not include value schema");
        assertError(produce(topic, "{\"value_schema\":" + quote(USER) + ",\"records\":[{\"key\":\"k\","
                + "\"value\":{\"username\":\"x\"}}]}"), 422, 42201,
                "Request includes keys but does not include key schema");
        assertError(produce(topic, "{\"value_schema\":\"{\\\"type\\\":\\\"record\\\"}\",\"records\":[{\"value\":1}]}"),
                422, 42205, "Invalid schema: ");
        KrestHttp.Response mismatch = produce(topic, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"ok\"}},{\"value\":{\"username\":5}}]}");
        assertError(mismatch, 422, 42203, "Conversion of JSON to Object failed: ");
        assertTrue(mismatch.json().get("message").asText().contains("records[1].value.username"), mismatch.body());
        assertError(produce(topic, "{\"value_schema_id\":987654,\"records\":[{\"value\":{\"username\":\"x\"}}]}"),
                404, 40403, "Not found: schema id 987654");
        // a schema id of another format (registered for another topic: Apicurio reports an id's type as that of
        // the subject it was first registered under)
        String other = TestKafka.createTopic("avro-errors-json", 1);
        KrestHttp.Response json = http.post("/topics/" + other, "application/vnd.kafka.jsonschema.v2+json",
                "{\"value_schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"records\":[{\"value\":\"s\"}]}");
        assertEquals(200, json.status(), json.body());
        assertError(produce(topic, "{\"value_schema_id\":" + json.json().get("value_schema_id").asInt()
                + ",\"records\":[{\"value\":{\"username\":\"x\"}}]}"), 422, 42205, "Invalid schema: schema id ");
        assertEquals(0, endOffset(topic), "no request above produced anything");
    }

    @Test
    void unreachableRegistryIsRetriable() throws IOException {
        int port = FreePorts.next();
        String topic = TestKafka.createTopic("avro-unreachable", 1);
        try (TestKrest down = TestKrest.start(Map.of("schema.registry.url", "http://127.0.0.1:" + port))) {
            KrestHttp.Response r = down.http().post("/topics/" + topic, AVRO, "{\"value_schema\":" + quote(USER)
                    + ",\"records\":[{\"value\":{\"username\":\"x\"}}]}");
            assertError(r, 503, 50304, "Schema Registry unavailable: ");
        }
    }

    @Test
    void registryOutageWhileConsumingIsRetriableAndSkipsNothing() throws Exception {
        String topic = TestKafka.createTopic("avro-outage", 1);
        assertEquals(200, produce(topic, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"a\"}},{\"value\":{\"username\":\"b\"}}]}").status());
        // a registry front that answers 503 while "down" and forwards to Apicurio otherwise
        AtomicBoolean down = new AtomicBoolean(true);
        HttpClient client = HttpClient.newHttpClient();
        HttpServer front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        front.createContext("/", exchange -> {
            int status = 503;
            byte[] body = "{\"error_code\":50301,\"message\":\"down\"}".getBytes(StandardCharsets.UTF_8);
            if (!down.get()) {
                try {
                    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                            URI.create(registry.url() + exchange.getRequestURI().getRawPath())).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    body = r.body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        front.start();
        try (TestKrest other = TestKrest.start(Map.of("schema.registry.url",
                "http://127.0.0.1:" + front.getAddress().getPort()))) {
            KrestHttp otherHttp = other.http();
            KrestHttp.Response created = otherHttp.post("/consumers/avro-outage", V2,
                    "{\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
            String path = "/consumers/avro-outage/instances/" + created.json().get("instance_id").asText();
            assertEquals(204, otherHttp.post(path + "/assignments", V2,
                    "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
            for (int i = 0; i < 2; i++) {
                KrestHttp.Response r = otherHttp.get(path + "/records?timeout=2000", "Accept", AVRO);
                assertError(r, 503, 50304, "Schema Registry unavailable: ");
            }
            down.set(false);
            List<JsonNode> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (records.size() < 2 && System.currentTimeMillis() < deadline) {
                KrestHttp.Response r = otherHttp.get(path + "/records?timeout=1000", "Accept", AVRO);
                assertEquals(200, r.status(), r.body());
                r.json().forEach(records::add);
            }
            assertEquals(List.of(0L, 1L), records.stream().map(n -> n.get("offset").asLong()).toList());
            assertEquals("a", records.get(0).get("value").get("username").asText());
        } finally {
            front.stop(0);
        }
    }

    @Test
    void poisonRecordsAreRefusedUntilSkipped() {
        String topic = TestKafka.createTopic("avro-poison", 1);
        KrestHttp.Response good = produce(topic, "{\"value_schema\":" + quote(USER)
                + ",\"records\":[{\"value\":{\"username\":\"before\"}}]}");
        assertEquals(200, good.status(), good.body());
        int id = good.json().get("value_schema_id").asInt();
        byte[] unknownId = ByteBuffer.allocate(6).put((byte) 0).putInt(999_999).put((byte) 2).array();
        byte[] truncated = ByteBuffer.allocate(7).put((byte) 0).putInt(id).put((byte) 40).put((byte) 'x').array();
        KrestHttp.Response raw = http.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\""
                + Base64.getEncoder().encodeToString("not avro".getBytes(StandardCharsets.UTF_8)) + "\"},{\"value\":\""
                + Base64.getEncoder().encodeToString(unknownId) + "\"},{\"value\":\""
                + Base64.getEncoder().encodeToString(truncated) + "\"}]}");
        assertEquals(200, raw.status(), raw.body());
        assertEquals(200, produce(topic, "{\"value_schema_id\":" + id
                + ",\"records\":[{\"value\":{\"username\":\"after\"}}]}").status());

        String path = create("avro-poison", "{\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, http.post(path + "/assignments", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
        assertEquals(List.of(0L), drain(path, 1).stream().map(n -> n.get("offset").asLong()).toList());
        for (long offset = 1; offset <= 3; offset++) {
            KrestHttp.Response poisoned = http.get(path + "/records?timeout=2000", "Accept", AVRO);
            assertEquals(408, poisoned.status(), poisoned.body());
            assertEquals(40801, poisoned.errorCode());
            String message = poisoned.json().get("message").asText();
            assertTrue(message.contains("@" + offset) && message.contains("offset " + (offset + 1)), message);
            if (offset == 2) {
                assertTrue(message.contains("schema id 999999"), message);
            }
            assertEquals(204, http.post(path + "/positions", V2, "{\"offsets\":[{\"topic\":\"" + topic
                    + "\",\"partition\":0,\"offset\":" + (offset + 1) + "}]}").status());
        }
        List<JsonNode> after = drain(path, 1);
        assertEquals(4, after.getFirst().get("offset").asLong());
        assertEquals("after", after.getFirst().get("value").get("username").asText());
    }

    private static long endOffset(String topic) {
        return http.get("/topics/" + topic + "/partitions/0/offsets").json().get("end_offset").asLong();
    }

    private static KrestHttp.Response produce(String topic, String body) {
        return http.post("/topics/" + topic, AVRO, body);
    }

    private static String quote(String schema) {
        return JsonNodeFactory.instance.textNode(schema).toString();
    }

    private static void assertError(KrestHttp.Response r, int status, int code, String messageStart) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.errorCode(), r.body());
        assertTrue(r.json().get("message").asText().startsWith(messageStart), r.body());
    }

    private static String create(String group, String body) {
        KrestHttp.Response r = http.post("/consumers/" + group, V2, body);
        assertEquals(200, r.status(), r.body());
        return "/consumers/" + group + "/instances/" + r.json().get("instance_id").asText();
    }

    private static List<JsonNode> drain(String path, int expected) {
        List<JsonNode> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (records.size() < expected && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = http.get(path + "/records?timeout=1000", "Accept", AVRO);
            assertEquals(200, r.status(), r.body());
            assertEquals(AVRO, r.contentType());
            r.json().forEach(records::add);
        }
        assertEquals(expected, records.size(), "records: " + records);
        return records;
    }
}

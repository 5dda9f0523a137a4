package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 brokers and broker configs over HTTP against a real broker (docs/api.md, "API served"):
 * KafkaBroker(List), KafkaBrokerConfig(List) per broker and for all brokers, KafkaReplicaList of a
 * broker, KafkaClusterConfig(List) of the dynamic cluster-wide defaults; PUT, DELETE and {@code :alter} of broker
 * and cluster-wide configs, checked through krest and through Kafka's Admin; and the errors (unknown cluster, broker
 * or config 404, invalid value 400/40002, wrong content type 415, malformed JSON 400).
 */
class V3BrokersTest {
    private static final String TOPIC = "v3-brokers-replicas";
    /** Per-broker dynamic configs changed by the tests, reset afterwards. */
    private static final List<String> BROKER_CONFIGS = List.of("message.max.bytes", "log.retention.ms");
    /** Cluster-wide defaults changed by the tests, reset afterwards. */
    private static final List<String> CLUSTER_CONFIGS = List.of("log.cleaner.delete.retention.ms",
            "log.cleaner.min.compaction.lag.ms");

    private static TestKrest krest;
    private static KrestHttp http;
    private static String clusterId;
    private static int brokerId;
    private static String clusterUrl;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        brokerId = TestKafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
        TestKafka.createTopic(TOPIC, 2);
        krest = TestKrest.start();
        http = krest.http();
        clusterUrl = http.base() + "/v3/clusters/" + clusterId;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            reset(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(brokerId)), BROKER_CONFIGS);
            reset(new ConfigResource(ConfigResource.Type.BROKER, ""), CLUSTER_CONFIGS);
        } finally {
            if (krest != null) {
                krest.close();
            }
        }
    }

    private static void reset(ConfigResource resource, List<String> names) throws Exception {
        List<AlterConfigOp> ops = new ArrayList<>();
        for (String name : names) {
            ops.add(new AlterConfigOp(new ConfigEntry(name, null), AlterConfigOp.OpType.DELETE));
        }
        TestKafka.admin().incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- helpers

    private static String v3(String path) {
        return "/v3/clusters/" + clusterId + path;
    }

    private static KrestHttp.Response put(String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b);
    }

    private static KrestHttp.Response delete(String path) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).DELETE());
    }

    /** Config changes reach describeConfigs through the metadata log, so reads poll for a while. */
    private static KrestHttp.Response await(String path, Predicate<KrestHttp.Response> done) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        KrestHttp.Response r = http.get(path);
        while (!done.test(r) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            r = http.get(path);
        }
        assertTrue(done.test(r), r.body());
        return r;
    }

    private static String adminBrokerValue(String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(brokerId));
        return TestKafka.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                .get(resource).get(name).value();
    }

    /** Asserts what Kafka's Admin reports for the broker, polling: the broker applies changes asynchronously. */
    private static void assertAdminBrokerValue(String expected, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        String value = adminBrokerValue(name);
        while (!expected.equals(value) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            value = adminBrokerValue(name);
        }
        assertEquals(expected, value, name);
    }

    private static void assertError(KrestHttp.Response r, int status, int code) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(code, r.errorCode(), r.body());
        assertTrue(r.json().get("message").isTextual(), r.body());
    }

    private static void assertCollection(JsonNode list, String kind, String self) {
        assertEquals(kind, list.get("kind").asText());
        assertEquals(self, list.at("/metadata/self").asText());
        assertTrue(list.get("metadata").has("next"), list.toString());
        assertTrue(list.at("/metadata/next").isNull(), list.toString());
        assertTrue(list.get("data").isArray(), list.toString());
    }

    private static void assertBroker(JsonNode b) {
        String self = clusterUrl + "/brokers/" + brokerId;
        assertEquals("KafkaBroker", b.get("kind").asText());
        assertEquals(self, b.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/broker=" + brokerId, b.at("/metadata/resource_name").asText());
        assertEquals(clusterId, b.get("cluster_id").asText());
        assertTrue(b.get("broker_id").isInt(), b.toString());
        assertEquals(brokerId, b.get("broker_id").asInt());
        assertTrue(b.get("host").isTextual() && !b.get("host").asText().isEmpty(), b.toString());
        assertTrue(b.get("port").isInt() && b.get("port").asInt() > 0, b.toString());
        assertTrue(b.has("rack") && b.get("rack").isNull(), b.toString());
        assertEquals(self + "/configs", b.at("/configs/related").asText());
        assertEquals(self + "/partition-replicas", b.at("/partition_replicas/related").asText());
    }

    /** Every field of Confluent's config resources with its JSON type; {@code extra} is broker_id or config_type. */
    private static void assertConfigFields(JsonNode c) {
        assertEquals(clusterId, c.get("cluster_id").asText());
        assertTrue(c.get("name").isTextual(), c.toString());
        assertTrue(c.has("value") && (c.get("value").isTextual() || c.get("value").isNull()), c.toString());
        assertTrue(c.get("is_default").isBoolean(), c.toString());
        assertTrue(c.get("is_read_only").isBoolean(), c.toString());
        assertTrue(c.get("is_sensitive").isBoolean(), c.toString());
        assertTrue(c.get("source").isTextual(), c.toString());
        assertTrue(c.get("synonyms").isArray(), c.toString());
        for (JsonNode s : c.get("synonyms")) {
            assertTrue(s.get("name").isTextual(), s.toString());
            assertTrue(s.has("value") && (s.get("value").isTextual() || s.get("value").isNull()), s.toString());
            assertTrue(s.get("source").isTextual(), s.toString());
        }
    }

    private static void assertBrokerConfig(JsonNode c, int broker) {
        String name = c.get("name").asText();
        assertEquals("KafkaBrokerConfig", c.get("kind").asText());
        assertEquals(clusterUrl + "/brokers/" + broker + "/configs/" + name, c.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/broker=" + broker + "/config=" + name,
                c.at("/metadata/resource_name").asText());
        assertTrue(c.get("broker_id").isInt(), c.toString());
        assertEquals(broker, c.get("broker_id").asInt());
        assertConfigFields(c);
    }

    private static void assertClusterConfig(JsonNode c) {
        String name = c.get("name").asText();
        assertEquals("KafkaClusterConfig", c.get("kind").asText());
        assertEquals(clusterUrl + "/broker-configs/" + name, c.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/broker-config=" + name,
                c.at("/metadata/resource_name").asText());
        assertEquals("BROKER", c.get("config_type").asText());
        assertConfigFields(c);
    }

    private static JsonNode find(JsonNode data, String name) {
        for (JsonNode c : data) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- brokers

    @Test
    void listBrokers() {
        KrestHttp.Response r = http.get(v3("/brokers"));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertCollection(r.json(), "KafkaBrokerList", clusterUrl + "/brokers");
        assertEquals(1, r.json().get("data").size(), r.body());
        assertBroker(r.json().get("data").get(0));
    }

    @Test
    void getBroker() {
        KrestHttp.Response r = http.get(v3("/brokers/" + brokerId), "Accept", "application/json");
        assertEquals(200, r.status(), r.body());
        assertBroker(r.json());
    }

    @Test
    void unknownBrokerIs404() {
        for (String path : List.of("/brokers/999", "/brokers/999/configs", "/brokers/999/configs/message.max.bytes",
                "/brokers/999/partition-replicas")) {
            KrestHttp.Response r = http.get(v3(path));
            assertError(r, 404, 404);
            assertEquals("Broker 999 cannot be found.", r.json().get("message").asText());
        }
        assertError(http.get(v3("/brokers/abc")), 404, 404);
        assertError(put(v3("/brokers/999/configs/message.max.bytes"), "application/json", "{\"value\":\"1\"}"),
                404, 404);
        assertError(delete(v3("/brokers/999/configs/message.max.bytes")), 404, 404);
        assertError(http.post(v3("/brokers/999/configs:alter"), "application/json",
                "{\"data\":[{\"name\":\"message.max.bytes\",\"value\":\"1\"}]}"), 404, 404);
    }

    @Test
    void unknownClusterIs404() {
        for (String path : List.of("/brokers", "/brokers/" + brokerId, "/brokers/" + brokerId + "/configs",
                "/brokers/-/configs", "/brokers/" + brokerId + "/configs/message.max.bytes",
                "/brokers/" + brokerId + "/partition-replicas", "/broker-configs", "/broker-configs/x")) {
            KrestHttp.Response r = http.get("/v3/clusters/no-such-cluster" + path);
            assertEquals(KrestHttp.json(
                    "{\"error_code\":404,\"message\":\"Cluster no-such-cluster cannot be found.\"}"), r.json(), path);
            assertEquals(404, r.status());
        }
        assertError(put("/v3/clusters/no-such-cluster/broker-configs/x", "application/json", "{\"value\":\"1\"}"),
                404, 404);
        assertError(delete("/v3/clusters/no-such-cluster/brokers/" + brokerId + "/configs/message.max.bytes"),
                404, 404);
        assertError(http.post("/v3/clusters/no-such-cluster/broker-configs:alter", "application/json",
                "{\"data\":[]}"), 404, 404);
    }

    // ---------------------------------------------------------------- broker configs

    @Test
    void listBrokerConfigs() {
        KrestHttp.Response r = http.get(v3("/brokers/" + brokerId + "/configs"));
        assertEquals(200, r.status(), r.body());
        assertCollection(r.json(), "KafkaBrokerConfigList", clusterUrl + "/brokers/" + brokerId + "/configs");
        JsonNode data = r.json().get("data");
        assertTrue(data.size() > 50, r.body());
        data.forEach(c -> assertBrokerConfig(c, brokerId));
        JsonNode mmb = find(data, "message.max.bytes");
        assertNotNull(mmb, "message.max.bytes listed");
        assertFalse(mmb.get("is_read_only").asBoolean());
        JsonNode autoCreate = find(data, "auto.create.topics.enable");
        assertEquals("false", autoCreate.get("value").asText());
        assertEquals("STATIC_BROKER_CONFIG", autoCreate.get("source").asText());
        assertTrue(autoCreate.get("synonyms").size() >= 1, autoCreate.toString());
    }

    @Test
    void getBrokerConfig() {
        KrestHttp.Response r = http.get(v3("/brokers/" + brokerId + "/configs/auto.create.topics.enable"));
        assertEquals(200, r.status(), r.body());
        assertBrokerConfig(r.json(), brokerId);
        assertEquals("auto.create.topics.enable", r.json().get("name").asText());
        assertEquals("false", r.json().get("value").asText());
        assertFalse(r.json().get("is_default").asBoolean());
        assertFalse(r.json().get("is_sensitive").asBoolean());
        JsonNode synonym = r.json().get("synonyms").get(0);
        assertEquals("auto.create.topics.enable", synonym.get("name").asText());
        assertEquals("STATIC_BROKER_CONFIG", synonym.get("source").asText());
    }

    @Test
    void unknownBrokerConfigIs404() {
        String path = v3("/brokers/" + brokerId + "/configs/no.such.config");
        KrestHttp.Response r = http.get(path);
        assertError(r, 404, 404);
        assertEquals("Config no.such.config cannot be found for broker " + brokerId + ".",
                r.json().get("message").asText());
        assertError(put(path, "application/json", "{\"value\":\"1\"}"), 404, 404);
        assertError(delete(path), 404, 404);
        KrestHttp.Response alter = http.post(v3("/brokers/" + brokerId + "/configs:alter"), "application/json",
                "{\"data\":[{\"name\":\"no.such.config\",\"value\":\"1\"}]}");
        assertError(alter, 404, 404);
        assertEquals("Config no.such.config cannot be found for broker " + brokerId + ".",
                alter.json().get("message").asText());
    }

    @Test
    void listAllBrokerConfigs() {
        KrestHttp.Response r = http.get(v3("/brokers/-/configs"));
        assertEquals(200, r.status(), r.body());
        assertCollection(r.json(), "KafkaBrokerConfigList", clusterUrl + "/brokers/-/configs");
        JsonNode data = r.json().get("data");
        assertTrue(data.size() > 50, r.body());
        data.forEach(c -> assertBrokerConfig(c, brokerId));
        assertNotNull(find(data, "message.max.bytes"));
    }

    @Test
    void putAndDeleteBrokerConfig() throws Exception {
        String path = v3("/brokers/" + brokerId + "/configs/message.max.bytes");
        String before = http.get(path).json().get("value").asText();

        KrestHttp.Response set = put(path, "application/json", "{\"value\":\"2000000\"}");
        assertEquals(204, set.status(), set.body());
        assertTrue(set.body().isEmpty(), set.body());
        KrestHttp.Response r = await(path, x -> "2000000".equals(x.json().get("value").asText()));
        assertBrokerConfig(r.json(), brokerId);
        assertEquals("DYNAMIC_BROKER_CONFIG", r.json().get("source").asText());
        assertFalse(r.json().get("is_default").asBoolean());
        assertEquals("DYNAMIC_BROKER_CONFIG", r.json().at("/synonyms/0/source").asText());
        assertAdminBrokerValue("2000000", "message.max.bytes");

        KrestHttp.Response reset = delete(path);
        assertEquals(204, reset.status(), reset.body());
        r = await(path, x -> !"DYNAMIC_BROKER_CONFIG".equals(x.json().get("source").asText())
                && before.equals(x.json().get("value").asText()));
        assertBrokerConfig(r.json(), brokerId);
        assertAdminBrokerValue(before, "message.max.bytes");
    }

    @Test
    void alterBrokerConfigs() throws Exception {
        String alter = v3("/brokers/" + brokerId + "/configs:alter");
        String mmb = v3("/brokers/" + brokerId + "/configs/message.max.bytes");
        String retention = v3("/brokers/" + brokerId + "/configs/log.retention.ms");
        String mmbBefore = http.get(mmb).json().get("value").asText();

        KrestHttp.Response validate = http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"message.max.bytes\",\"value\":\"3000000\"}],\"validate_only\":true}");
        assertEquals(204, validate.status(), validate.body());
        Thread.sleep(300);
        assertEquals(mmbBefore, adminBrokerValue("message.max.bytes"));

        KrestHttp.Response set = http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"message.max.bytes\",\"value\":\"3000000\",\"operation\":\"SET\"},"
                        + "{\"name\":\"log.retention.ms\",\"value\":\"86400000\"}]}");
        assertEquals(204, set.status(), set.body());
        await(mmb, x -> "3000000".equals(x.json().get("value").asText()));
        KrestHttp.Response r = await(retention, x -> "86400000".equals(x.json().get("value").asText()));
        assertEquals("DYNAMIC_BROKER_CONFIG", r.json().get("source").asText());
        assertAdminBrokerValue("3000000", "message.max.bytes");
        assertAdminBrokerValue("86400000", "log.retention.ms");

        KrestHttp.Response del = http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"message.max.bytes\",\"operation\":\"DELETE\"},"
                        + "{\"name\":\"log.retention.ms\",\"operation\":\"DELETE\"}]}");
        assertEquals(204, del.status(), del.body());
        await(mmb, x -> mmbBefore.equals(x.json().get("value").asText()));
        await(retention, x -> !"DYNAMIC_BROKER_CONFIG".equals(x.json().get("source").asText()));
        assertAdminBrokerValue(mmbBefore, "message.max.bytes");
    }

    @Test
    void invalidBrokerConfigValueIs40002() throws Exception {
        String before = adminBrokerValue("message.max.bytes");
        assertError(put(v3("/brokers/" + brokerId + "/configs/message.max.bytes"), "application/json",
                "{\"value\":\"not-a-number\"}"), 400, 40002);
        assertError(http.post(v3("/brokers/" + brokerId + "/configs:alter"), "application/json",
                "{\"data\":[{\"name\":\"message.max.bytes\",\"value\":\"not-a-number\"}]}"), 400, 40002);
        assertEquals(before, adminBrokerValue("message.max.bytes"));
    }

    // ---------------------------------------------------------------- partition replicas

    @Test
    void listPartitionReplicas() {
        KrestHttp.Response r = http.get(v3("/brokers/" + brokerId + "/partition-replicas"));
        assertEquals(200, r.status(), r.body());
        assertCollection(r.json(), "KafkaReplicaList", clusterUrl + "/brokers/" + brokerId + "/partition-replicas");
        List<JsonNode> ours = new ArrayList<>();
        for (JsonNode replica : r.json().get("data")) {
            if (replica.get("topic_name").asText().equals(TOPIC)) {
                ours.add(replica);
            }
        }
        assertEquals(2, ours.size(), r.body());
        for (int p = 0; p < 2; p++) {
            JsonNode replica = ours.get(p);
            String self = clusterUrl + "/topics/" + TOPIC + "/partitions/" + p + "/replicas/" + brokerId;
            assertEquals("KafkaReplica", replica.get("kind").asText());
            assertEquals(self, replica.at("/metadata/self").asText());
            assertEquals("crn:///kafka=" + clusterId + "/topic=" + TOPIC + "/partition=" + p + "/replica=" + brokerId,
                    replica.at("/metadata/resource_name").asText());
            assertEquals(clusterId, replica.get("cluster_id").asText());
            assertTrue(replica.get("partition_id").isInt());
            assertEquals(p, replica.get("partition_id").asInt());
            assertTrue(replica.get("broker_id").isInt());
            assertEquals(brokerId, replica.get("broker_id").asInt());
            assertTrue(replica.get("is_leader").isBoolean() && replica.get("is_leader").asBoolean());
            assertTrue(replica.get("is_in_sync").isBoolean() && replica.get("is_in_sync").asBoolean());
            assertEquals(clusterUrl + "/brokers/" + brokerId, replica.at("/broker/related").asText());
        }
    }

    // ---------------------------------------------------------------- cluster-wide configs

    @Test
    void putGetAndDeleteClusterConfig() throws Exception {
        String name = "log.cleaner.delete.retention.ms";
        String path = v3("/broker-configs/" + name);
        KrestHttp.Response missing = http.get(path);
        assertError(missing, 404, 404);
        assertEquals("Config " + name + " cannot be found for cluster " + clusterId + ".",
                missing.json().get("message").asText());

        KrestHttp.Response set = put(path, "application/json", "{\"value\":\"86400001\"}");
        assertEquals(204, set.status(), set.body());
        KrestHttp.Response r = await(path, x -> x.status() == 200);
        assertClusterConfig(r.json());
        assertEquals(name, r.json().get("name").asText());
        assertEquals("86400001", r.json().get("value").asText());
        assertEquals("DYNAMIC_DEFAULT_BROKER_CONFIG", r.json().get("source").asText());

        KrestHttp.Response list = http.get(v3("/broker-configs"));
        assertEquals(200, list.status(), list.body());
        assertCollection(list.json(), "KafkaClusterConfigList", clusterUrl + "/broker-configs");
        list.json().get("data").forEach(V3BrokersTest::assertClusterConfig);
        assertNotNull(find(list.json().get("data"), name), list.body());

        // the broker sees the default as a synonym of its own config
        KrestHttp.Response broker = await(v3("/brokers/" + brokerId + "/configs/" + name),
                x -> "86400001".equals(x.json().get("value").asText()));
        assertEquals("DYNAMIC_DEFAULT_BROKER_CONFIG", broker.json().get("source").asText());

        KrestHttp.Response reset = delete(path);
        assertEquals(204, reset.status(), reset.body());
        await(path, x -> x.status() == 404);
        KrestHttp.Response after = http.get(v3("/broker-configs"));
        assertEquals(null, find(after.json().get("data"), name), after.body());
    }

    @Test
    void alterClusterConfigs() throws Exception {
        String name = "log.cleaner.min.compaction.lag.ms";
        String path = v3("/broker-configs/" + name);
        String alter = v3("/broker-configs:alter");

        KrestHttp.Response validate = http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"" + name + "\",\"value\":\"1000\"}],\"validate_only\":true}");
        assertEquals(204, validate.status(), validate.body());
        Thread.sleep(300);
        assertError(http.get(path), 404, 404);

        KrestHttp.Response set = http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"" + name + "\",\"value\":\"1000\",\"operation\":\"SET\"}]}");
        assertEquals(204, set.status(), set.body());
        KrestHttp.Response r = await(path, x -> x.status() == 200);
        assertEquals("1000", r.json().get("value").asText());
        ConfigResource defaults = new ConfigResource(ConfigResource.Type.BROKER, "");
        assertEquals("1000", TestKafka.admin().describeConfigs(List.of(defaults)).all().get(30, TimeUnit.SECONDS)
                .get(defaults).get(name).value());

        KrestHttp.Response del = http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"" + name + "\",\"operation\":\"DELETE\"}]}");
        assertEquals(204, del.status(), del.body());
        await(path, x -> x.status() == 404);
    }

    @Test
    void invalidClusterConfigValueIs40002() {
        assertError(put(v3("/broker-configs/log.cleaner.delete.retention.ms"), "application/json",
                "{\"value\":\"not-a-number\"}"), 400, 40002);
        assertError(http.post(v3("/broker-configs:alter"), "application/json",
                "{\"data\":[{\"name\":\"log.cleaner.delete.retention.ms\",\"value\":\"not-a-number\"}]}"),
                400, 40002);
    }

    // ---------------------------------------------------------------- request bodies

    @Test
    void wrongContentTypeIs415() {
        String config = v3("/brokers/" + brokerId + "/configs/message.max.bytes");
        assertError(put(config, "text/plain", "{\"value\":\"2000000\"}"), 415, 415);
        assertError(put(config, null, "{\"value\":\"2000000\"}"), 415, 415);
        assertError(http.post(v3("/brokers/" + brokerId + "/configs:alter"), "text/plain", "{\"data\":[]}"),
                415, 415);
        assertError(put(v3("/broker-configs/log.cleaner.delete.retention.ms"), "application/xml", "<v/>"),
                415, 415);
        assertError(http.post(v3("/broker-configs:alter"), "text/plain", "{\"data\":[]}"), 415, 415);
    }

    @Test
    void malformedBodyIs400() {
        String config = v3("/brokers/" + brokerId + "/configs/message.max.bytes");
        String alter = v3("/brokers/" + brokerId + "/configs:alter");
        assertError(put(config, "application/json", "{\"value\":"), 400, 400);
        assertError(put(config, "application/json", ""), 400, 400);
        assertError(put(config, "application/json", "{}"), 400, 400);
        assertError(http.post(alter, "application/json", "{\"data\":[{\"name\":"), 400, 400);
        assertError(http.post(alter, "application/json", "{\"data\":\"x\"}"), 400, 400);
        assertError(http.post(alter, "application/json",
                "{\"data\":[{\"name\":\"message.max.bytes\",\"operation\":\"APPEND\"}]}"), 400, 400);
        assertError(http.post(alter, "application/json", "{\"data\":[{\"name\":\"message.max.bytes\"}]}"), 400, 400);
        assertError(http.post(v3("/broker-configs:alter"), "application/json", "not json"), 400, 400);
        assertError(put(v3("/broker-configs/log.cleaner.delete.retention.ms"), "application/json", "[1"), 400, 400);
    }
}

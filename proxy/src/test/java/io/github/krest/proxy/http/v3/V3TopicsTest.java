package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 topics and topic configs over HTTP against a real broker (docs/api.md, "API served"):
 * list, create (partitions/replication factor, replicas_assignments, configs, validate_only), get,
 * PATCH partitions_count, delete; config list/get/update/reset/alter, all-topic config list and multi-topic alter
 * with its 207; and the error answers.
 */
class V3TopicsTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static TestKrest krest;
    private static KrestHttp http;
    private static String clusterId;
    private static int brokerId;
    private static String prefix;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        brokerId = TestKafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
        krest = TestKrest.start();
        http = krest.http();
        prefix = "/v3/clusters/" + clusterId;
    }

    @AfterAll
    static void stop() {
        if (krest != null) {
            krest.close();
        }
    }

    private static String unique(String name) {
        return "v3-topics-" + name + "-" + System.nanoTime() + "-" + SEQ.incrementAndGet();
    }

    private static KrestHttp.Response request(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        }
        return http.send(b);
    }

    private static KrestHttp.Response postJson(String path, String body) {
        return http.post(path, "application/json", body);
    }

    private static String self(String... path) {
        return http.base() + prefix + "/" + String.join("/", path);
    }

    private static void assertTopic(JsonNode t, String name, int partitions, int replicationFactor) {
        assertEquals("KafkaTopic", t.get("kind").asText(), t.toString());
        assertEquals(self("topics", name), t.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/topic=" + name, t.at("/metadata/resource_name").asText());
        assertEquals(clusterId, t.get("cluster_id").asText());
        assertEquals(name, t.get("topic_name").asText());
        assertTrue(t.get("is_internal").isBoolean(), t.toString());
        assertFalse(t.get("is_internal").booleanValue());
        assertTrue(t.get("replication_factor").isInt(), t.toString());
        assertEquals(replicationFactor, t.get("replication_factor").intValue());
        assertTrue(t.get("partitions_count").isInt(), t.toString());
        assertEquals(partitions, t.get("partitions_count").intValue());
        assertTrue(t.get("authorized_operations").isArray(), t.toString());
        assertEquals(self("topics", name, "partitions"), t.at("/partitions/related").asText());
        assertEquals(self("topics", name, "configs"), t.at("/configs/related").asText());
        assertEquals(self("topics", name, "partitions", "-", "reassignment"),
                t.at("/partition_reassignments/related").asText());
    }

    private static void assertConfig(JsonNode c, String topic, String name) {
        assertEquals("KafkaTopicConfig", c.get("kind").asText(), c.toString());
        assertEquals(self("topics", topic, "configs", name), c.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/config=" + name,
                c.at("/metadata/resource_name").asText());
        assertEquals(clusterId, c.get("cluster_id").asText());
        assertEquals(topic, c.get("topic_name").asText());
        assertEquals(name, c.get("name").asText());
        assertTrue(c.has("value") && (c.get("value").isTextual() || c.get("value").isNull()), c.toString());
        assertTrue(c.get("is_default").isBoolean(), c.toString());
        assertTrue(c.get("is_read_only").isBoolean(), c.toString());
        assertTrue(c.get("is_sensitive").isBoolean(), c.toString());
        assertTrue(c.get("source").isTextual(), c.toString());
        assertTrue(c.get("synonyms").isArray(), c.toString());
        for (JsonNode s : c.get("synonyms")) {
            assertTrue(s.get("name").isTextual(), s.toString());
            assertTrue(s.has("value"), s.toString());
            assertTrue(s.get("source").isTextual(), s.toString());
        }
    }

    private static JsonNode config(String topic, String name) {
        KrestHttp.Response r = http.get(prefix + "/topics/" + topic + "/configs/" + name);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    /**
     * {@link #config} once the broker shows {@code value} (or after 10 s, for the caller's assertions to report):
     * a config change is committed by the controller before the 204, and the broker applies it when it replays
     * the metadata, so a read right after it may see the old value.
     */
    private static JsonNode configOnceApplied(String topic, String name, String value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode config = config(topic, name);
        while (!config.path("value").asText().equals(value) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            config = config(topic, name);
        }
        return config;
    }

    private static int partitionsOf(String topic) throws Exception {
        return TestKafka.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
    }

    private static void assertError(KrestHttp.Response r, int status, int code) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(code, r.errorCode(), r.body());
        assertTrue(r.json().get("message").isTextual(), r.body());
    }

    // ---------------------------------------------------------------- topics

    @Test
    void listTopicsIsSortedWithoutInternalTopics() {
        String b = TestKafka.createTopic(unique("list-b"), 2);
        String a = TestKafka.createTopic(unique("list-a"), 1);
        KrestHttp.Response r = http.get(prefix + "/topics");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals("KafkaTopicList", r.json().get("kind").asText());
        assertEquals(self("topics"), r.json().at("/metadata/self").asText());
        assertTrue(r.json().get("metadata").has("next") && r.json().at("/metadata/next").isNull(), r.body());
        List<String> names = new ArrayList<>();
        for (JsonNode t : r.json().get("data")) {
            names.add(t.get("topic_name").asText());
            assertFalse(t.get("is_internal").booleanValue(), t.toString());
            assertFalse(t.get("topic_name").asText().startsWith("__"), t.toString());
            assertEquals(0, t.get("authorized_operations").size(), t.toString());
        }
        assertEquals(names.stream().sorted().toList(), names);
        assertTrue(names.containsAll(List.of(a, b)), names.toString());
        for (JsonNode t : r.json().get("data")) {
            if (t.get("topic_name").asText().equals(b)) {
                assertTopic(t, b, 2, 1);
            }
        }

        KrestHttp.Response ops = http.get(prefix + "/topics?includeAuthorizedOperations=true");
        assertEquals(200, ops.status(), ops.body());
        for (JsonNode t : ops.json().get("data")) {
            assertTrue(t.get("authorized_operations").isArray(), t.toString());
        }
    }

    @Test
    void createTopicWithCountsAndConfigs() {
        String name = unique("create");
        KrestHttp.Response r = postJson(prefix + "/topics", "{\"topic_name\":\"" + name + "\",\"partitions_count\":3,"
                + "\"replication_factor\":1,\"configs\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\"},"
                + "{\"name\":\"retention.ms\",\"value\":\"123456\"}]}");
        assertEquals(201, r.status(), r.body());
        assertEquals(self("topics", name), r.headers().firstValue("Location").orElse(""));
        assertTopic(r.json(), name, 3, 1);
        assertEquals(0, r.json().get("authorized_operations").size());

        KrestHttp.Response get = http.get(prefix + "/topics/" + name);
        assertEquals(200, get.status(), get.body());
        assertTopic(get.json(), name, 3, 1);
        assertEquals("compact", config(name, "cleanup.policy").get("value").asText());
        assertEquals("123456", config(name, "retention.ms").get("value").asText());
    }

    @Test
    void createTopicWithDefaults() {
        String name = unique("defaults");
        KrestHttp.Response r = postJson(prefix + "/topics", "{\"topic_name\":\"" + name + "\"}");
        assertEquals(201, r.status(), r.body());
        assertEquals(name, r.json().get("topic_name").asText());
        assertTrue(r.json().get("partitions_count").intValue() >= 1, r.body());
        assertEquals(200, http.get(prefix + "/topics/" + name).status());
    }

    @Test
    void createTopicWithReplicasAssignments() {
        String name = unique("assign");
        KrestHttp.Response r = postJson(prefix + "/topics", "{\"topic_name\":\"" + name + "\","
                + "\"replicas_assignments\":{\"0\":[" + brokerId + "],\"1\":[" + brokerId + "]}}");
        assertEquals(201, r.status(), r.body());
        assertTopic(r.json(), name, 2, 1);
        KrestHttp.Response get = http.get(prefix + "/topics/" + name);
        assertTopic(get.json(), name, 2, 1);
    }

    @Test
    void createTopicValidateOnlyCreatesNothing() {
        String name = unique("validate");
        KrestHttp.Response r = postJson(prefix + "/topics", "{\"topic_name\":\"" + name + "\",\"partitions_count\":2,"
                + "\"replication_factor\":1,\"validate_only\":true}");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), r.headers().toString());
        assertTopic(r.json(), name, 2, 1);
        assertError(http.get(prefix + "/topics/" + name), 404, 40403);
    }

    @Test
    void createTopicErrors() {
        String existing = TestKafka.createTopic(unique("dup"), 1);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":\"" + existing + "\",\"partitions_count\":1}"),
                400, 40002);

        KrestHttp.Response invalid = postJson(prefix + "/topics", "{\"topic_name\":\"bad name!\"}");
        assertError(invalid, 422, 42206);
        assertEquals("Invalid topic name.", invalid.json().get("message").asText());
        // no topic_name: 400, as Confluent's mapping of its required field
        assertError(postJson(prefix + "/topics", "{}"), 400, 400);
        assertError(postJson(prefix + "/topics", ""), 422, 42206);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":"), 400, 400);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":\"x\",\"partitions_count\":\"many\"}"), 400, 400);
        assertError(http.post(prefix + "/topics", "text/plain", "{\"topic_name\":\"x\"}"), 415, 415);
        assertError(http.post(prefix + "/topics", null, "{\"topic_name\":\"x\"}"), 415, 415);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":\"" + unique("rf") + "\",\"partitions_count\":1,"
                + "\"replication_factor\":5}"), 400, 40002);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":\"" + unique("rf0") + "\",\"replication_factor\":0}"),
                400, 40002);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":\"" + unique("p0") + "\",\"partitions_count\":0}"),
                400, 40002);
        assertError(postJson(prefix + "/topics", "{\"topic_name\":\"" + unique("assign") + "\","
                + "\"replicas_assignments\":{\"zero\":[" + brokerId + "]}}"), 400, 400);
        assertError(postJson("/v3/clusters/no-such-cluster/topics", "{\"topic_name\":\"x\"}"), 404, 404);
    }

    @Test
    void getTopic() {
        String name = TestKafka.createTopic(unique("get"), 2);
        KrestHttp.Response r = http.get(prefix + "/topics/" + name, "Accept", "application/json");
        assertEquals(200, r.status(), r.body());
        assertTopic(r.json(), name, 2, 1);
        assertEquals(0, r.json().get("authorized_operations").size());

        KrestHttp.Response ops = http.get(prefix + "/topics/" + name + "?include_authorized_operations=true");
        assertEquals(200, ops.status(), ops.body());
        assertTopic(ops.json(), name, 2, 1);
    }

    @Test
    void getTopicErrors() {
        assertError(http.get(prefix + "/topics/" + unique("missing")), 404, 40403);
        KrestHttp.Response cluster = http.get("/v3/clusters/no-such-cluster/topics/t");
        assertError(cluster, 404, 404);
        assertEquals("Cluster no-such-cluster cannot be found.", cluster.json().get("message").asText());
        assertError(http.get("/v3/clusters/no-such-cluster/topics"), 404, 404);
    }

    @Test
    void patchIncreasesPartitions() throws Exception {
        String name = TestKafka.createTopic(unique("patch"), 1);
        KrestHttp.Response r = request("PATCH", prefix + "/topics/" + name, "{\"partitions_count\":3}");
        assertEquals(200, r.status(), r.body());
        assertTopic(r.json(), name, 3, 1);
        assertEquals(3, partitionsOf(name));

        assertError(request("PATCH", prefix + "/topics/" + name, "{\"partitions_count\":2}"), 400, 40002);
        assertError(request("PATCH", prefix + "/topics/" + name, "{\"partitions_count\":3}"), 400, 40002);
        assertError(request("PATCH", prefix + "/topics/" + name, "{}"), 422, 42206);
        assertError(request("PATCH", prefix + "/topics/" + name, "{"), 400, 400);
        assertError(request("PATCH", prefix + "/topics/" + unique("missing"), "{\"partitions_count\":2}"),
                404, 40403);
    }

    @Test
    void deleteTopic() {
        String name = TestKafka.createTopic(unique("delete"), 1);
        KrestHttp.Response r = request("DELETE", prefix + "/topics/" + name, null);
        assertEquals(204, r.status(), r.body());
        assertTrue(r.body().isEmpty());
        assertError(http.get(prefix + "/topics/" + name), 404, 40403);
        assertError(request("DELETE", prefix + "/topics/" + unique("missing"), null), 404, 40403);
    }

    // ---------------------------------------------------------------- topic configs

    @Test
    void listAndGetConfigs() {
        String name = TestKafka.createTopic(unique("configs"), 1);
        KrestHttp.Response r = http.get(prefix + "/topics/" + name + "/configs");
        assertEquals(200, r.status(), r.body());
        assertEquals("KafkaTopicConfigList", r.json().get("kind").asText());
        assertEquals(self("topics", name, "configs"), r.json().at("/metadata/self").asText());
        assertTrue(r.json().at("/metadata/next").isNull());
        assertTrue(r.json().get("data").size() > 10, r.body());
        boolean sawCleanup = false;
        for (JsonNode c : r.json().get("data")) {
            assertConfig(c, name, c.get("name").asText());
            sawCleanup |= c.get("name").asText().equals("cleanup.policy");
        }
        assertTrue(sawCleanup, r.body());

        JsonNode cleanup = config(name, "cleanup.policy");
        assertConfig(cleanup, name, "cleanup.policy");
        assertEquals("delete", cleanup.get("value").asText());
        assertTrue(cleanup.get("is_default").booleanValue(), cleanup.toString());
        assertEquals("DEFAULT_CONFIG", cleanup.get("source").asText());

        assertError(http.get(prefix + "/topics/" + name + "/configs/no.such.config"), 404, 404);
        assertError(http.get(prefix + "/topics/" + unique("missing") + "/configs"), 404, 40403);
        assertError(http.get("/v3/clusters/no-such-cluster/topics/" + name + "/configs"), 404, 404);
    }

    @Test
    void updateAndResetConfig() {
        String name = TestKafka.createTopic(unique("update"), 1);
        KrestHttp.Response put = request("PUT", prefix + "/topics/" + name + "/configs/retention.ms",
                "{\"value\":\"7200000\"}");
        assertEquals(204, put.status(), put.body());
        JsonNode updated = configOnceApplied(name, "retention.ms", "7200000");
        assertEquals("7200000", updated.get("value").asText());
        assertFalse(updated.get("is_default").booleanValue());
        assertEquals("DYNAMIC_TOPIC_CONFIG", updated.get("source").asText());
        assertEquals("DYNAMIC_TOPIC_CONFIG", updated.at("/synonyms/0/source").asText(), updated.toString());
        assertEquals("7200000", updated.at("/synonyms/0/value").asText(), updated.toString());

        KrestHttp.Response reset = request("DELETE", prefix + "/topics/" + name + "/configs/retention.ms", null);
        assertEquals(204, reset.status(), reset.body());
        JsonNode defaulted = configOnceApplied(name, "retention.ms", "604800000");
        assertTrue(defaulted.get("is_default").booleanValue() || !defaulted.get("source").asText()
                .equals("DYNAMIC_TOPIC_CONFIG"), defaulted.toString());
        assertEquals("604800000", defaulted.get("value").asText());

        assertError(request("PUT", prefix + "/topics/" + name + "/configs/no.such.config", "{\"value\":\"1\"}"),
                404, 404);
        assertError(request("DELETE", prefix + "/topics/" + name + "/configs/no.such.config", null), 404, 404);
        assertError(request("PUT", prefix + "/topics/" + name + "/configs/retention.ms", "{\"value\":\"abc\"}"),
                400, 40002);
        assertError(request("PUT", prefix + "/topics/" + name + "/configs/retention.ms", "{\"value\":"), 400, 400);
        assertError(http.send(HttpRequest.newBuilder(URI.create(http.base() + prefix + "/topics/" + name
                + "/configs/retention.ms")).PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"1\"}"))),
                415, 415);
        assertError(request("PUT", prefix + "/topics/" + unique("missing") + "/configs/retention.ms",
                "{\"value\":\"1\"}"), 404, 40403);
    }

    @Test
    void alterConfigs() {
        String name = TestKafka.createTopic(unique("alter"), 1);
        request("PUT", prefix + "/topics/" + name + "/configs/retention.bytes", "{\"value\":\"1048576\"}");
        KrestHttp.Response r = postJson(prefix + "/topics/" + name + "/configs:alter",
                "{\"data\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\"},"
                        + "{\"name\":\"retention.bytes\",\"operation\":\"DELETE\"},"
                        + "{\"name\":\"max.message.bytes\",\"value\":\"2000000\",\"operation\":\"SET\"}]}");
        assertEquals(204, r.status(), r.body());
        assertEquals("compact", configOnceApplied(name, "cleanup.policy", "compact").get("value").asText());
        assertEquals("2000000", configOnceApplied(name, "max.message.bytes", "2000000").get("value").asText());
        assertEquals("-1", configOnceApplied(name, "retention.bytes", "-1").get("value").asText());

        KrestHttp.Response validate = postJson(prefix + "/topics/" + name + "/configs:alter",
                "{\"data\":[{\"name\":\"cleanup.policy\",\"value\":\"delete\"}],\"validate_only\":true}");
        assertEquals(204, validate.status(), validate.body());
        assertEquals("compact", config(name, "cleanup.policy").get("value").asText());

        KrestHttp.Response unknownName = postJson(prefix + "/topics/" + name + "/configs:alter",
                "{\"data\":[{\"name\":\"no.such.config\",\"value\":\"1\"}]}");
        assertError(unknownName, 400, 40002);
        assertEquals("Unknown topic config name: no.such.config", unknownName.json().get("message").asText());
        assertError(postJson(prefix + "/topics/" + name + "/configs:alter",
                "{\"data\":[{\"name\":\"cleanup.policy\",\"value\":\"x\",\"operation\":\"APPEND_MAYBE\"}]}"), 400, 400);
        assertError(postJson(prefix + "/topics/" + name + "/configs:alter", "{}"), 422, 42206);
        assertError(postJson(prefix + "/topics/" + name + "/configs:alter", "[1,"), 400, 400);
        assertError(http.post(prefix + "/topics/" + name + "/configs:alter", "text/plain", "{\"data\":[]}"), 415, 415);
        assertError(postJson(prefix + "/topics/" + unique("missing") + "/configs:alter",
                "{\"data\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\"}]}"), 404, 40403);
    }

    @Test
    void listConfigsOfAllTopics() {
        String a = TestKafka.createTopic(unique("all-a"), 1);
        String b = TestKafka.createTopic(unique("all-b"), 1);
        request("PUT", prefix + "/topics/" + b + "/configs/retention.ms", "{\"value\":\"3600000\"}");
        KrestHttp.Response r = http.get(prefix + "/topics/-/configs");
        assertEquals(200, r.status(), r.body());
        assertEquals("KafkaTopicConfigList", r.json().get("kind").asText());
        assertEquals(self("topics", "-", "configs"), r.json().at("/metadata/self").asText());
        Set<String> topics = new java.util.HashSet<>();
        boolean sawB = false;
        for (JsonNode c : r.json().get("data")) {
            topics.add(c.get("topic_name").asText());
            if (c.get("topic_name").asText().equals(b) && c.get("name").asText().equals("retention.ms")) {
                assertConfig(c, b, "retention.ms");
                assertEquals("3600000", c.get("value").asText());
                sawB = true;
            }
        }
        assertTrue(topics.containsAll(List.of(a, b)), topics.toString());
        assertTrue(sawB, "retention.ms of " + b);
        assertError(http.get("/v3/clusters/no-such-cluster/topics/-/configs"), 404, 404);
    }

    @Test
    void alterConfigsOfSeveralTopics() {
        String a = TestKafka.createTopic(unique("multi-a"), 1);
        String b = TestKafka.createTopic(unique("multi-b"), 1);
        KrestHttp.Response r = postJson(prefix + "/topics/-/configs:alter", "{\"data\":["
                + "{\"topic_name\":\"" + a + "\",\"configs\":[{\"name\":\"retention.ms\",\"value\":\"111111\"}]},"
                + "{\"topic_name\":\"" + b + "\",\"configs\":[{\"name\":\"retention.ms\",\"value\":\"222222\","
                + "\"operation\":\"SET\"}]}]}");
        assertEquals(204, r.status(), r.body());
        assertEquals("111111", config(a, "retention.ms").get("value").asText());
        assertEquals("222222", config(b, "retention.ms").get("value").asText());

        KrestHttp.Response validate = postJson(prefix + "/topics/-/configs:alter", "{\"validate_only\":true,"
                + "\"data\":[{\"topic_name\":\"" + a + "\","
                + "\"configs\":[{\"name\":\"retention.ms\",\"value\":\"1\"}]}]}");
        assertEquals(204, validate.status(), validate.body());
        assertEquals("111111", config(a, "retention.ms").get("value").asText());

        // a value Kafka refuses fails its topic only: 207, the other topic's change is made
        KrestHttp.Response partial = postJson(prefix + "/topics/-/configs:alter", "{\"data\":["
                + "{\"topic_name\":\"" + a + "\",\"configs\":[{\"name\":\"retention.ms\",\"operation\":\"DELETE\"}]},"
                + "{\"topic_name\":\"" + b + "\",\"configs\":[{\"name\":\"retention.ms\",\"value\":\"soon\"}]}]}");
        assertEquals(207, partial.status(), partial.body());
        assertEquals(1, partial.json().get("failures").size(), partial.body());
        JsonNode failure = partial.json().at("/failures/0");
        assertEquals(b, failure.get("topic_name").asText());
        assertEquals(40002, failure.get("error_code").intValue());
        assertTrue(failure.get("message").isTextual(), partial.body());
        assertEquals("604800000", config(a, "retention.ms").get("value").asText());
        assertEquals("222222", config(b, "retention.ms").get("value").asText());

        // an unknown topic or config name fails the whole request before anything changes (Confluent's safe alter)
        String missing = unique("missing");
        String setA = "{\"topic_name\":\"" + a + "\",\"configs\":[{\"name\":\"retention.ms\",\"value\":\"333333\"}]}";
        assertError(postJson(prefix + "/topics/-/configs:alter", "{\"data\":[" + setA + ",{\"topic_name\":\""
                + missing + "\",\"configs\":[{\"name\":\"retention.ms\",\"value\":\"1\"}]}]}"), 404, 40403);
        assertError(postJson(prefix + "/topics/-/configs:alter", "{\"data\":[" + setA + ",{\"topic_name\":\""
                + b + "\",\"configs\":[{\"name\":\"retention.mss\",\"value\":\"1\"}]}]}"), 404, 404);
        assertEquals("604800000", config(a, "retention.ms").get("value").asText());

        assertError(postJson(prefix + "/topics/-/configs:alter", "{}"), 422, 42206);
        assertError(postJson(prefix + "/topics/-/configs:alter", "{\"data\":"), 400, 400);
        assertError(http.post(prefix + "/topics/-/configs:alter", "text/plain", "{}"), 415, 415);
        assertError(postJson("/v3/clusters/no-such-cluster/topics/-/configs:alter", "{\"data\":[]}"), 404, 404);
    }
}

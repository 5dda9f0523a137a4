package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.assertConfig;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static io.github.krest.proxy.compat.Compat.assertResource;
import static io.github.krest.proxy.compat.Compat.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's v3 topic, topic config, partition, replica and reassignment integration tests (and
 * {@code JsonParsingErrorTest}), one nested class each, against one krest: shapes ({@code kind}, {@code metadata},
 * {@code related} links) and codes as those tests expect, {@code application/json} throughout. Includes extra
 * cases: {@code {}} to create a topic is 400; the partition offsets' {@code offset_type} defaults to
 * {@code earliest_and_latest} and is part of the {@code resource_name}; the reassignments of a missing topic are an
 * empty list; a multi-topic config alter naming an unknown topic or config is a 404 for the whole request.
 */
class V3TopicsCompatTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest();

    private static String topic(int partitions) {
        return TestKafka.createTopic("compat-v3-topic-" + TOPICS.incrementAndGet(), partitions);
    }

    private static String path(String path) {
        return krest.v3(path);
    }

    private static KrestHttp.Response get(String path) {
        return krest.v3Get(path);
    }

    private static KrestHttp.Response post(String path, String body) {
        return krest.post(path(path), JSON, body, "Accept", JSON);
    }

    /** @return the answer to {@code GET path} of another cluster, {@code /v3/clusters/foobar<path>} */
    private static KrestHttp.Response otherCluster(String path) {
        return krest.get("/v3/clusters/foobar" + path, "Accept", JSON);
    }

    /** Confluent {@code TopicsResourceIntegrationTest}. */
    @Nested
    class TopicsResourceIntegrationTest {
        private void assertTopic(JsonNode t, String name, int partitions) {
            String self = krest.base() + "/topics/" + name;
            assertResource(t, "KafkaTopic", self, krest.crn() + "/topic=" + name);
            assertEquals(krest.clusterId(), t.get("cluster_id").asText());
            assertEquals(name, t.get("topic_name").asText());
            assertFalse(t.get("is_internal").asBoolean());
            assertEquals(1, t.get("replication_factor").asInt());
            assertEquals(partitions, t.get("partitions_count").asInt());
            assertEquals(self + "/partitions", t.at("/partitions/related").asText());
            assertEquals(self + "/configs", t.at("/configs/related").asText());
            assertEquals(self + "/partitions/-/reassignment", t.at("/partition_reassignments/related").asText());
            assertTrue(t.get("authorized_operations").isArray());
        }

        @Test
        void listAndGetTopics() {
            String topic = topic(2);
            JsonNode list = assertOk(get("/topics"), 200, JSON);
            assertEquals("KafkaTopicList", list.get("kind").asText());
            assertEquals(krest.base() + "/topics", list.at("/metadata/self").asText());
            JsonNode listed = null;
            for (JsonNode t : list.get("data")) {
                listed = t.get("topic_name").asText().equals(topic) ? t : listed;
            }
            assertTopic(listed, topic, 2);
            assertTopic(assertOk(get("/topics/" + topic), 200, JSON), topic, 2);
            assertError(get("/topics/compat-v3-missing"), 404, 40403, JSON);
            assertError(otherCluster("/topics"), 404, 404, JSON);
            assertError(otherCluster("/topics/" + topic), 404, 404, JSON);
        }

        @Test
        void createTopic() {
            String name = "compat-v3-created-" + TOPICS.incrementAndGet();
            KrestHttp.Response created = post("/topics", "{\"topic_name\":\"" + name + "\",\"partitions_count\":1,"
                    + "\"replication_factor\":1,\"configs\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\"}]}");
            assertTopic(assertOk(created, 201, JSON), name, 1);
            assertEquals(krest.base() + "/topics/" + name, created.headers().firstValue("Location").orElse(""));
            assertEquals("compact", eventually(() -> get("/topics/" + name + "/configs/cleanup.policy"),
                    r -> r.status() == 200).json().get("value").asText());
            // an existing topic: 400/40002, also when only validating
            assertError(post("/topics", "{\"topic_name\":\"" + name + "\"}"), 400, 40002, JSON);
            assertError(post("/topics", "{\"topic_name\":\"" + name + "\",\"validate_only\":true}"), 400, 40002,
                    JSON);
        }

        @Test
        void validateOnlyCreatesNothing() {
            String name = "compat-v3-validated-" + TOPICS.incrementAndGet();
            assertTopic(assertOk(post("/topics", "{\"topic_name\":\"" + name + "\",\"partitions_count\":1,"
                    + "\"replication_factor\":1,\"validate_only\":true}"), 200, JSON), name, 1);
            assertError(get("/topics/" + name), 404, 40403, JSON);
        }

        @Test
        void createWithReplicasAssignments() {
            String name = "compat-v3-assigned-" + TOPICS.incrementAndGet();
            assertTopic(assertOk(post("/topics", "{\"topic_name\":\"" + name + "\",\"replicas_assignments\":{\"0\":["
                    + krest.brokerId() + "],\"1\":[" + krest.brokerId() + "]}}"), 201, JSON), name, 2);
        }

        @Test
        void createErrors() {
            assertError(krest.post("/v3/clusters/foobar/topics", JSON, "{\"topic_name\":\"t\"}"), 404, 404, JSON);
            assertError(post("/topics", ""), 422, 42206, JSON);
            assertError(post("/topics", "{\"topic_name\":\"\"}"), 422, 42206, JSON);
            // no topic_name is a 400, as Confluent's mapping of its required field answers
            assertError(post("/topics", "{}"), 400, 400, JSON);
            String name = "compat-v3-strict-" + TOPICS.incrementAndGet();
            JsonNode unknown = assertError(post("/topics", "{\"topic_name\":\"" + name + "\",\"partition_count\":3}"),
                    400, 400, JSON);
            assertTrue(unknown.get("message").asText().contains("\"partition_count\""), unknown.toString());
            JsonNode nested = assertError(post("/topics", "{\"topic_name\":\"" + name
                    + "\",\"configs\":[{\"name\":\"cleanup.policy\",\"vlaue\":\"compact\"}]}"), 400, 400, JSON);
            assertTrue(nested.get("message").asText().contains("\"configs[0].vlaue\""), nested.toString());
            assertError(get("/topics/" + name), 404, 40403, JSON);
        }

        @Test
        void deleteTopic() {
            String topic = topic(1);
            assertEquals(204, krest.send("DELETE", path("/topics/" + topic), null, null).status());
            eventually(() -> get("/topics/" + topic), r -> r.status() == 404);
            assertError(krest.send("DELETE", path("/topics/" + topic), null, null), 404, 40403, JSON);
            assertError(krest.send("DELETE", "/v3/clusters/foobar/topics/" + topic, null, null, "Accept", JSON),
                    404, 404, JSON);
            assertError(krest.send("DELETE", "/v3/clusters/foobar/topics/" + topic, null, null), 404, 404, JSON);
        }

        @Test
        void updatePartitionsCount() {
            String topic = topic(2);
            assertTopic(assertOk(krest.send("PATCH", path("/topics/" + topic), JSON, "{\"partitions_count\":3}"),
                    200, JSON), topic, 3);
            assertError(krest.send("PATCH", path("/topics/" + topic), JSON, "{\"partitions_count\":1}"), 400, 40002,
                    JSON);
            assertError(krest.send("PATCH", path("/topics/" + topic), JSON, "{\"partitions_count\":3}"), 400, 40002,
                    JSON);
            assertError(krest.send("PATCH", path("/topics/compat-v3-missing"), JSON, "{\"partitions_count\":1}"),
                    404, 40403, JSON);
        }
    }

    /** Confluent {@code TopicConfigsResourceIntegrationTest}. */
    @Nested
    class TopicConfigsResourceIntegrationTest {
        private void assertCleanupPolicy(JsonNode c, String topic, String value, boolean isDefault, String source) {
            String self = krest.base() + "/topics/" + topic + "/configs/cleanup.policy";
            assertResource(c, "KafkaTopicConfig", self, krest.crn() + "/topic=" + topic + "/config=cleanup.policy");
            assertEquals(krest.clusterId(), c.get("cluster_id").asText());
            assertEquals(topic, c.get("topic_name").asText());
            assertConfig(c, "cleanup.policy", value, isDefault, source);
        }

        @Test
        void listAndGetConfigs() {
            String topic = topic(1);
            JsonNode list = assertOk(get("/topics/" + topic + "/configs"), 200, JSON);
            assertEquals("KafkaTopicConfigList", list.get("kind").asText());
            assertEquals(krest.base() + "/topics/" + topic + "/configs", list.at("/metadata/self").asText());
            JsonNode cleanup = null;
            for (JsonNode c : list.get("data")) {
                cleanup = c.get("name").asText().equals("cleanup.policy") ? c : cleanup;
            }
            assertCleanupPolicy(cleanup, topic, "delete", true, "DEFAULT_CONFIG");
            assertCleanupPolicy(assertOk(get("/topics/" + topic + "/configs/cleanup.policy"), 200, JSON), topic,
                    "delete", true, "DEFAULT_CONFIG");
        }

        @Test
        void unknownTopicConfigOrClusterIsNotFound() {
            String topic = topic(1);
            assertError(get("/topics/compat-v3-missing/configs"), 404, 40403, JSON);
            assertError(otherCluster("/topics/" + topic + "/configs"), 404, 404, JSON);
            assertError(get("/topics/" + topic + "/configs/foobar"), 404, 404, JSON);
            assertError(get("/topics/compat-v3-missing/configs/cleanup.policy"), 404, 40403, JSON);
            for (String method : new String[] {"PUT", "DELETE"}) {
                String body = method.equals("PUT") ? "{\"value\":\"compact\"}" : null;
                String type = body == null ? null : JSON;
                assertError(krest.send(method, path("/topics/" + topic + "/configs/foobar"), type, body), 404, 404,
                        JSON);
                assertError(krest.send(method, path("/topics/compat-v3-missing/configs/cleanup.policy"), type, body),
                        404, 40403, JSON);
                assertError(krest.send(method, "/v3/clusters/foobar/topics/" + topic + "/configs/cleanup.policy",
                        type, body), 404, 404, JSON);
            }
        }

        @Test
        void updateAndReset() {
            String topic = topic(1);
            String config = path("/topics/" + topic + "/configs/cleanup.policy");
            assertEquals(204, krest.send("PUT", config, JSON, "{\"value\":\"compact\"}").status());
            assertCleanupPolicy(eventually(() -> get("/topics/" + topic + "/configs/cleanup.policy"),
                    r -> r.json().get("value").asText().equals("compact")).json(), topic, "compact", false,
                    "DYNAMIC_TOPIC_CONFIG");
            assertEquals(204, krest.send("DELETE", config, null, null).status());
            assertCleanupPolicy(eventually(() -> get("/topics/" + topic + "/configs/cleanup.policy"),
                    r -> r.json().get("value").asText().equals("delete")).json(), topic, "delete", true,
                    "DEFAULT_CONFIG");
        }

        @Test
        void alterConfigBatch() {
            String topic = topic(1);
            assertEquals(204, post("/topics/" + topic + "/configs:alter", "{\"data\":[{\"name\":\"cleanup.policy\","
                    + "\"value\":\"compact\"},{\"name\":\"compression.type\",\"value\":\"gzip\"}]}").status());
            eventually(() -> get("/topics/" + topic + "/configs/cleanup.policy"),
                    r -> r.json().get("value").asText().equals("compact"));
            eventually(() -> get("/topics/" + topic + "/configs/compression.type"),
                    r -> r.json().get("value").asText().equals("gzip"));
            assertEquals(204, post("/topics/" + topic + "/configs:alter", "{\"data\":[{\"name\":\"cleanup.policy\","
                    + "\"operation\":\"DELETE\"}]}").status());
            eventually(() -> get("/topics/" + topic + "/configs/cleanup.policy"),
                    r -> r.json().get("value").asText().equals("delete"));
        }

        @Test
        void alterMultipleTopicsConfigs() {
            String topic1 = topic(1);
            String topic2 = topic(1);
            String both = "{\"data\":[{\"topic_name\":\"" + topic1 + "\",\"configs\":[{\"name\":\"cleanup.policy\","
                    + "\"value\":\"compact\"}]},{\"topic_name\":\"" + topic2 + "\",\"configs\":[{\"name\":"
                    + "\"cleanup.policy\",\"value\":\"compact\"}]}]";
            assertEquals(204, post("/topics/-/configs:alter", both + ",\"validate_only\":true}").status());
            assertEquals("delete", get("/topics/" + topic1 + "/configs/cleanup.policy").json().get("value").asText());
            assertEquals(204, post("/topics/-/configs:alter", both + "}").status());
            for (String topic : new String[] {topic1, topic2}) {
                eventually(() -> get("/topics/" + topic + "/configs/cleanup.policy"),
                        r -> r.json().get("value").asText().equals("compact"));
            }
        }

        @Test
        void alterMultipleTopicsConfigsPartiallyInvalidIs207() {
            String topic1 = topic(1);
            String topic2 = topic(1);
            JsonNode body = assertOk(post("/topics/-/configs:alter", "{\"data\":[{\"topic_name\":\"" + topic1
                    + "\",\"configs\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\"}]},{\"topic_name\":\""
                    + topic2 + "\",\"configs\":[{\"name\":\"cleanup.policy\",\"value\":\"invalid_xyz\"}]}]}"), 207,
                    JSON);
            assertEquals(1, body.get("failures").size(), body.toString());
            assertEquals(topic2, body.at("/failures/0/topic_name").asText());
            assertTrue(body.at("/failures/0/message").isTextual());
        }

        @Test
        void alterMultipleTopicsConfigsWithUnknownConfigOrTopicIsNotFound() {
            String topic = topic(1);
            String valid = "{\"topic_name\":\"" + topic + "\",\"configs\":[{\"name\":\"cleanup.policy\",\"value\":"
                    + "\"compact\"}]}";
            assertError(krest.post("/v3/clusters/foobar/topics/-/configs:alter", JSON, "{\"data\":[" + valid + "]}"),
                    404, 404, JSON);
            // the whole request fails, and the valid topic's change is not made either
            assertError(post("/topics/-/configs:alter", "{\"data\":[" + valid + ",{\"topic_name\":\"" + topic
                    + "\",\"configs\":[{\"name\":\"non-existing-config\",\"value\":\"val\"}]}]}"), 404, 404, JSON);
            assertError(post("/topics/-/configs:alter", "{\"data\":[" + valid + ",{\"topic_name\":"
                    + "\"compat-v3-missing\",\"configs\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\"}]}]}"),
                    404, 40403, JSON);
            assertEquals("delete", get("/topics/" + topic + "/configs/cleanup.policy").json().get("value").asText());
        }
    }

    /** Confluent {@code ListAllTopicsConfigsActionIntegrationTest}. */
    @Nested
    class ListAllTopicsConfigsActionIntegrationTest {
        @Test
        void listsEveryTopicsConfigs() {
            String topic = topic(1);
            JsonNode list = assertOk(get("/topics/-/configs"), 200, JSON);
            assertEquals("KafkaTopicConfigList", list.get("kind").asText());
            assertEquals(krest.base() + "/topics/-/configs", list.at("/metadata/self").asText());
            boolean found = false;
            for (JsonNode c : list.get("data")) {
                found |= c.get("topic_name").asText().equals(topic) && c.get("name").asText().equals("cleanup.policy");
            }
            assertTrue(found);
            assertError(otherCluster("/topics/-/configs"), 404, 404, JSON);
        }
    }

    /** Confluent {@code PartitionsResourceIntegrationTest}. */
    @Nested
    class PartitionsResourceIntegrationTest {
        private void assertPartition(JsonNode p, String topic, int id) {
            String self = krest.base() + "/topics/" + topic + "/partitions/" + id;
            assertResource(p, "KafkaPartition", self, krest.crn() + "/topic=" + topic + "/partition=" + id);
            assertEquals(krest.clusterId(), p.get("cluster_id").asText());
            assertEquals(topic, p.get("topic_name").asText());
            assertEquals(id, p.get("partition_id").asInt());
            assertEquals(self + "/replicas/" + krest.brokerId(), p.at("/leader/related").asText());
            assertEquals(self + "/replicas", p.at("/replicas/related").asText());
            assertEquals(self + "/reassignment", p.at("/reassignment/related").asText());
        }

        @Test
        void listAndGetPartitions() {
            String topic = topic(2);
            JsonNode list = assertOk(get("/topics/" + topic + "/partitions"), 200, JSON);
            assertEquals("KafkaPartitionList", list.get("kind").asText());
            assertEquals(krest.base() + "/topics/" + topic + "/partitions", list.at("/metadata/self").asText());
            assertEquals(2, list.get("data").size());
            assertPartition(list.at("/data/1"), topic, 1);
            assertPartition(assertOk(get("/topics/" + topic + "/partitions/0"), 200, JSON), topic, 0);
            assertError(get("/topics/" + topic + "/partitions/100"), 404, 40402, JSON);
            assertError(get("/topics/compat-v3-missing/partitions"), 404, 40403, JSON);
            assertError(get("/topics/compat-v3-missing/partitions/0"), 404, 40403, JSON);
            assertError(otherCluster("/topics/" + topic + "/partitions"), 404, 404,
                    JSON);
        }
    }

    /** Confluent {@code ListPartitionOffsetsActionIntegrationTest}. */
    @Nested
    class ListPartitionOffsetsActionIntegrationTest {
        private void assertOffsets(JsonNode o, String topic) {
            assertResource(o, "KafkaPartitionWithOffsets", krest.base() + "/topics/" + topic + "/partitions/0/offset",
                    krest.crn() + "/topic=" + topic + "/partition=0/offset_type=earliest_and_latest");
            assertEquals(krest.clusterId(), o.get("cluster_id").asText());
            assertEquals(topic, o.get("topic_name").asText());
            assertEquals(0, o.get("partition_id").asInt());
            assertEquals(0, o.get("earliest_offset").asLong());
            assertEquals(0, o.get("latest_offset").asLong());
        }

        @Test
        void offsets() {
            String topic = topic(1);
            String offset = "/topics/" + topic + "/partitions/0/offset";
            assertOffsets(assertOk(get(offset + "?offset_type=earliest_and_latest"), 200, JSON), topic);
            // offset_type defaults to earliest_and_latest
            assertOffsets(assertOk(get(offset), 200, JSON), topic);
            assertError(get(offset + "?offset_type=foobar"), 400, 400, JSON);
            assertError(get("/topics/" + topic + "/partitions/100/offset?offset_type=earliest_and_latest"), 404,
                    40402, JSON);
            assertError(get("/topics/foobar/partitions/0/offset?offset_type=earliest_and_latest"), 404, 40403, JSON);
            assertError(otherCluster("" + offset), 404, 404, JSON);
        }
    }

    /** Confluent {@code ReplicasResourceIntegrationTest} and {@code SearchReplicasByBrokerActionIntegrationTest}. */
    @Nested
    class ReplicasResourceIntegrationTest {
        private void assertReplica(JsonNode r, String topic) {
            String self = krest.base() + "/topics/" + topic + "/partitions/0/replicas/" + krest.brokerId();
            assertResource(r, "KafkaReplica", self,
                    krest.crn() + "/topic=" + topic + "/partition=0/replica=" + krest.brokerId());
            assertEquals(krest.clusterId(), r.get("cluster_id").asText());
            assertEquals(topic, r.get("topic_name").asText());
            assertEquals(0, r.get("partition_id").asInt());
            assertEquals(krest.brokerId(), r.get("broker_id").asInt());
            assertTrue(r.get("is_leader").asBoolean() && r.get("is_in_sync").asBoolean());
            assertEquals(krest.base() + "/brokers/" + krest.brokerId(), r.at("/broker/related").asText());
        }

        @Test
        void listAndGetReplicas() {
            String topic = topic(1);
            String replicas = "/topics/" + topic + "/partitions/0/replicas";
            JsonNode list = assertOk(get(replicas), 200, JSON);
            assertEquals("KafkaReplicaList", list.get("kind").asText());
            assertEquals(krest.base() + replicas, list.at("/metadata/self").asText());
            assertReplica(list.at("/data/0"), topic);
            assertReplica(assertOk(get(replicas + "/" + krest.brokerId()), 200, JSON), topic);
            assertError(get(replicas + "/" + (krest.brokerId() + 100)), 404, 404, JSON);
            assertError(get("/topics/" + topic + "/partitions/100/replicas"), 404, 40402, JSON);
            assertError(get("/topics/compat-v3-missing/partitions/0/replicas"), 404, 40403, JSON);
            assertError(otherCluster("" + replicas), 404, 404, JSON);
        }

        @Test
        void searchReplicasByBroker() {
            String topic = topic(1);
            JsonNode list = assertOk(get("/brokers/" + krest.brokerId() + "/partition-replicas"), 200, JSON);
            assertEquals("KafkaReplicaList", list.get("kind").asText());
            JsonNode ours = null;
            for (JsonNode r : list.get("data")) {
                ours = r.get("topic_name").asText().equals(topic) ? r : ours;
            }
            assertReplica(ours, topic);
            assertError(get("/brokers/" + (krest.brokerId() + 100) + "/partition-replicas"), 404, 404, JSON);
        }
    }

    /**
     * Confluent {@code ListAllReassignmentsActionIntegrationTest},
     * {@code SearchReassignmentsByTopicActionIntegrationTest}
     * and {@code GetReassignmentActionIntegrationTest}, without a reassignment in progress (the test broker is one).
     */
    @Nested
    class ReassignmentsIntegrationTest {
        @Test
        void listAllAndSearchByTopic() {
            String topic = topic(1);
            JsonNode all = assertOk(get("/topics/-/partitions/-/reassignment"), 200, JSON);
            assertEquals("KafkaReassignmentList", all.get("kind").asText());
            assertEquals(krest.base() + "/topics/-/partitions/-/reassignment", all.at("/metadata/self").asText());
            assertEquals(0, all.get("data").size());
            JsonNode ofTopic = assertOk(get("/topics/" + topic + "/partitions/-/reassignment"), 200, JSON);
            assertEquals("KafkaReassignmentList", ofTopic.get("kind").asText());
            assertEquals(0, ofTopic.get("data").size());
            // a topic that does not exist has no reassignments
            assertEquals(0, assertOk(get("/topics/foobar/partitions/-/reassignment"), 200, JSON).get("data").size());
            assertError(otherCluster("/topics/-/partitions/-/reassignment"), 404, 404,
                    JSON);
            assertError(krest.get("/v3/clusters/foobar/topics/" + topic + "/partitions/-/reassignment", "Accept",
                    JSON), 404, 404, JSON);
        }

        @Test
        void getReassignmentIsNotFoundWithoutOne() {
            String topic = topic(1);
            assertError(get("/topics/" + topic + "/partitions/0/reassignment"), 404, 404, JSON);
            assertEquals(404, get("/topics/foobar/partitions/0/reassignment").status());
            assertEquals(404, get("/topics/" + topic + "/partitions/100/reassignment").status());
            assertError(krest.get("/v3/clusters/foobar/topics/" + topic + "/partitions/0/reassignment", "Accept",
                    JSON), 404, 404, JSON);
        }
    }

    /** Confluent {@code JsonParsingErrorTest}. */
    @Nested
    class JsonParsingErrorTest {
        @Test
        void unparseableOrInvalidRequestIsBadRequest() {
            assertError(post("/topics", "foobar"), 400, 400, JSON);
            assertError(post("/topics", "{}"), 400, 400, JSON);
        }
    }
}

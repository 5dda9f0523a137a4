package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 consumer groups, consumers, assignments and lags over HTTP against a real broker: a native group
 * (a plain {@code KafkaConsumer} polling in the test) shows its member, assignments and lags; a krest REST group
 * (instance created, subscribed, polled and committed over v2) shows its instance as a consumer with its
 * assignment, lags from committed offsets and a lag summary; a group known only to krest's state store is listed;
 * unknown cluster, group and lags answer 404.
 */
class V3ConsumerGroupsTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static TestKrest krest;
    private static KrestHttp http;
    private static KafkaProducer<byte[], byte[]> producer;
    private static String clusterId;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        krest = TestKrest.start();
        http = krest.http();
        base = http.base() + "/v3/clusters/" + clusterId;
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (krest != null) {
            krest.close();
        }
    }

    @Test
    void nativeGroupShowsMembersAssignmentsAndLags() throws Exception {
        String topic = TestKafka.createTopic("cg3-native", 2);
        String group = "cg3-native-g";
        send(topic, 0, 3);
        send(topic, 1, 2);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, "native-client",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (read < 5 && System.currentTimeMillis() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(5, read);
            consumer.commitSync();
            send(topic, 0, 4);

            KrestHttp.Response g = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group);
            assertEquals(200, g.status(), g.body());
            JsonNode j = g.json();
            assertEquals("KafkaConsumerGroup", j.get("kind").asText());
            assertEquals(base + "/consumer-groups/" + group, j.at("/metadata/self").asText());
            assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group,
                    j.at("/metadata/resource_name").asText());
            assertEquals(clusterId, j.get("cluster_id").asText());
            assertEquals(group, j.get("consumer_group_id").asText());
            assertFalse(j.get("is_simple").asBoolean());
            assertEquals("STABLE", j.get("state").asText(), g.body());
            assertEquals("CLASSIC", j.get("type").asText(), g.body());
            assertFalse(j.get("is_mixed_consumer_group").asBoolean());
            assertFalse(j.get("partition_assignor").asText().isEmpty(), g.body());
            assertTrue(j.at("/coordinator/related").asText().startsWith(base + "/brokers/"), g.body());
            assertEquals(base + "/consumer-groups/" + group + "/consumers", j.at("/consumers/related").asText());
            assertEquals(base + "/consumer-groups/" + group + "/lag-summary",
                    j.at("/lag_summary/related").asText());

            KrestHttp.Response list = http.get("/v3/clusters/" + clusterId + "/consumer-groups");
            assertEquals(200, list.status(), list.body());
            assertEquals("KafkaConsumerGroupList", list.json().get("kind").asText());
            assertTrue(ids(list.json(), "consumer_group_id").contains(group), list.body());

            KrestHttp.Response consumers = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group
                    + "/consumers");
            assertEquals(200, consumers.status(), consumers.body());
            assertEquals("KafkaConsumerList", consumers.json().get("kind").asText());
            assertEquals(1, consumers.json().get("data").size(), consumers.body());
            JsonNode member = consumers.json().get("data").get(0);
            String memberId = member.get("consumer_id").asText();
            assertEquals("native-client", member.get("client_id").asText());
            assertTrue(member.get("instance_id").isNull(), consumers.body());

            KrestHttp.Response one = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group
                    + "/consumers/" + memberId);
            assertEquals(200, one.status(), one.body());
            assertEquals(memberId, one.json().get("consumer_id").asText());

            KrestHttp.Response assignments = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group
                    + "/consumers/" + memberId + "/assignments");
            assertEquals(200, assignments.status(), assignments.body());
            assertEquals(2, assignments.json().get("data").size(), assignments.body());
            KrestHttp.Response assignment = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group
                    + "/consumers/" + memberId + "/assignments/" + topic + "/partitions/1");
            assertEquals(200, assignment.status(), assignment.body());
            assertEquals(base + "/topics/" + topic + "/partitions/1",
                    assignment.json().at("/partition/related").asText());
            assertEquals(base + "/consumer-groups/" + group + "/lags/" + topic + "/partitions/1",
                    assignment.json().at("/lag/related").asText());

            KrestHttp.Response lags = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group + "/lags");
            assertEquals(200, lags.status(), lags.body());
            assertEquals("KafkaConsumerLagList", lags.json().get("kind").asText());
            JsonNode lag0 = lags.json().get("data").get(0);
            assertEquals(topic, lag0.get("topic_name").asText());
            assertEquals(0, lag0.get("partition_id").asInt());
            assertEquals(3, lag0.get("current_offset").asLong());
            assertEquals(7, lag0.get("log_end_offset").asLong());
            assertEquals(4, lag0.get("lag").asLong());
            assertEquals(memberId, lag0.get("consumer_id").asText());
            assertEquals("native-client", lag0.get("client_id").asText());
            assertEquals(0, lags.json().get("data").get(1).get("lag").asLong());

            KrestHttp.Response summary = http.get("/v3/clusters/" + clusterId + "/consumer-groups/" + group
                    + "/lag-summary");
            assertEquals(200, summary.status(), summary.body());
            assertEquals(4, summary.json().get("max_lag").asLong());
            assertEquals(4, summary.json().get("total_lag").asLong());
            assertEquals(memberId, summary.json().get("max_lag_consumer_id").asText());
            assertEquals(0, summary.json().get("max_lag_partition_id").asInt());
        }
    }

    @Test
    void restGroupShowsKrestInstancesAndCommittedLags() throws Exception {
        String topic = TestKafka.createTopic("cg3-rest", 2);
        String group = "cg3-rest-g";
        send(topic, 0, 3);
        send(topic, 1, 1);
        V2ConsumerClient v2 = new V2ConsumerClient(http);
        Instance r1 = v2.created(group, "{\"name\":\"r1\",\"format\":\"binary\","
                + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, v2.subscribe(r1, topic).status());
        int read = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (read < 4 && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = v2.poll(r1, BINARY, "timeout=1000");
            assertEquals(200, r.status(), r.body());
            read += r.json().size();
        }
        assertEquals(4, read);
        KrestHttp.Response commit = v2.commit(r1);
        assertEquals(200, commit.status(), commit.body());
        send(topic, 0, 2);

        String groupPath = "/v3/clusters/" + clusterId + "/consumer-groups/" + group;
        KrestHttp.Response g = http.get(groupPath);
        assertEquals(200, g.status(), g.body());
        assertEquals("STABLE", g.json().get("state").asText(), g.body());
        KrestHttp.Response list = http.get("/v3/clusters/" + clusterId + "/consumer-groups");
        assertTrue(ids(list.json(), "consumer_group_id").contains(group), list.body());

        KrestHttp.Response consumers = http.get(groupPath + "/consumers");
        assertEquals(200, consumers.status(), consumers.body());
        assertEquals(1, consumers.json().get("data").size(), consumers.body());
        JsonNode c = consumers.json().get("data").get(0);
        assertEquals("r1", c.get("consumer_id").asText());
        assertEquals("r1", c.get("instance_id").asText());
        assertEquals("krest", c.get("client_id").asText());
        assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group + "/consumer=r1",
                c.at("/metadata/resource_name").asText());
        assertEquals(base + "/consumer-groups/" + group + "/consumers/r1/assignments",
                c.at("/assignments/related").asText());

        KrestHttp.Response assignments = http.get(groupPath + "/consumers/r1/assignments");
        assertEquals(200, assignments.status(), assignments.body());
        assertEquals(List.of(topic + "-0", topic + "-1"), partitions(assignments.json()));
        assertEquals(200, http.get(groupPath + "/consumers/r1/assignments/" + topic + "/partitions/0").status());
        assertEquals(404, http.get(groupPath + "/consumers/r1/assignments/" + topic + "/partitions/5").status());
        assertEquals(404, http.get(groupPath + "/consumers/nobody").status());

        KrestHttp.Response lags = http.get(groupPath + "/lags");
        assertEquals(200, lags.status(), lags.body());
        assertEquals(2, lags.json().get("data").size(), lags.body());
        JsonNode lag0 = lags.json().get("data").get(0);
        assertEquals(3, lag0.get("current_offset").asLong(), lags.body());
        assertEquals(5, lag0.get("log_end_offset").asLong(), lags.body());
        assertEquals(2, lag0.get("lag").asLong(), lags.body());
        assertEquals("r1", lag0.get("consumer_id").asText());
        assertEquals("r1", lag0.get("instance_id").asText());
        assertEquals("krest", lag0.get("client_id").asText());

        KrestHttp.Response lag1 = http.get(groupPath + "/lags/" + topic + "/partitions/1");
        assertEquals(200, lag1.status(), lag1.body());
        assertEquals("KafkaConsumerLag", lag1.json().get("kind").asText());
        assertEquals(1, lag1.json().get("current_offset").asLong());
        assertEquals(0, lag1.json().get("lag").asLong());
        assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group + "/lag=" + topic + "/partition=1",
                lag1.json().at("/metadata/resource_name").asText());

        KrestHttp.Response summary = http.get(groupPath + "/lag-summary");
        assertEquals(200, summary.status(), summary.body());
        JsonNode s = summary.json();
        assertEquals("KafkaConsumerGroupLagSummary", s.get("kind").asText());
        assertEquals(2, s.get("max_lag").asLong());
        assertEquals(2, s.get("total_lag").asLong());
        assertEquals("r1", s.get("max_lag_consumer_id").asText());
        assertEquals("r1", s.get("max_lag_instance_id").asText());
        assertEquals("krest", s.get("max_lag_client_id").asText());
        assertEquals(topic, s.get("max_lag_topic_name").asText());
        assertEquals(0, s.get("max_lag_partition_id").asInt());
        assertEquals(base + "/consumer-groups/" + group + "/consumers/r1", s.at("/max_lag_consumer/related").asText());
        assertEquals(base + "/topics/" + topic + "/partitions/0", s.at("/max_lag_partition/related").asText());
    }

    @Test
    void groupKnownOnlyToTheStateStoreIsListedWithoutLags() {
        String group = "cg3-only";
        KrestHttp.Response created = new V2ConsumerClient(http).create(group, "{\"name\":\"o1\"}");
        assertEquals(200, created.status(), created.body());

        KrestHttp.Response list = http.get("/v3/clusters/" + clusterId + "/consumer-groups");
        assertTrue(ids(list.json(), "consumer_group_id").contains(group), list.body());
        String groupPath = "/v3/clusters/" + clusterId + "/consumer-groups/" + group;
        KrestHttp.Response g = http.get(groupPath);
        assertEquals(200, g.status(), g.body());
        assertEquals(List.of("o1"), ids(http.get(groupPath + "/consumers").json(), "consumer_id"));

        KrestHttp.Response lags = http.get(groupPath + "/lags");
        assertEquals(404, lags.status(), lags.body());
        assertEquals(KrestHttp.json("{\"error_code\":404,\"message\":\"Consumer lags not found.\"}"), lags.json());
        // no committed offsets: no lag summary either (Confluent's 404)
        KrestHttp.Response summary = http.get(groupPath + "/lag-summary");
        assertEquals(404, summary.status(), summary.body());
        assertEquals(404, summary.errorCode());
    }

    @Test
    void unknownClusterAndGroupAre404() {
        KrestHttp.Response cluster = http.get("/v3/clusters/nope/consumer-groups");
        assertEquals(404, cluster.status(), cluster.body());
        assertEquals("Cluster nope cannot be found.", cluster.json().get("message").asText());

        String groupPath = "/v3/clusters/" + clusterId + "/consumer-groups/cg3-no-such-group";
        for (String suffix : List.of("", "/consumers", "/consumers/x", "/lags", "/lag-summary")) {
            KrestHttp.Response r = http.get(groupPath + suffix);
            assertEquals(404, r.status(), suffix + ": " + r.body());
            assertEquals(404, r.errorCode());
        }
        for (String suffix : List.of("", "/consumers", "/lags", "/lag-summary")) {
            KrestHttp.Response r = http.get(groupPath + suffix);
            assertEquals("Consumer Group cg3-no-such-group could not be found.", r.json().get("message").asText(),
                    suffix);
        }
        assertEquals(404, http.get(groupPath + "/lags/t/partitions/0").status());
    }

    private static void send(String topic, int partition, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, partition, null, new byte[] {(byte) i}))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> ids(JsonNode list, String field) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(d -> ids.add(d.get(field).asText()));
        return ids;
    }

    private static List<String> partitions(JsonNode list) {
        List<String> result = new ArrayList<>();
        list.get("data").forEach(d -> result.add(d.get("topic_name").asText() + "-" + d.get("partition_id").asInt()));
        return result;
    }
}

package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.BINARY;
import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static io.github.krest.proxy.compat.Compat.assertResource;
import static io.github.krest.proxy.compat.Compat.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.V2ConsumerClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's v3 consumer group integration tests, one nested class each, against one krest and one native classic
 * consumer group ({@code client-1} reading a topic of 3 partitions, offsets committed for partitions 0 and 1): the
 * shapes and codes those tests expect. Plus extra cases: a group of krest's own v2 instances is, as a group of
 * Confluent's v2 instances, not simple and has an assignor; a group without committed offsets has no lag summary
 * (404, as its lags).
 */
class V3ConsumerGroupsCompatTest {
    private static final String TOPIC = "compat-cg-topic";
    private static final String GROUP = "compat-cg-native";

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest(Map.of("consumer.request.timeout.ms", "300"));

    private static KafkaConsumer<byte[], byte[]> consumer;
    private static String memberId;

    @BeforeAll
    static void start() throws Exception {
        TestKafka.createTopic(TOPIC, 3);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int p = 0; p < 3; p++) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, null, new byte[] {(byte) i})).get();
                }
            }
        }
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.CLIENT_ID_CONFIG, "client-1",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPIC));
        int read = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (read < 9 && System.currentTimeMillis() < deadline) {
            read += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertEquals(9, read);
        // partition 2 stays without a committed offset; partition 1 lags by 1
        consumer.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(3),
                new TopicPartition(TOPIC, 1), new OffsetAndMetadata(2)));
        memberId = consumer.groupMetadata().memberId();
    }

    @AfterAll
    static void stop() {
        consumer.close();
    }

    private static KrestHttp.Response get(String path) {
        return krest.v3Get(path);
    }

    private static void assertNotFoundEverywhere(String path) {
        assertError(get(path), 404, 404, JSON);
        assertError(krest.get("/v3/clusters/foobar" + path, "Accept", JSON), 404, 404, JSON);
    }

    /** Confluent {@code ConsumerGroupsResourceIntegrationTest}. */
    @Nested
    class ConsumerGroupsResourceIntegrationTest {
        private void assertGroup(JsonNode g, String group, boolean simple, String assignor) {
            String self = krest.base() + "/consumer-groups/" + group;
            assertResource(g, "KafkaConsumerGroup", self, krest.crn() + "/consumer-group=" + group);
            assertEquals(krest.clusterId(), g.get("cluster_id").asText());
            assertEquals(group, g.get("consumer_group_id").asText());
            assertEquals(simple, g.get("is_simple").asBoolean(), g.toString());
            assertEquals(assignor, g.get("partition_assignor").asText(), g.toString());
            assertEquals("STABLE", g.get("state").asText(), g.toString());
            assertEquals("CLASSIC", g.get("type").asText(), g.toString());
            assertFalse(g.get("is_mixed_consumer_group").asBoolean());
            assertEquals(self + "/consumers", g.at("/consumers/related").asText());
            assertEquals(self + "/lag-summary", g.at("/lag_summary/related").asText());
        }

        @Test
        void listAndGetNativeGroup() {
            JsonNode list = assertOk(get("/consumer-groups"), 200, JSON);
            assertEquals("KafkaConsumerGroupList", list.get("kind").asText());
            assertEquals(krest.base() + "/consumer-groups", list.at("/metadata/self").asText());
            JsonNode listed = null;
            for (JsonNode g : list.get("data")) {
                listed = g.get("consumer_group_id").asText().equals(GROUP) ? g : listed;
            }
            assertGroup(listed, GROUP, false, "range");
            JsonNode group = assertOk(get("/consumer-groups/" + GROUP), 200, JSON);
            assertGroup(group, GROUP, false, "range");
            assertTrue(group.at("/coordinator/related").asText().startsWith(krest.base() + "/brokers/"),
                    group.toString());
            assertNotFoundEverywhere("/consumer-groups/foobar");
            assertError(krest.get("/v3/clusters/foobar/consumer-groups", "Accept", JSON), 404, 404, JSON);
        }

        @Test
        void groupOfKrestInstancesIsNoSimpleGroup() {
            String group = "compat-cg-krest";
            String topic = TestKafka.createTopic("compat-cg-krest-topic", 1);
            String instance = krest.startConsuming(group, topic,
                    "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", BINARY);
            assertGroup(assertOk(get("/consumer-groups/" + group), 200, JSON), group, false, "sticky");
            // once it consumed and committed, Kafka knows the group too
            assertOk(krest.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\"AA==\"}]}"), 200, V2);
            eventually(() -> krest.get(instance + "/records", "Accept", BINARY), r -> r.json().size() > 0);
            assertEquals(200, krest.post(instance + "/offsets", V2, "").status());
            assertGroup(assertOk(get("/consumer-groups/" + group), 200, JSON), group, false, "sticky");
            JsonNode list = assertOk(get("/consumer-groups"), 200, JSON);
            for (JsonNode g : list.get("data")) {
                if (g.get("consumer_group_id").asText().equals(group)) {
                    assertGroup(g, group, false, "sticky");
                }
            }
        }
    }

    /** Confluent {@code ConsumersResourceIntegrationTest}. */
    @Nested
    class ConsumersResourceIntegrationTest {
        private void assertConsumer(JsonNode c) {
            String self = krest.base() + "/consumer-groups/" + GROUP + "/consumers/" + memberId;
            assertResource(c, "KafkaConsumer", self,
                    krest.crn() + "/consumer-group=" + GROUP + "/consumer=" + memberId);
            assertEquals(krest.clusterId(), c.get("cluster_id").asText());
            assertEquals(GROUP, c.get("consumer_group_id").asText());
            assertEquals(memberId, c.get("consumer_id").asText());
            assertTrue(c.get("instance_id").isNull(), c.toString());
            assertEquals("client-1", c.get("client_id").asText());
            assertEquals(self + "/assignments", c.at("/assignments/related").asText());
        }

        @Test
        void listAndGetConsumers() {
            JsonNode list = assertOk(get("/consumer-groups/" + GROUP + "/consumers"), 200, JSON);
            assertEquals("KafkaConsumerList", list.get("kind").asText());
            assertEquals(krest.base() + "/consumer-groups/" + GROUP + "/consumers", list.at("/metadata/self").asText());
            assertEquals(1, list.get("data").size());
            assertConsumer(list.at("/data/0"));
            assertConsumer(assertOk(get("/consumer-groups/" + GROUP + "/consumers/" + memberId), 200, JSON));
            assertNotFoundEverywhere("/consumer-groups/" + GROUP + "/consumers/foobar");
            assertNotFoundEverywhere("/consumer-groups/foobar/consumers/" + memberId);
        }
    }

    /** Confluent {@code ConsumerAssignmentsResourceIntegrationTest}. */
    @Nested
    class ConsumerAssignmentsResourceIntegrationTest {
        private final String consumers = "/consumer-groups/" + GROUP + "/consumers/";

        private void assertAssignment(JsonNode a, int partition) {
            assertEquals("KafkaConsumerAssignment", a.get("kind").asText());
            assertEquals(krest.base() + consumers + memberId + "/assignments/" + TOPIC + "/partitions/" + partition,
                    a.at("/metadata/self").asText());
            assertEquals(krest.crn() + "/consumer-group=" + GROUP + "/consumer=" + memberId + "/assignment=" + TOPIC
                    + "/partition=" + partition, a.at("/metadata/resource_name").asText());
            assertEquals(krest.clusterId(), a.get("cluster_id").asText());
            assertEquals(GROUP, a.get("consumer_group_id").asText());
            assertEquals(memberId, a.get("consumer_id").asText());
            assertEquals(TOPIC, a.get("topic_name").asText());
            assertEquals(partition, a.get("partition_id").asInt());
            assertEquals(krest.base() + "/topics/" + TOPIC + "/partitions/" + partition,
                    a.at("/partition/related").asText());
            assertEquals(krest.base() + "/consumer-groups/" + GROUP + "/lags/" + TOPIC + "/partitions/" + partition,
                    a.at("/lag/related").asText());
        }

        @Test
        void listAndGetAssignments() {
            JsonNode list = assertOk(get(consumers + memberId + "/assignments"), 200, JSON);
            assertEquals("KafkaConsumerAssignmentList", list.get("kind").asText());
            assertEquals(3, list.get("data").size());
            for (int p = 0; p < 3; p++) {
                assertAssignment(list.get("data").get(p), p);
            }
            assertAssignment(assertOk(get(consumers + memberId + "/assignments/" + TOPIC + "/partitions/1"), 200,
                    JSON), 1);
            assertNotFoundEverywhere(consumers + memberId + "/assignments/" + TOPIC + "/partitions/7");
            assertNotFoundEverywhere(consumers + "foobar/assignments/" + TOPIC + "/partitions/0");
            assertNotFoundEverywhere("/consumer-groups/foobar/consumers/" + memberId + "/assignments/" + TOPIC
                    + "/partitions/0");
        }
    }

    /** Confluent {@code ConsumerLagsResourceIntegrationTest}. */
    @Nested
    class ConsumerLagsResourceIntegrationTest {
        private void assertLag(JsonNode l, int partition, long current, long lag) {
            assertEquals("KafkaConsumerLag", l.get("kind").asText());
            assertEquals(krest.base() + "/consumer-groups/" + GROUP + "/lags/" + TOPIC + "/partitions/" + partition,
                    l.at("/metadata/self").asText());
            assertEquals(krest.crn() + "/consumer-group=" + GROUP + "/lag=" + TOPIC + "/partition=" + partition,
                    l.at("/metadata/resource_name").asText());
            assertEquals(krest.clusterId(), l.get("cluster_id").asText());
            assertEquals(GROUP, l.get("consumer_group_id").asText());
            assertEquals(TOPIC, l.get("topic_name").asText());
            assertEquals(partition, l.get("partition_id").asInt());
            assertEquals(memberId, l.get("consumer_id").asText());
            assertTrue(l.get("instance_id").isNull(), l.toString());
            assertEquals("client-1", l.get("client_id").asText());
            assertEquals(current, l.get("current_offset").asLong());
            assertEquals(3, l.get("log_end_offset").asLong());
            assertEquals(lag, l.get("lag").asLong());
        }

        @Test
        void listAndGetLags() {
            JsonNode list = assertOk(get("/consumer-groups/" + GROUP + "/lags"), 200, JSON);
            assertEquals("KafkaConsumerLagList", list.get("kind").asText());
            assertEquals(2, list.get("data").size(), list.toString());
            assertLag(list.at("/data/0"), 0, 3, 0);
            assertLag(list.at("/data/1"), 1, 2, 1);
            assertLag(assertOk(get("/consumer-groups/" + GROUP + "/lags/" + TOPIC + "/partitions/1"), 200, JSON), 1,
                    2, 1);
            // no committed offset, no lag
            assertNotFoundEverywhere("/consumer-groups/" + GROUP + "/lags/" + TOPIC + "/partitions/2");
            assertNotFoundEverywhere("/consumer-groups/foobar/lags");
            assertNotFoundEverywhere("/consumer-groups/foobar/lags/" + TOPIC + "/partitions/0");
        }
    }

    /** Confluent {@code ConsumerGroupLagSummariesResourceIntegrationTest}. */
    @Nested
    class ConsumerGroupLagSummariesResourceIntegrationTest {
        @Test
        void lagSummary() {
            JsonNode s = assertOk(get("/consumer-groups/" + GROUP + "/lag-summary"), 200, JSON);
            assertResource(s, "KafkaConsumerGroupLagSummary",
                    krest.base() + "/consumer-groups/" + GROUP + "/lag-summary",
                    krest.crn() + "/consumer-group=" + GROUP + "/lag-summary");
            assertEquals(krest.clusterId(), s.get("cluster_id").asText());
            assertEquals(GROUP, s.get("consumer_group_id").asText());
            assertEquals(memberId, s.get("max_lag_consumer_id").asText());
            assertEquals("client-1", s.get("max_lag_client_id").asText());
            assertEquals(TOPIC, s.get("max_lag_topic_name").asText());
            assertEquals(1, s.get("max_lag_partition_id").asInt());
            assertEquals(1, s.get("max_lag").asLong());
            assertEquals(1, s.get("total_lag").asLong());
            assertEquals(krest.base() + "/consumer-groups/" + GROUP + "/consumers/" + memberId,
                    s.at("/max_lag_consumer/related").asText());
            assertEquals(krest.base() + "/topics/" + TOPIC + "/partitions/1",
                    s.at("/max_lag_partition/related").asText());
            assertNotFoundEverywhere("/consumer-groups/foobar/lag-summary");
        }

        @Test
        void noCommittedOffsetsIsNotFound() {
            String group = "compat-cg-uncommitted";
            assertOk(new V2ConsumerClient(krest.http()).create(group, "{\"name\":\"c\"}"), 200, V2);
            assertEquals(200, get("/consumer-groups/" + group).status());
            // as its lags, not a summary of zeros
            assertError(get("/consumer-groups/" + group + "/lags"), 404, 404, JSON);
            assertError(get("/consumer-groups/" + group + "/lag-summary"), 404, 404, JSON);
        }
    }
}

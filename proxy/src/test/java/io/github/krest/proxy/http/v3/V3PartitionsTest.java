package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 partitions, replicas and reassignments over HTTP against a real single-broker cluster
 * (docs/api.md, "API served"): shapes, offsets after producing, empty reassignment lists
 * (the {@code -} routes are not captured by {@code {topic_name}}) and the error answers.
 */
class V3PartitionsTest {
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
        return "v3-partitions-" + name + "-" + System.nanoTime() + "-" + SEQ.incrementAndGet();
    }

    private static String self(String... path) {
        return http.base() + prefix + "/" + String.join("/", path);
    }

    private static void assertError(KrestHttp.Response r, int status, int code) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(code, r.errorCode(), r.body());
        assertTrue(r.json().get("message").isTextual(), r.body());
    }

    private static void assertPartition(JsonNode p, String topic, int partition) {
        String id = String.valueOf(partition);
        assertEquals("KafkaPartition", p.get("kind").asText(), p.toString());
        assertEquals(self("topics", topic, "partitions", id), p.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/partition=" + id,
                p.at("/metadata/resource_name").asText());
        assertEquals(clusterId, p.get("cluster_id").asText());
        assertEquals(topic, p.get("topic_name").asText());
        assertTrue(p.get("partition_id").isInt(), p.toString());
        assertEquals(partition, p.get("partition_id").intValue());
        assertEquals(self("topics", topic, "partitions", id, "replicas", String.valueOf(brokerId)),
                p.at("/leader/related").asText());
        assertEquals(self("topics", topic, "partitions", id, "replicas"), p.at("/replicas/related").asText());
        assertEquals(self("topics", topic, "partitions", id, "reassignment"), p.at("/reassignment/related").asText());
    }

    private static void assertReplica(JsonNode r, String topic, int partition) {
        String id = String.valueOf(partition);
        assertEquals("KafkaReplica", r.get("kind").asText(), r.toString());
        assertEquals(self("topics", topic, "partitions", id, "replicas", String.valueOf(brokerId)),
                r.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/partition=" + id + "/replica=" + brokerId,
                r.at("/metadata/resource_name").asText());
        assertEquals(clusterId, r.get("cluster_id").asText());
        assertEquals(topic, r.get("topic_name").asText());
        assertEquals(partition, r.get("partition_id").intValue());
        assertTrue(r.get("broker_id").isInt(), r.toString());
        assertEquals(brokerId, r.get("broker_id").intValue());
        assertTrue(r.get("is_leader").isBoolean() && r.get("is_leader").booleanValue(), r.toString());
        assertTrue(r.get("is_in_sync").isBoolean() && r.get("is_in_sync").booleanValue(), r.toString());
        assertEquals(self("brokers", String.valueOf(brokerId)), r.at("/broker/related").asText());
    }

    private static void assertEmptyReassignments(KrestHttp.Response r, String self) {
        assertEquals(200, r.status(), r.body());
        assertEquals("KafkaReassignmentList", r.json().get("kind").asText(), r.body());
        assertEquals(self, r.json().at("/metadata/self").asText());
        assertTrue(r.json().at("/metadata/next").isNull(), r.body());
        assertTrue(r.json().get("data").isArray() && r.json().get("data").isEmpty(), r.body());
    }

    @Test
    void listAndGetPartitions() {
        String topic = TestKafka.createTopic(unique("list"), 2);
        KrestHttp.Response r = http.get(prefix + "/topics/" + topic + "/partitions");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals("KafkaPartitionList", r.json().get("kind").asText());
        assertEquals(self("topics", topic, "partitions"), r.json().at("/metadata/self").asText());
        assertTrue(r.json().at("/metadata/next").isNull(), r.body());
        assertEquals(2, r.json().get("data").size(), r.body());
        assertPartition(r.json().at("/data/0"), topic, 0);
        assertPartition(r.json().at("/data/1"), topic, 1);

        KrestHttp.Response one = http.get(prefix + "/topics/" + topic + "/partitions/1");
        assertEquals(200, one.status(), one.body());
        assertPartition(one.json(), topic, 1);
    }

    @Test
    void partitionErrors() {
        String topic = TestKafka.createTopic(unique("errors"), 1);
        assertError(http.get(prefix + "/topics/" + topic + "/partitions/5"), 404, 40402);
        assertError(http.get(prefix + "/topics/" + topic + "/partitions/abc"), 404, 40402);
        assertError(http.get(prefix + "/topics/" + topic + "/partitions/5/replicas"), 404, 40402);
        assertError(http.get(prefix + "/topics/" + topic + "/partitions/5/offset?offset_type=earliest_and_latest"),
                404, 40402);
        String missing = unique("missing");
        assertError(http.get(prefix + "/topics/" + missing + "/partitions"), 404, 40403);
        assertError(http.get(prefix + "/topics/" + missing + "/partitions/0"), 404, 40403);
        assertError(http.get("/v3/clusters/no-such-cluster/topics/" + topic + "/partitions"), 404, 404);
        assertError(http.get("/v3/clusters/no-such-cluster/topics/" + topic + "/partitions/0"), 404, 404);
    }

    @Test
    void offsetsAfterProducing() throws Exception {
        String topic = TestKafka.createTopic(unique("offsets"), 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        KrestHttp.Response r = http.get(prefix + "/topics/" + topic + "/partitions/0/offset"
                + "?offset_type=earliest_and_latest");
        assertEquals(200, r.status(), r.body());
        JsonNode o = r.json();
        assertEquals("KafkaPartitionWithOffsets", o.get("kind").asText(), r.body());
        assertEquals(self("topics", topic, "partitions", "0", "offset"), o.at("/metadata/self").asText());
        assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/partition=0/offset_type=earliest_and_latest",
                o.at("/metadata/resource_name").asText());
        assertEquals(clusterId, o.get("cluster_id").asText());
        assertEquals(topic, o.get("topic_name").asText());
        assertEquals(0, o.get("partition_id").intValue());
        assertTrue(o.get("earliest_offset").isIntegralNumber(), r.body());
        assertEquals(0, o.get("earliest_offset").longValue());
        assertTrue(o.get("latest_offset").isIntegralNumber(), r.body());
        assertEquals(5, o.get("latest_offset").longValue());

        KrestHttp.Response upper = http.get(prefix + "/topics/" + topic + "/partitions/1/offset"
                + "?offset_type=EARLIEST_AND_LATEST");
        assertEquals(200, upper.status(), upper.body());
        assertEquals(0, upper.json().get("latest_offset").longValue());

        assertError(http.get(prefix + "/topics/" + topic + "/partitions/0/offset?offset_type=earliest"), 400, 400);
        // no offset_type: earliest_and_latest, as Confluent defaults it
        KrestHttp.Response defaulted = http.get(prefix + "/topics/" + topic + "/partitions/0/offset");
        assertEquals(200, defaulted.status(), defaulted.body());
        assertEquals(5, defaulted.json().get("latest_offset").longValue());
        assertError(http.get(prefix + "/topics/" + unique("missing") + "/partitions/0/offset"
                + "?offset_type=earliest_and_latest"), 404, 40403);
    }

    @Test
    void replicas() {
        String topic = TestKafka.createTopic(unique("replicas"), 1);
        KrestHttp.Response r = http.get(prefix + "/topics/" + topic + "/partitions/0/replicas");
        assertEquals(200, r.status(), r.body());
        assertEquals("KafkaReplicaList", r.json().get("kind").asText());
        assertEquals(self("topics", topic, "partitions", "0", "replicas"), r.json().at("/metadata/self").asText());
        assertTrue(r.json().at("/metadata/next").isNull(), r.body());
        assertEquals(1, r.json().get("data").size(), r.body());
        assertReplica(r.json().at("/data/0"), topic, 0);

        KrestHttp.Response one = http.get(prefix + "/topics/" + topic + "/partitions/0/replicas/" + brokerId);
        assertEquals(200, one.status(), one.body());
        assertReplica(one.json(), topic, 0);

        assertError(http.get(prefix + "/topics/" + topic + "/partitions/0/replicas/" + (brokerId + 100)), 404, 404);
        assertError(http.get(prefix + "/topics/" + unique("missing") + "/partitions/0/replicas"), 404, 40403);
    }

    @Test
    void reassignmentsAreEmptyOnOneBroker() {
        String topic = TestKafka.createTopic(unique("reassign"), 2);
        assertEmptyReassignments(http.get(prefix + "/topics/-/partitions/-/reassignment"),
                self("topics", "-", "partitions", "-", "reassignment"));
        assertEmptyReassignments(http.get(prefix + "/topics/" + topic + "/partitions/-/reassignment"),
                self("topics", topic, "partitions", "-", "reassignment"));
        assertError(http.get(prefix + "/topics/" + topic + "/partitions/0/reassignment"), 404, 404);
        // a topic that does not exist has no reassignments (Confluent answers the same)
        String missing = unique("missing");
        assertEmptyReassignments(http.get(prefix + "/topics/" + missing + "/partitions/-/reassignment"),
                self("topics", missing, "partitions", "-", "reassignment"));
        assertError(http.get("/v3/clusters/no-such-cluster/topics/-/partitions/-/reassignment"), 404, 404);
        assertError(http.get("/v3/clusters/no-such-cluster/topics/" + topic + "/partitions/-/reassignment"),
                404, 404);
    }
}

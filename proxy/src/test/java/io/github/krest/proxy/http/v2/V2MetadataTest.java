package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The v2 metadata endpoints against a real broker: {@code GET /}, topics, partitions, partition offsets and brokers,
 * with Confluent's shapes and error codes, and content negotiation.
 */
class V2MetadataTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static TestKrest krest;
    private static KrestHttp http;
    private static String topic;

    @BeforeAll
    static void start() {
        krest = TestKrest.start();
        http = krest.http();
        topic = TestKafka.createTopic("v2-metadata", 3);
    }

    @AfterAll
    static void stop() {
        krest.close();
    }

    @Test
    void rootAnswersEmptyObject() {
        KrestHttp.Response r = http.get("/");
        assertEquals(200, r.status());
        assertEquals("{}", r.body());
        assertEquals(V2, r.contentType());

        KrestHttp.Response post = http.post("/", V2, "{\"a\":\"b\"}");
        assertEquals(200, post.status());
        assertEquals("{}", post.body());
        assertEquals(415, http.post("/", "text/plain", "x").status());
    }

    @Test
    void listsTopicsWithoutInternalOnes() {
        KrestHttp.Response r = http.get("/topics");
        assertEquals(200, r.status());
        List<String> names = new ArrayList<>();
        r.json().forEach(n -> names.add(n.asText()));
        assertTrue(names.contains(topic), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.startsWith("__")), names.toString());
    }

    @Test
    void describesTopicWithConfigsAndPartitions() {
        KrestHttp.Response r = http.get("/topics/" + topic);
        assertEquals(200, r.status());
        JsonNode body = r.json();
        assertEquals(topic, body.get("name").asText());
        assertEquals("delete", body.get("configs").get("cleanup.policy").asText());
        assertEquals(3, body.get("partitions").size());
        JsonNode p0 = body.get("partitions").get(0);
        assertEquals(0, p0.get("partition").asInt());
        int leader = p0.get("leader").asInt();
        JsonNode replica = p0.get("replicas").get(0);
        assertEquals(leader, replica.get("broker").asInt());
        assertTrue(replica.get("leader").asBoolean());
        assertTrue(replica.get("in_sync").asBoolean());
    }

    @Test
    void listsAndGetsPartitions() {
        KrestHttp.Response list = http.get("/topics/" + topic + "/partitions");
        assertEquals(200, list.status());
        assertEquals(3, list.json().size());
        assertEquals(2, list.json().get(2).get("partition").asInt());

        KrestHttp.Response one = http.get("/topics/" + topic + "/partitions/1");
        assertEquals(200, one.status());
        assertEquals(1, one.json().get("partition").asInt());
        assertTrue(one.json().get("replicas").isArray());
    }

    @Test
    void partitionOffsetsFollowProducedRecords() {
        String t = TestKafka.createTopic("v2-offsets", 1);
        KrestHttp.Response before = http.get("/topics/" + t + "/partitions/0/offsets");
        assertEquals(200, before.status());
        assertEquals(0, before.json().get("beginning_offset").asLong());
        assertEquals(0, before.json().get("end_offset").asLong());

        KrestHttp.Response produced = http.post("/topics/" + t, "application/vnd.kafka.json.v2+json",
                "{\"records\":[{\"value\":1},{\"value\":2},{\"value\":3}]}");
        assertEquals(200, produced.status(), produced.body());

        KrestHttp.Response after = http.get("/topics/" + t + "/partitions/0/offsets");
        assertEquals(0, after.json().get("beginning_offset").asLong());
        assertEquals(3, after.json().get("end_offset").asLong());
    }

    @Test
    void listsBrokers() {
        KrestHttp.Response r = http.get("/brokers");
        assertEquals(200, r.status());
        assertEquals(1, r.json().get("brokers").size());
        assertTrue(r.json().get("brokers").get(0).isInt());
    }

    @Test
    void unknownTopicIs40403() {
        for (String path : List.of("/topics/no-such-topic", "/topics/no-such-topic/partitions",
                "/topics/no-such-topic/partitions/0", "/topics/no-such-topic/partitions/0/offsets")) {
            KrestHttp.Response r = http.get(path);
            assertEquals(404, r.status(), path);
            assertEquals(40403, r.errorCode(), path);
            assertEquals("application/vnd.kafka.v2+json", r.contentType());
        }
    }

    @Test
    void unknownOrMalformedPartitionIs40402() {
        for (String p : List.of("3", "-1", "abc", "99999999999")) {
            KrestHttp.Response r = http.get("/topics/" + topic + "/partitions/" + p);
            assertEquals(404, r.status(), p);
            assertEquals(40402, r.errorCode(), p);
            KrestHttp.Response offsets = http.get("/topics/" + topic + "/partitions/" + p + "/offsets");
            assertEquals(40402, offsets.errorCode(), p);
        }
    }

    @Test
    void invalidTopicNameIs40002() {
        KrestHttp.Response r = http.get("/topics/bad%20topic%21");
        assertEquals(400, r.status());
        assertEquals(40002, r.errorCode());
        assertTrue(r.json().get("message").asText().contains("Invalid topic name"));
    }

    @Test
    void negotiatesAcceptHeader() {
        assertEquals(V2, http.get("/topics", "Accept", V2).contentType());
        assertEquals("application/json", http.get("/topics", "Accept", "application/json").contentType());
        assertEquals(V2, http.get("/topics", "Accept", "*/*").contentType());
        KrestHttp.Response r = http.get("/topics", "Accept", "text/html");
        assertEquals(406, r.status());
        assertEquals(406, r.errorCode());
    }

    @Test
    void unknownPathIsJson404() {
        KrestHttp.Response r = http.get("/no/such/path");
        assertEquals(404, r.status());
        assertEquals(404, r.errorCode());
    }

    @Test
    void v2CanBeSwitchedOff() {
        try (TestKrest off = TestKrest.start(Map.of("api.v2.enable", "false"))) {
            KrestHttp.Response r = off.http().get("/topics");
            assertEquals(404, r.status());
            assertEquals(404, r.errorCode());
            assertEquals(200, off.http().get("/v3/clusters").status());
        }
    }
}

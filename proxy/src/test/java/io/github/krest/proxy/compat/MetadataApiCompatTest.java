package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.TestKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's {@code MetadataApiTest} (v2 brokers, topics, partitions) against krest, with no {@code Accept} header
 * as that test sends: answers and errors are {@code application/vnd.kafka.v2+json}; an unknown topic is 404/40403,
 * an unknown partition 404/40402. Also the v2 root ({@code GET /}, {@code POST /}), whose 415 is v2 typed too.
 */
class MetadataApiCompatTest {
    private static final String TOPIC1 = "compat-metadata-topic1";
    private static final String TOPIC2 = "compat-metadata-topic2";

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest();

    @BeforeAll
    static void start() {
        TestKafka.createTopic(TOPIC1, 1);
        TestKafka.createTopic(TOPIC2, 2);
    }

    @Test
    void brokers() {
        JsonNode body = assertOk(krest.get("/brokers"), 200, V2);
        assertEquals(1, body.get("brokers").size(), body.toString());
        assertTrue(body.at("/brokers/0").isInt(), body.toString());
    }

    @Test
    void topicsListAndGet() {
        List<String> names = new ArrayList<>();
        assertOk(krest.get("/topics"), 200, V2).forEach(n -> names.add(n.asText()));
        assertTrue(names.containsAll(List.of(TOPIC1, TOPIC2)), names.toString());

        JsonNode topic = assertOk(krest.get("/topics/" + TOPIC1), 200, V2);
        assertEquals(TOPIC1, topic.get("name").asText());
        assertEquals(1, topic.get("partitions").size());
        assertEquals(1, topic.at("/partitions/0/replicas").size());
        assertTrue(topic.get("configs").isObject());
    }

    @Test
    void unknownTopicIs40403InTheV2Type() {
        assertError(krest.get("/topics/topicdoesntexist"), 404, 40403, V2);
        assertError(krest.get("/topics/topicdoesntexist", "Accept", V2), 404, 40403, V2);
    }

    @Test
    void partitionsListAndGet() {
        JsonNode partitions = assertOk(krest.get("/topics/" + TOPIC2 + "/partitions"), 200, V2);
        assertEquals(2, partitions.size());
        for (JsonNode p : partitions) {
            assertEquals(1, p.get("replicas").size(), p.toString());
            assertTrue(p.get("leader").isInt(), p.toString());
        }
        JsonNode partition = assertOk(krest.get("/topics/" + TOPIC1 + "/partitions/0"), 200, V2);
        assertEquals(0, partition.get("partition").asInt());
        assertEquals(1, partition.get("replicas").size());
        assertTrue(partition.at("/replicas/0/leader").asBoolean() && partition.at("/replicas/0/in_sync").asBoolean());
    }

    @Test
    void unknownPartitionIs40402InTheV2Type() {
        assertError(krest.get("/topics/" + TOPIC1 + "/partitions/1000"), 404, 40402, V2);
        assertError(krest.get("/topics/" + TOPIC1 + "/partitions/1000", "Accept", V2), 404, 40402, V2);
    }

    @Test
    void root() {
        assertEquals(0, assertOk(krest.get("/"), 200, V2).size());
        assertEquals(0, assertOk(krest.post("/", V2, "{}"), 200, V2).size());
        // a client that only accepts application/json gets it (krest serves v2 as application/json too)
        assertError(krest.post("/", "text/plain", "{}", "Accept", JSON), 415, 415, JSON);
        assertError(krest.post("/", "text/plain", "{}"), 415, 415, V2);
        assertError(krest.post("/", "text/plain", "{}", "Accept", V2), 415, 415, V2);
    }

    @Test
    void pathsOutsideTheApiAreJson404() {
        assertError(krest.get("/no/such/path"), 404, 404, JSON);
    }
}

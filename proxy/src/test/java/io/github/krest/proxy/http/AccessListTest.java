package io.github.krest.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.Test;

/**
 * {@code api.endpoints.allowlist} and {@code api.endpoints.blocklist} on a real server: blocked GETs answer 404 and
 * other methods 405, as JSON; everything else is served as usual.
 */
class AccessListTest {

    @Test
    void blocklistRemovesEndpoints() {
        String topic = TestKafka.createTopic("access-block", 1);
        try (TestKrest krest = TestKrest.start(Map.of("api.endpoints.blocklist",
                "api.v2.topics.list,api.v2.produce-to-topic.*"))) {
            KrestHttp http = krest.http();
            KrestHttp.Response list = http.get("/topics");
            assertEquals(404, list.status());
            assertEquals(404, list.errorCode());
            KrestHttp.Response produce = http.post("/topics/" + topic, "application/vnd.kafka.json.v2+json",
                    "{\"records\":[{\"value\":1}]}");
            assertEquals(405, produce.status());
            assertEquals(405, produce.errorCode());
            assertEquals(200, http.get("/topics/" + topic).status());
            assertEquals(200, http.post("/topics/" + topic + "/partitions/0", "application/vnd.kafka.json.v2+json",
                    "{\"records\":[{\"value\":1}]}").status());
        }
    }

    @Test
    void allowlistKeepsOnlyItsEndpointsMinusTheBlocklist() {
        String topic = TestKafka.createTopic("access-allow", 1);
        try (TestKrest krest = TestKrest.start(Map.of(
                "api.endpoints.allowlist", "api.v3.clusters.*,api.v2.topics.get,api.v2.produce-to-topic.json",
                "api.endpoints.blocklist", "api.v3.clusters.get"))) {
            KrestHttp http = krest.http();
            KrestHttp.Response clusters = http.get("/v3/clusters");
            assertEquals(200, clusters.status());
            String id = clusters.json().get("data").get(0).get("cluster_id").asText();
            assertEquals(404, http.get("/v3/clusters/" + id).status());
            assertEquals(200, http.get("/topics/" + topic).status());
            assertEquals(404, http.get("/topics").status());
            assertEquals(200, http.post("/topics/" + topic, "application/vnd.kafka.json.v2+json",
                    "{\"records\":[{\"value\":1}]}").status());
            assertEquals(405, http.post("/topics/" + topic, "application/vnd.kafka.binary.v2+json",
                    "{\"records\":[{\"value\":\"AA==\"}]}").status());
            assertEquals(405, http.post("/consumers/g", "application/vnd.kafka.v2+json", "{}").status());
        }
    }
}

package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 clusters over HTTP against a real broker: {@code GET /v3/clusters} is a one-element
 * KafkaClusterList and {@code GET /v3/clusters/{id}} the KafkaCluster, with the broker's cluster id, a CRN and
 * absolute relationship URLs; an unknown id is 404; URLs follow {@code X-Forwarded-*} and {@code Forwarded} headers
 * unless {@code advertised.listeners} is set; {@code confluent.resource.name.authority} goes into the CRN; and
 * {@code api.v3.enable=false} removes the routes.
 */
class V3ClustersTest {
    private static TestKrest krest;
    private static TestKrest advertised;
    private static TestKrest disabled;
    private static String clusterId;
    private static int controllerId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        controllerId = TestKafka.admin().describeCluster().controller().get(30, TimeUnit.SECONDS).id();
        krest = TestKrest.start();
        advertised = TestKrest.start(Map.of("advertised.listeners", "http://lb.example.com:8082",
                "confluent.resource.name.authority", "example.com"));
        disabled = TestKrest.start(Map.of("api.v3.enable", "false"));
    }

    @AfterAll
    static void stop() {
        for (TestKrest k : new TestKrest[] {krest, advertised, disabled}) {
            if (k != null) {
                k.close();
            }
        }
    }

    private static void assertCluster(JsonNode cluster, String base, String crn) {
        String self = base + "/v3/clusters/" + clusterId;
        assertEquals("KafkaCluster", cluster.get("kind").asText());
        assertEquals(self, cluster.at("/metadata/self").asText());
        assertEquals(crn, cluster.at("/metadata/resource_name").asText());
        assertEquals(clusterId, cluster.get("cluster_id").asText());
        assertEquals(self + "/brokers/" + controllerId, cluster.at("/controller/related").asText());
        assertEquals(self + "/acls", cluster.at("/acls/related").asText());
        assertEquals(self + "/brokers", cluster.at("/brokers/related").asText());
        assertEquals(self + "/broker-configs", cluster.at("/broker_configs/related").asText());
        assertEquals(self + "/consumer-groups", cluster.at("/consumer_groups/related").asText());
        assertEquals(self + "/topics", cluster.at("/topics/related").asText());
        assertEquals(self + "/topics/-/partitions/-/reassignment",
                cluster.at("/partition_reassignments/related").asText());
    }

    @Test
    void listClusters() {
        KrestHttp.Response r = krest.http().get("/v3/clusters");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        String base = krest.http().base();
        assertEquals("KafkaClusterList", r.json().get("kind").asText());
        assertEquals(base + "/v3/clusters", r.json().at("/metadata/self").asText());
        assertTrue(r.json().get("metadata").has("next"), r.body());
        assertTrue(r.json().at("/metadata/next").isNull(), r.body());
        assertEquals(1, r.json().get("data").size(), r.body());
        assertCluster(r.json().get("data").get(0), base, "crn:///kafka=" + clusterId);
    }

    @Test
    void getCluster() {
        KrestHttp.Response r = krest.http().get("/v3/clusters/" + clusterId, "Accept", "application/json");
        assertEquals(200, r.status(), r.body());
        assertCluster(r.json(), krest.http().base(), "crn:///kafka=" + clusterId);
    }

    @Test
    void unknownClusterIs404() {
        KrestHttp.Response r = krest.http().get("/v3/clusters/no-such-cluster");
        assertEquals(404, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(KrestHttp.json("{\"error_code\":404,\"message\":\"Cluster no-such-cluster cannot be found.\"}"),
                r.json());
    }

    @Test
    void notAcceptableIs406() {
        KrestHttp.Response r = krest.http().get("/v3/clusters", "Accept", "text/html");
        assertEquals(406, r.status(), r.body());
        assertEquals(406, r.errorCode());
    }

    @Test
    void xForwardedHeadersShapeUrls() {
        KrestHttp.Response r = krest.http().get("/v3/clusters",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example:8443");
        assertEquals(200, r.status(), r.body());
        assertEquals("https://proxy.example:8443/v3/clusters", r.json().at("/metadata/self").asText());
        assertCluster(r.json().get("data").get(0), "https://proxy.example:8443", "crn:///kafka=" + clusterId);
    }

    @Test
    void forwardedHeaderShapesUrls() {
        KrestHttp.Response r = krest.http().get("/v3/clusters/" + clusterId,
                "Forwarded", "proto=https;host=lb.example:9443");
        assertEquals(200, r.status(), r.body());
        assertCluster(r.json(), "https://lb.example:9443", "crn:///kafka=" + clusterId);
    }

    @Test
    void advertisedListenerWinsOverHeadersAndAuthorityGoesIntoCrn() {
        KrestHttp.Response plain = advertised.http().get("/v3/clusters");
        assertEquals(200, plain.status(), plain.body());
        assertEquals("http://lb.example.com:8082/v3/clusters", plain.json().at("/metadata/self").asText());
        assertCluster(plain.json().get("data").get(0), "http://lb.example.com:8082",
                "crn://example.com/kafka=" + clusterId);

        KrestHttp.Response forwarded = advertised.http().get("/v3/clusters/" + clusterId,
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "other.example",
                "Forwarded", "proto=https;host=lb.example:9443");
        assertEquals(200, forwarded.status(), forwarded.body());
        assertCluster(forwarded.json(), "http://lb.example.com:8082", "crn://example.com/kafka=" + clusterId);
    }

    @Test
    void v3DisabledIs404() {
        KrestHttp.Response r = disabled.http().get("/v3/clusters");
        assertEquals(404, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(404, r.errorCode());

        KrestHttp.Response one = disabled.http().get("/v3/clusters/" + clusterId);
        assertEquals(404, one.status(), one.body());
        assertEquals(404, one.errorCode());
    }
}

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

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's v3 cluster, broker and config integration tests, one nested class each, against one krest: the
 * resources' {@code kind}, {@code metadata} ({@code self} under the base URL, {@code resource_name} a CRN),
 * {@code related} links and values as those tests expect them, {@code application/json} throughout, and 404 for an
 * unknown cluster, broker or config. Changed broker configs are reset at once (the test broker is shared).
 */
class V3ClusterCompatTest {
    @RegisterExtension
    static final CompatKrest krest = new CompatKrest();

    private static KrestHttp.Response get(String path) {
        return krest.v3Get(path);
    }

    /** @return the answer to {@code GET path} of another cluster, {@code /v3/clusters/foobar<path>} */
    private static KrestHttp.Response otherCluster(String path) {
        return krest.get("/v3/clusters/foobar" + path, "Accept", JSON);
    }

    /** Confluent {@code ClustersResourceIntegrationTest}. */
    @Nested
    class ClustersResourceIntegrationTest {
        private void assertOwnCluster(JsonNode c) {
            assertResource(c, "KafkaCluster", krest.base(), krest.crn());
            assertEquals(krest.clusterId(), c.get("cluster_id").asText());
            assertEquals(krest.base() + "/brokers/" + krest.brokerId(), c.at("/controller/related").asText());
            assertEquals(krest.base() + "/acls", c.at("/acls/related").asText());
            assertEquals(krest.base() + "/brokers", c.at("/brokers/related").asText());
            assertEquals(krest.base() + "/broker-configs", c.at("/broker_configs/related").asText());
            assertEquals(krest.base() + "/consumer-groups", c.at("/consumer_groups/related").asText());
            assertEquals(krest.base() + "/topics", c.at("/topics/related").asText());
            assertEquals(krest.base() + "/topics/-/partitions/-/reassignment",
                    c.at("/partition_reassignments/related").asText());
        }

        @Test
        void listClustersReturnsArrayWithOwnCluster() {
            JsonNode list = assertOk(krest.get("/v3/clusters", "Accept", JSON), 200, JSON);
            assertEquals("KafkaClusterList", list.get("kind").asText());
            assertEquals(krest.http().base() + "/v3/clusters", list.at("/metadata/self").asText());
            assertTrue(list.at("/metadata/next").isNull());
            assertEquals(1, list.get("data").size());
            assertOwnCluster(list.at("/data/0"));
        }

        @Test
        void getOwnCluster() {
            assertOwnCluster(assertOk(get(""), 200, JSON));
        }

        @Test
        void differentClusterIsNotFound() {
            assertError(otherCluster(""), 404, 404, JSON);
        }
    }

    /** Confluent {@code BrokersResourceIntegrationTest}. */
    @Nested
    class BrokersResourceIntegrationTest {
        private void assertBroker(JsonNode b) {
            String self = krest.base() + "/brokers/" + krest.brokerId();
            assertResource(b, "KafkaBroker", self, krest.crn() + "/broker=" + krest.brokerId());
            assertEquals(krest.clusterId(), b.get("cluster_id").asText());
            assertEquals(krest.brokerId(), b.get("broker_id").asInt());
            assertFalse(b.get("host").asText().isEmpty());
            assertTrue(b.get("port").asInt() > 0);
            assertEquals(self + "/configs", b.at("/configs/related").asText());
            assertEquals(self + "/partition-replicas", b.at("/partition_replicas/related").asText());
        }

        @Test
        void listBrokers() {
            JsonNode list = assertOk(get("/brokers"), 200, JSON);
            assertEquals("KafkaBrokerList", list.get("kind").asText());
            assertEquals(krest.base() + "/brokers", list.at("/metadata/self").asText());
            assertEquals(1, list.get("data").size());
            assertBroker(list.at("/data/0"));
        }

        @Test
        void getBroker() {
            assertBroker(assertOk(get("/brokers/" + krest.brokerId()), 200, JSON));
        }

        @Test
        void unknownClusterOrBrokerIsNotFound() {
            assertError(otherCluster("/brokers"), 404, 404, JSON);
            assertError(otherCluster("/brokers/" + krest.brokerId()), 404, 404, JSON);
            assertError(get("/brokers/" + (krest.brokerId() + 100)), 404, 404, JSON);
        }
    }

    /** Confluent {@code BrokerConfigsResourceIntegrationTest}. */
    @Nested
    class BrokerConfigsResourceIntegrationTest {
        private String configs() {
            return "/brokers/" + krest.brokerId() + "/configs";
        }

        private void assertCompressionType(JsonNode c, String value, boolean isDefault, String source) {
            assertResource(c, "KafkaBrokerConfig", krest.base() + configs() + "/compression.type",
                    krest.crn() + "/broker=" + krest.brokerId() + "/config=compression.type");
            assertEquals(krest.clusterId(), c.get("cluster_id").asText());
            assertEquals(krest.brokerId(), c.get("broker_id").asInt());
            assertConfig(c, "compression.type", value, isDefault, source);
        }

        @Test
        void listAndGetConfigs() {
            JsonNode list = assertOk(get(configs()), 200, JSON);
            assertEquals("KafkaBrokerConfigList", list.get("kind").asText());
            assertEquals(krest.base() + configs(), list.at("/metadata/self").asText());
            boolean found = false;
            for (JsonNode c : list.get("data")) {
                if (c.get("name").asText().equals("compression.type")) {
                    assertCompressionType(c, "producer", true, "DEFAULT_CONFIG");
                    found = true;
                }
            }
            assertTrue(found, list.toString());
            assertCompressionType(assertOk(get(configs() + "/compression.type"), 200, JSON), "producer", true,
                    "DEFAULT_CONFIG");
        }

        @Test
        void unknownConfigBrokerOrClusterIsNotFound() {
            assertError(get(configs() + "/foobar"), 404, 404, JSON);
            assertError(get("/brokers/" + (krest.brokerId() + 100) + "/configs"), 404, 404, JSON);
            assertError(get("/brokers/" + (krest.brokerId() + 100) + "/configs/compression.type"), 404, 404, JSON);
            assertError(otherCluster(configs()), 404, 404, JSON);
            assertError(krest.send("PUT", krest.v3(configs() + "/foobar"), JSON, "{\"value\":\"producer\"}"), 404, 404,
                    JSON);
            assertError(krest.send("PUT", "/v3/clusters/foobar" + configs() + "/compression.type", JSON,
                    "{\"value\":\"producer\"}"), 404, 404, JSON);
            assertError(krest.send("DELETE", krest.v3(configs() + "/foobar"), null, null), 404, 404, JSON);
            assertError(krest.send("DELETE", "/v3/clusters/foobar" + configs() + "/compression.type", null, null),
                    404, 404, JSON);
        }

        @Test
        void updateAndReset() {
            String path = krest.v3(configs() + "/compression.type");
            try {
                assertEquals(204, krest.send("PUT", path, JSON, "{\"value\":\"gzip\"}").status());
                assertCompressionType(eventually(() -> get(configs() + "/compression.type"),
                        r -> r.json().get("value").asText().equals("gzip")).json(), "gzip", false,
                        "DYNAMIC_BROKER_CONFIG");
            } finally {
                assertEquals(204, krest.send("DELETE", path, null, null).status());
            }
            assertCompressionType(eventually(() -> get(configs() + "/compression.type"),
                    r -> r.json().get("value").asText().equals("producer")).json(), "producer", true,
                    "DEFAULT_CONFIG");
        }

        @Test
        void alterConfigBatch() {
            String path = krest.v3(configs());
            try {
                assertEquals(204, krest.send("POST", path + ":alter", JSON, "{\"data\":[{\"name\":\"max.connections\","
                        + "\"value\":\"1000\"},{\"name\":\"compression.type\",\"value\":\"gzip\"}]}").status());
                eventually(() -> get(configs() + "/max.connections"),
                        r -> r.json().get("value").asText().equals("1000"));
                eventually(() -> get(configs() + "/compression.type"),
                        r -> r.json().get("value").asText().equals("gzip"));
            } finally {
                krest.send("DELETE", path + "/max.connections", null, null);
                krest.send("DELETE", path + "/compression.type", null, null);
            }
            awaitDefaultCompression();
        }

        /** Dynamic config changes reach the broker asynchronously; other tests here change compression.type. */
        private void awaitDefaultCompression() {
            eventually(() -> get(configs() + "/compression.type"),
                    r -> r.json().get("value").asText().equals("producer"));
        }

        @Test
        void unknownFieldsAreRefusedAndNothingChanges() {
            String path = krest.v3(configs());
            awaitDefaultCompression();
            JsonNode put = assertError(krest.send("PUT", path + "/compression.type", JSON,
                    "{\"value\":\"gzip\",\"operation\":\"SET\"}"), 400, 400, JSON);
            assertTrue(put.get("message").asText().contains("\"operation\""), put.toString());
            JsonNode alter = assertError(krest.send("POST", path + ":alter", JSON,
                    "{\"data\":[{\"name\":\"compression.type\",\"valeu\":\"gzip\"}]}"), 400, 400, JSON);
            assertTrue(alter.get("message").asText().contains("\"data[0].valeu\""), alter.toString());
            assertEquals("producer", get(configs() + "/compression.type").json().get("value").asText());
        }
    }

    /** Confluent {@code ClusterConfigsResourceIntegrationTest}. */
    @Nested
    class ClusterConfigsResourceIntegrationTest {
        @Test
        void unknownClusterOrConfigIsNotFound() {
            assertError(otherCluster("/broker-configs"), 404, 404, JSON);
            assertError(otherCluster("/broker-configs/max.connections"), 404, 404, JSON);
            assertError(get("/broker-configs/foobar"), 404, 404, JSON);
            assertError(krest.send("PUT", "/v3/clusters/foobar/broker-configs/compression.type", JSON,
                    "{\"value\":\"producer\"}"), 404, 404, JSON);
            assertError(krest.send("DELETE", "/v3/clusters/foobar/broker-configs/compression.type", null, null),
                    404, 404, JSON);
        }

        @Test
        void updateAndReset() {
            String path = krest.v3("/broker-configs/compression.type");
            // not set cluster-wide: not a cluster config
            assertError(get("/broker-configs/compression.type"), 404, 404, JSON);
            try {
                assertEquals(204, krest.send("PUT", path, JSON, "{\"value\":\"gzip\"}").status());
                JsonNode c = eventually(() -> get("/broker-configs/compression.type"), r -> r.status() == 200).json();
                assertResource(c, "KafkaClusterConfig", krest.base() + "/broker-configs/compression.type",
                        krest.crn() + "/broker-config=compression.type");
                assertEquals("BROKER", c.get("config_type").asText());
                assertEquals("gzip", c.get("value").asText());
                assertEquals("DYNAMIC_DEFAULT_BROKER_CONFIG", c.get("source").asText());
                JsonNode broker = eventually(() -> get("/brokers/" + krest.brokerId() + "/configs/compression.type"),
                        r -> r.json().get("value").asText().equals("gzip")).json();
                assertEquals("DYNAMIC_DEFAULT_BROKER_CONFIG", broker.get("source").asText());
            } finally {
                assertEquals(204, krest.send("DELETE", path, null, null).status());
            }
            eventually(() -> get("/broker-configs/compression.type"), r -> r.status() == 404);
        }
    }

    /** Confluent {@code ListAllBrokersConfigsActionIntegrationTest}. */
    @Nested
    class ListAllBrokersConfigsActionIntegrationTest {
        @Test
        void listsEveryBrokersConfigs() {
            JsonNode list = assertOk(get("/brokers/-/configs"), 200, JSON);
            assertEquals("KafkaBrokerConfigList", list.get("kind").asText());
            assertEquals(krest.base() + "/brokers/-/configs", list.at("/metadata/self").asText());
            assertTrue(list.get("data").size() > 10, list.toString());
            for (JsonNode c : list.get("data")) {
                assertEquals(krest.brokerId(), c.get("broker_id").asInt(), c.toString());
            }
            assertError(otherCluster("/brokers/-/configs"), 404, 404, JSON);
        }
    }
}

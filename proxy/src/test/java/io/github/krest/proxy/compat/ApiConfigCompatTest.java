package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.github.krest.proxy.testing.KrestHttp;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's tests of the API switches and access lists ({@code v2.DisableV2Test}, {@code v3.DisableV3Test},
 * {@code accesslist.ResourceBlocklistTest}, {@code accesslist.ResourceAllowlistAndBlocklistTest}), one krest per
 * configuration (the cluster's path is taken from one whose v3 API is open): a switched-off API answers 404; a
 * blocked GET 404/404 and any other blocked method 405/405, JSON;
 * {@code OPTIONS} on an API path is always answered (200, {@code Allow}).
 */
class ApiConfigCompatTest {
    @RegisterExtension
    static final CompatKrest noV2 = new CompatKrest(Map.of("api.v2.enable", "false"));
    @RegisterExtension
    static final CompatKrest noV3 = new CompatKrest(Map.of("api.v3.enable", "false"));
    @RegisterExtension
    static final CompatKrest blocklist = new CompatKrest(Map.of("api.endpoints.allowlist", "",
            "api.endpoints.blocklist", "api.v3.topics.*, api.v3.clusters.list"));
    @RegisterExtension
    static final CompatKrest allowAndBlock = new CompatKrest(Map.of(
            "api.endpoints.allowlist", "api.v3.topics.*,      api.v3.clusters.list",
            "api.endpoints.blocklist", "api.v3.topics.delete, api.v3.clusters.list"));

    /** Confluent {@code v2.DisableV2Test} and {@code v3.DisableV3Test}. */
    @Nested
    class DisableApiTest {
        @Test
        void v2ApiIsDisabled() {
            assertEquals(404, noV2.http().get("/", "Accept", V2).status());
            assertEquals(200, noV2.http().get("/v3/clusters", "Accept", JSON).status());
        }

        @Test
        void v3ApiIsDisabled() {
            assertError(noV3.http().get("/v3/clusters", "Accept", JSON), 404, 404, JSON);
            assertEquals(200, noV3.http().get("/", "Accept", V2).status());
        }
    }

    /** Confluent {@code accesslist.ResourceBlocklistTest}. */
    @Nested
    class ResourceBlocklistTest {
        @Test
        void blocklist() {
            String cluster = noV2.v3("");
            assertError(blocklist.get(cluster + "/topics", "Accept", JSON), 404, 404, JSON);
            assertError(blocklist.post(cluster + "/topics", JSON, "{\"topic_name\":\"compat-blocked\"}"), 405, 405,
                    JSON);
            assertError(blocklist.get(cluster + "/topics/compat-blocked", "Accept", JSON), 404, 404, JSON);
            assertError(blocklist.send("DELETE", cluster + "/topics/compat-blocked", null, null), 405, 405, JSON);
            assertError(blocklist.get("/v3/clusters", "Accept", JSON), 404, 404, JSON);
            assertEquals(200, blocklist.get(cluster, "Accept", JSON).status());
        }
    }

    /** Confluent {@code accesslist.ResourceAllowlistAndBlocklistTest}. */
    @Nested
    class ResourceAllowlistAndBlocklistTest {
        @Test
        void allowlistAndBlocklist() {
            String cluster = noV2.v3("");
            assertEquals(200, allowAndBlock.get(cluster + "/topics", "Accept", JSON).status());
            assertEquals(201, allowAndBlock.post(cluster + "/topics", JSON, "{\"topic_name\":\"compat-allowed\","
                    + "\"partitions_count\":1,\"replication_factor\":1}").status());
            assertEquals(200, allowAndBlock.get(cluster + "/topics/compat-allowed", "Accept", JSON).status());
            assertError(allowAndBlock.send("DELETE", cluster + "/topics/compat-allowed", null, null), 405, 405, JSON);
            assertError(allowAndBlock.get("/v3/clusters", "Accept", JSON), 404, 404, JSON);
            assertError(allowAndBlock.get(cluster, "Accept", JSON), 404, 404, JSON);
            assertError(allowAndBlock.post(cluster + "/broker-configs:alter", JSON,
                    "{\"data\":[{\"name\":\"max.connections\",\"value\":\"1000\"}]}"), 405, 405, JSON);
            // OPTIONS is always allowed: 200 and the path's methods
            KrestHttp.Response clustersOptions = allowAndBlock.send("OPTIONS", "/v3/clusters/", null, null);
            assertEquals(200, clustersOptions.status());
            assertEquals("GET, OPTIONS", clustersOptions.headers().firstValue("Allow").orElse(""));
            KrestHttp.Response topicsOptions = allowAndBlock.send("OPTIONS", cluster + "/topics", null, null);
            assertEquals(200, topicsOptions.status());
            assertEquals("GET, POST, OPTIONS", topicsOptions.headers().firstValue("Allow").orElse(""));
            assertError(allowAndBlock.send("OPTIONS", "/no/such/path", null, null), 404, 404, JSON);
        }
    }
}

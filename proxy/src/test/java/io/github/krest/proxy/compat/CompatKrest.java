package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The krest of one compatibility test class, registered as {@code @RegisterExtension static final CompatKrest krest
 * = new CompatKrest(...)}: started before the class (and its nested classes, which share it) on the test Kafka
 * cluster, closed after it. Knows what the v3 tests address: the cluster id, the cluster's absolute URL and its CRN.
 */
final class CompatKrest implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> overrides;
    private TestKrest krest;
    private String startedBy;
    private String clusterId;
    private Integer brokerId;

    /** A krest with the test defaults. */
    CompatKrest() {
        this(Map.of());
    }

    /** @param overrides configuration keys to set */
    CompatKrest(Map<String, String> overrides) {
        this.overrides = overrides;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // nested classes inherit the extension: the outermost class starts krest, they share it
        if (krest == null) {
            krest = TestKrest.start(overrides);
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedBy)) {
            krest.close();
            krest = null;
        }
    }

    /** @return an HTTP client of this krest */
    KrestHttp http() {
        return krest.http();
    }

    /** {@code GET path} with the given header names and values. */
    KrestHttp.Response get(String path, String... headers) {
        return http().get(path, headers);
    }

    /** {@code POST path} with a body of {@code contentType} (null for no {@code Content-Type}). */
    KrestHttp.Response post(String path, String contentType, String body, String... headers) {
        return http().post(path, contentType, body, headers);
    }

    /** Any method, as {@link Compat#send}. */
    KrestHttp.Response send(String method, String path, String contentType, String body, String... headers) {
        return Compat.send(http(), method, path, contentType, body, headers);
    }

    /** Confluent's {@code startConsumeMessages}: the instance's path, subscribed, after a first empty poll. */
    String startConsuming(String group, String topic, String createBody, String accept) {
        KrestHttp.Response created = post("/consumers/" + group, V2, createBody);
        JsonNode instance = assertOk(created, 200, V2);
        String id = instance.get("instance_id").asText();
        assertFalse(id.isEmpty());
        String baseUri = instance.get("base_uri").asText();
        assertTrue(baseUri.contains(id), baseUri);
        String path = URI.create(baseUri).getRawPath();
        KrestHttp.Response subscribed = post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}",
                "Accept", V2);
        assertEquals(204, subscribed.status(), subscribed.body());
        assertEquals(0, assertOk(get(path + "/records", "Accept", accept), 200, accept).size());
        return path;
    }

    /** @return the cluster id, from {@code GET /v3/clusters} */
    String clusterId() {
        if (clusterId == null) {
            clusterId = Compat.clusterId(http());
        }
        return clusterId;
    }

    /** @return {@code /v3/clusters/<id>} followed by {@code path} */
    String v3(String path) {
        return "/v3/clusters/" + clusterId() + path;
    }

    /** @return the absolute URL of {@code /v3/clusters/<id>}, the base of every v3 {@code self} and link */
    String base() {
        return http().base() + v3("");
    }

    /** @return {@code crn:///kafka=<id>}, the start of every v3 {@code resource_name} */
    String crn() {
        return "crn:///kafka=" + clusterId();
    }

    /** @return the answer to {@code GET /v3/clusters/<id><path>} with {@code Accept: application/json} */
    KrestHttp.Response v3Get(String path) {
        return get(v3(path), "Accept", Compat.JSON);
    }

    /** @return the test broker's id */
    int brokerId() {
        if (brokerId == null) {
            brokerId = v3Get("/brokers").json().at("/data/0/broker_id").asInt();
        }
        return brokerId;
    }
}

package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;

/**
 * Confluent's v2 consumer API (shared/reference/confluent-api.md §1.2 rows 11–23, §1.4) as a client sees it
 * through the load balancer: create an instance, then address it by its absolute {@code base_uri}.
 *
 * <p>Every response is checked for 404/40403 ("Consumer instance not found"), the failure a stateless proxy must
 * never produce for a live instance: the first one fails the test at once, naming the request.
 */
final class V2ConsumerClient {
    static final String V2_JSON = "application/vnd.kafka.v2+json";
    static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";

    private final KrestHttp http;
    private final String pollQuery;

    /** @param http a client for the load balancer; polls ask for {@code timeout=1000} and no byte limit */
    V2ConsumerClient(KrestHttp http) {
        this(http, 0);
    }

    /**
     * @param http a client for the load balancer
     * @param maxBytes the {@code max_bytes} of every poll (key and value bytes per response), so that a backlog
     *     takes many polls; 0 for none
     */
    V2ConsumerClient(KrestHttp http, long maxBytes) {
        this.http = http;
        this.pollQuery = "?timeout=1000" + (maxBytes > 0 ? "&max_bytes=" + maxBytes : "");
    }

    /** A consumer instance as {@code POST /consumers/{group}} answered it. */
    record Instance(String group, String id, String baseUri) {
    }

    /**
     * {@code POST /consumers/{group}} with {@code {"name", "format":"binary", "auto.offset.reset":"earliest",
     * "auto.commit.enable":"false"}}; asserts 200 and a {@code base_uri} that points at the load balancer.
     */
    Instance create(String group, String name) {
        return create(group, name, false);
    }

    /** As {@link #create(String, String)}, with {@code auto.commit.enable} as given. */
    Instance create(String group, String name, boolean autoCommit) {
        KrestHttp.Response r = check("create " + name, http.post("/consumers/" + group, V2_JSON, """
                {"name":"%s","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"%s"}"""
                .formatted(name, autoCommit)));
        assertEquals(200, r.status(), () -> "create consumer " + group + "/" + name + ": " + r.body());
        JsonNode json = r.json();
        assertNotNull(json, r.body());
        String id = json.path("instance_id").asText();
        String baseUri = json.path("base_uri").asText();
        assertEquals(name, id, r.body());
        assertEquals(http.base() + "/consumers/" + group + "/instances/" + name, baseUri,
                "base_uri must name the load balancer, not a replica: " + r.body());
        return new Instance(group, id, baseUri);
    }

    /** {@code POST {base_uri}/subscription} {@code {"topics":[...]}}; asserts 204. */
    void subscribe(Instance instance, String... topics) {
        StringBuilder list = new StringBuilder();
        for (String topic : topics) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(topic).append('"');
        }
        KrestHttp.Response r = send("subscribe " + instance.id(), post(instance, "/subscription",
                "{\"topics\":[" + list + "]}"));
        assertEquals(204, r.status(), () -> "subscribe " + instance + ": " + r.body());
    }

    /**
     * {@code GET {base_uri}/records?timeout=1000[&max_bytes=n]} accepting binary; the response as it is (checked
     * for 40403).
     */
    KrestHttp.Response poll(Instance instance) {
        return send("poll " + instance.id(), HttpRequest.newBuilder(URI.create(instance.baseUri() + "/records"
                + pollQuery)).GET(), "Accept", BINARY_V2);
    }

    /**
     * Polls until {@code log} holds {@code total} records or {@code timeout} passes (then fails). Every poll must
     * answer 200, except that with {@code allowUnavailable} a 503 carrying a JSON {@code error_code} is accepted
     * (the state store is down) and the poll repeated after 200 ms.
     *
     * @return how many polls answered 503
     */
    int pollUntil(Instance instance, DeliveryLog log, int total, Duration timeout, boolean allowUnavailable) {
        int unavailable = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        KrestHttp.Response last = null;
        while (log.size() < total) {
            if (System.nanoTime() > deadline) {
                fail(instance.id() + ": " + log.size() + " of " + total + " records after " + timeout
                        + "; last poll: " + (last == null ? "none" : last.status() + " " + last.body()));
            }
            last = poll(instance);
            if (last.status() == 200) {
                log.add(last.json(), instance.id());
            } else if (allowUnavailable && last.status() == 503) {
                assertUnavailableError(last);
                unavailable++;
                ClusterProcesses.sleep(200);
            } else {
                fail(instance.id() + ": poll answered " + last.status() + " " + last.body());
            }
        }
        return unavailable;
    }

    /** {@code POST {base_uri}/offsets} with an empty body: commit the instance's positions; asserts 200. */
    void commit(Instance instance) {
        KrestHttp.Response r = tryCommit(instance);
        assertEquals(200, r.status(), () -> "commit " + instance + ": " + r.body());
    }

    /** {@code POST {base_uri}/offsets} with an empty body; the response as it is (checked for 40403). */
    KrestHttp.Response tryCommit(Instance instance) {
        return send("commit " + instance.id(), post(instance, "/offsets", ""));
    }

    /** {@code GET {base_uri}/assignments}; asserts 200 and returns the assigned partitions of {@code topic}. */
    Set<Integer> assignments(Instance instance, String topic) {
        KrestHttp.Response r = send("assignments " + instance.id(),
                HttpRequest.newBuilder(URI.create(instance.baseUri() + "/assignments")).GET(), "Accept", V2_JSON);
        assertEquals(200, r.status(), () -> "assignments " + instance + ": " + r.body());
        Set<Integer> partitions = new TreeSet<>();
        for (JsonNode p : r.json().path("partitions")) {
            assertEquals(topic, p.path("topic").asText(), r.body());
            partitions.add(p.path("partition").asInt());
        }
        return partitions;
    }

    /** {@code DELETE {base_uri}}; asserts 204. */
    void delete(Instance instance) {
        KrestHttp.Response r = send("delete " + instance.id(),
                HttpRequest.newBuilder(URI.create(instance.baseUri())).DELETE());
        assertEquals(204, r.status(), () -> "delete " + instance + ": " + r.body());
    }

    /** Asserts a 503 in krest's error shape: JSON with a 503 or 503xx {@code error_code} and a message. */
    static void assertUnavailableError(KrestHttp.Response r) {
        assertEquals(503, r.status(), r.body());
        assertNotNull(r.json(), () -> "503 without a JSON body: " + r.body());
        int code = r.json().path("error_code").asInt();
        assertTrue(code == 503 || code / 100 == 503, () -> "503 with error_code " + code + ": " + r.body());
        assertTrue(r.json().hasNonNull("message"), r.body());
    }

    private static HttpRequest.Builder post(Instance instance, String path, String body) {
        return HttpRequest.newBuilder(URI.create(instance.baseUri() + path))
                .header("Content-Type", V2_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private KrestHttp.Response send(String what, HttpRequest.Builder request, String... headers) {
        return check(what, http.send(request, headers));
    }

    private static KrestHttp.Response check(String what, KrestHttp.Response r) {
        if (r.status() == 404 && r.json() != null && r.json().path("error_code").asInt() == 40403) {
            fail("40403 from " + what + " (a live instance was not found): " + r.body());
        }
        return r;
    }
}

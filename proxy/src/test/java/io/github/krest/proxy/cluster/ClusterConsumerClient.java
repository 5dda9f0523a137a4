package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;

/**
 * The v2 consumer steps of the cluster tests, through the load balancer: {@link V2ConsumerClient} with each step's
 * answer asserted, binary instances that read from the earliest offset and commit only when told.
 *
 * <p>Every response is checked for 404/40403 ("Consumer instance not found"), the failure a stateless proxy must
 * never produce for a live instance: the first one fails the test at once, naming the request.
 */
final class ClusterConsumerClient {
    private final KrestHttp http;
    private final V2ConsumerClient consumers;
    private final String pollQuery;

    /** @param http a client for the load balancer; polls ask for {@code timeout=1000} and no byte limit */
    ClusterConsumerClient(KrestHttp http) {
        this(http, 0);
    }

    /**
     * @param http a client for the load balancer
     * @param maxBytes the {@code max_bytes} of every poll (key and value bytes per response), so that a backlog
     *     takes many polls; 0 for none
     */
    ClusterConsumerClient(KrestHttp http, long maxBytes) {
        this.http = http;
        this.consumers = new V2ConsumerClient(http);
        this.pollQuery = "timeout=1000" + (maxBytes > 0 ? "&max_bytes=" + maxBytes : "");
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
        KrestHttp.Response r = check("create " + name, consumers.create(group, """
                {"name":"%s","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"%s"}"""
                .formatted(name, autoCommit)));
        assertEquals(200, r.status(), () -> "create consumer " + group + "/" + name + ": " + r.body());
        JsonNode json = r.json();
        assertNotNull(json, r.body());
        Instance instance = new Instance(group, json.path("instance_id").asText());
        assertEquals(name, instance.name(), r.body());
        assertEquals(http.base() + instance.path(), json.path("base_uri").asText(),
                "base_uri must name the load balancer, not a replica: " + r.body());
        return instance;
    }

    /** {@code POST .../subscription} {@code {"topics":[...]}}; asserts 204. */
    void subscribe(Instance instance, String... topics) {
        KrestHttp.Response r = check("subscribe " + instance.name(), consumers.subscribe(instance, topics));
        assertEquals(204, r.status(), () -> "subscribe " + instance + ": " + r.body());
    }

    /**
     * {@code GET .../records?timeout=1000[&max_bytes=n]} accepting binary; the response as it is (checked for
     * 40403).
     */
    KrestHttp.Response poll(Instance instance) {
        return check("poll " + instance.name(), consumers.poll(instance, V2ConsumerClient.BINARY, pollQuery));
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
                fail(instance.name() + ": " + log.size() + " of " + total + " records after " + timeout
                        + "; last poll: " + (last == null ? "none" : last.status() + " " + last.body()));
            }
            last = poll(instance);
            if (last.status() == 200) {
                log.add(last.json(), instance.name());
            } else if (allowUnavailable && last.status() == 503) {
                assertUnavailableError(last);
                unavailable++;
                ClusterProcesses.sleep(200);
            } else {
                fail(instance.name() + ": poll answered " + last.status() + " " + last.body());
            }
        }
        return unavailable;
    }

    /** {@code POST .../offsets} without a body: commit the instance's positions; asserts 200. */
    void commit(Instance instance) {
        KrestHttp.Response r = tryCommit(instance);
        assertEquals(200, r.status(), () -> "commit " + instance + ": " + r.body());
    }

    /** {@code POST .../offsets} without a body; the response as it is (checked for 40403). */
    KrestHttp.Response tryCommit(Instance instance) {
        return check("commit " + instance.name(), consumers.commit(instance));
    }

    /** {@code GET .../assignments}; asserts 200 and returns the assigned partitions of {@code topic}. */
    Set<Integer> assignments(Instance instance, String topic) {
        KrestHttp.Response r = check("assignments " + instance.name(),
                consumers.with("Accept", V2ConsumerClient.V2).assignments(instance));
        assertEquals(200, r.status(), () -> "assignments " + instance + ": " + r.body());
        Set<Integer> partitions = new TreeSet<>();
        for (JsonNode p : r.json().path("partitions")) {
            assertEquals(topic, p.path("topic").asText(), r.body());
            partitions.add(p.path("partition").asInt());
        }
        return partitions;
    }

    /** {@code DELETE /consumers/{group}/instances/{name}}; asserts 204. */
    void delete(Instance instance) {
        KrestHttp.Response r = check("delete " + instance.name(), consumers.delete(instance));
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

    private static KrestHttp.Response check(String what, KrestHttp.Response r) {
        if (r.status() == 404 && r.json() != null && r.json().path("error_code").asInt() == 40403) {
            fail("40403 from " + what + " (a live instance was not found): " + r.body());
        }
        return r;
    }
}

package io.github.krest.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KrestServer#close()} (what SIGTERM runs): in-flight requests finish within {@code shutdown.graceful.ms};
 * a poll that outlives it does not keep its consumer lease until the lease lapses, so another replica sharing the
 * Redis state store serves the instance at once.
 */
class GracefulShutdownTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";

    private static String redisUrl;
    private static TestKrest survivor;
    private static Map<String, String> shared;

    @BeforeAll
    static void start() {
        redisUrl = TestRedis.newDatabase();
        shared = Map.of("consumer.state.store", "redis", "redis.url", redisUrl,
                "consumer.request.timeout.max.ms", "60000", "consumer.fetch.max.wait.ms", "50");
        survivor = TestKrest.start(shared);
    }

    @AfterAll
    static void stop() {
        if (survivor != null) {
            survivor.close();
        }
    }

    @Test
    void inFlightPollFinishesWithinTheGracePeriod() throws Exception {
        String topic = TestKafka.createTopic("graceful-finish-" + System.nanoTime(), 1);
        TestKrest stopping = TestKrest.start(with("shutdown.graceful.ms", "10000"));
        KrestHttp http = stopping.http();
        String base = createSubscribed(http, "graceful-finish-" + System.nanoTime(), topic);

        CompletableFuture<KrestHttp.Response> poll = CompletableFuture.supplyAsync(() ->
                http.get(base + "/records?timeout=1500", "Accept", BINARY));
        Thread.sleep(500);
        long start = System.nanoTime();
        stopping.close();
        KrestHttp.Response r = poll.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().isArray(), r.body());
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(stopMs < 8_000, "stop took " + stopMs + " ms; the poll should have ended after its timeout");
    }

    @Test
    void pollThatOutlivesTheGracePeriodReleasesItsLease() throws Exception {
        String topic = TestKafka.createTopic("graceful-release-" + System.nanoTime(), 1);
        TestKrest stopping = TestKrest.start(with("shutdown.graceful.ms", "200"));
        String base = createSubscribed(stopping.http(), "graceful-release-" + System.nanoTime(), topic);

        // a long poll on an empty topic holds the lease for about a minute; not waited for: the server stops under it
        var unused = CompletableFuture.runAsync(() -> {
            try {
                stopping.http().get(base + "/records?timeout=50000", "Accept", BINARY);
            } catch (RuntimeException cutOff) {
                // expected: the server stops under it
            }
        });
        Thread.sleep(1_000);
        stopping.close();

        KrestHttp.Response produced = survivor.http().post("/topics/" + topic, BINARY,
                "{\"records\":[{\"value\":\"aGVsbG8=\"}]}");
        assertEquals(200, produced.status(), produced.body());
        // without the release the other replica waits for the lease until its own timeout and answers []
        JsonNode records = survivor.http().get(base + "/records?timeout=8000", "Accept", BINARY).json();
        assertEquals(1, records.size(), records::toString);
        assertEquals("aGVsbG8=", records.get(0).path("value").asText());
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> props = new java.util.HashMap<>(shared);
        props.put(key, value);
        return props;
    }

    /** @return the instance's path ({@code /consumers/g/instances/c}) */
    private static String createSubscribed(KrestHttp http, String group, String topic) {
        KrestHttp.Response created = http.post("/consumers/" + group, V2,
                "{\"name\":\"c1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(200, created.status(), created.body());
        String base = "/consumers/" + group + "/instances/c1";
        KrestHttp.Response subscribed = http.post(base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
        assertEquals(204, subscribed.status(), subscribed.body());
        // the first poll joins the group and takes the assignment
        assertEquals(200, http.get(base + "/records?timeout=200", "Accept", BINARY).status());
        return base;
    }
}

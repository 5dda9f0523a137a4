package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * krest while its Redis state store is unavailable. Redis runs with an fsync-always append-only file, so stopping
 * and restarting it loses nothing, as a replicated or persistent production Redis would not. Proves that consumer
 * requests then answer 503 with error 50303 and {@code Retry-After}; that a Redis that hangs (paused) trips the
 * circuit breaker, so requests fail in well under a second instead of waiting out the Redis timeout; that produce
 * and metadata keep working meanwhile; and that once Redis is back, the same consumer instance continues from its
 * stored position (no record skipped or repeated) without restarting krest.
 */
class ConsumerRedisOutageTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";

    private static RedisServerProcess redis;
    private static TestKrest krest;
    private static KrestHttp http;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.startWithAppendOnlyFile();
        krest = TestKrest.start(Map.of("consumer.state.store", "redis", "redis.url", redis.url(),
                "redis.timeout.ms", "400", "consumer.fetch.max.wait.ms", "50"));
        http = krest.http();
    }

    @AfterAll
    static void stop() {
        if (krest != null) {
            krest.close();
        }
        redis.close();
    }

    @Test
    void redisDownAnswers503ThenTheInstanceContinuesWhereItWas() {
        String topic = TestKafka.createTopic("cro-down", 1);
        produce(topic, 10);
        String path = create("cro-down", "{\"name\":\"d\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"false\"}");
        assertEquals(204, http.post(path + "/assignments", V2, partitions(topic)).status());
        List<Long> before = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (before.size() < 4 && System.currentTimeMillis() < deadline) {
            // 2-byte values: at most 4 records a poll
            KrestHttp.Response r = http.get(path + "/records?timeout=500&max_bytes=8", "Accept", BINARY);
            assertEquals(200, r.status(), r.body());
            r.json().forEach(n -> before.add(n.get("offset").asLong()));
        }
        assertTrue(before.size() >= 4 && before.size() < 10, before.toString());

        redis.stop();
        long slowest = 0;
        for (int i = 0; i < 8; i++) {
            long start = System.nanoTime();
            KrestHttp.Response r = http.get(path + "/records?timeout=500", "Accept", BINARY);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertUnavailable(r);
            if (i >= 3) {
                slowest = Math.max(slowest, ms);
            }
        }
        assertTrue(slowest < 500, "consumer requests fail fast while Redis is down: " + slowest + " ms");
        assertUnavailable(http.post("/consumers/cro-down", V2, "{\"name\":\"other\"}"));

        // produce and metadata do not need Redis
        KrestHttp.Response produced = http.post("/topics/" + topic, BINARY,
                "{\"records\":[{\"value\":\"" + base64("10") + "\"}]}");
        assertEquals(200, produced.status(), produced.body());
        assertEquals(200, http.get("/topics/" + topic).status());

        redis.restart();
        List<Long> after = new ArrayList<>();
        deadline = System.currentTimeMillis() + 15_000;
        while (before.size() + after.size() < 11 && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = http.get(path + "/records?timeout=500", "Accept", BINARY);
            if (r.status() == 503) {
                assertUnavailable(r);
                sleep(200);
                continue;
            }
            assertEquals(200, r.status(), r.body());
            for (JsonNode n : r.json()) {
                assertEquals(Long.toString(n.get("offset").asLong()), text(n.get("value")));
                after.add(n.get("offset").asLong());
            }
        }
        List<Long> all = new ArrayList<>(before);
        all.addAll(after);
        assertEquals(range(11), all, "the instance continued at its stored position: before " + before
                + ", after " + after);
    }

    @Test
    void hungRedisTripsTheBreakerSoRequestsFailFast() throws Exception {
        String path = create("cro-hung", "{\"name\":\"h\"}");
        assertEquals(200, http.get(path + "/subscription").status());

        long pauseMs = 5_000;
        long pausedUntil = System.currentTimeMillis() + pauseMs;
        redisCommand("CLIENT", "PAUSE", Long.toString(pauseMs), "ALL");
        long fastest = Long.MAX_VALUE;
        int failures = 0;
        // until the breaker answers at once (Redis itself stays silent for the whole pause)
        while (fastest > 150 && System.currentTimeMillis() < pausedUntil - 500) {
            long start = System.nanoTime();
            KrestHttp.Response r = http.get(path + "/subscription");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertUnavailable(r);
            assertTrue(ms < 2_000, "even before the breaker opens, the Redis timeout bounds a request: " + ms);
            failures++;
            fastest = Math.min(fastest, ms);
        }
        assertTrue(fastest <= 150, "once the breaker is open, requests fail at once; fastest of " + failures
                + " was " + fastest + " ms");

        // produce and metadata are not affected by a hung Redis either
        String topic = TestKafka.createTopic("cro-hung", 1);
        long start = System.nanoTime();
        KrestHttp.Response produced = http.post("/topics/" + topic, BINARY,
                "{\"records\":[{\"value\":\"" + base64("x") + "\"}]}");
        assertEquals(200, produced.status(), produced.body());
        assertEquals(200, http.get("/topics/" + topic).status());
        assertTrue(System.currentTimeMillis() < pausedUntil, "produced during the pause, in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");

        // Redis answers again: the same instance is served, no restart needed
        long deadline = pausedUntil + 10_000;
        KrestHttp.Response r = http.get(path + "/subscription");
        while (r.status() != 200 && System.currentTimeMillis() < deadline) {
            assertUnavailable(r);
            sleep(200);
            r = http.get(path + "/subscription");
        }
        assertEquals(200, r.status(), r.body());
        assertEquals(KrestHttp.json("{\"topics\":[]}"), r.json());
    }

    // ---- helpers ----

    private static void assertUnavailable(KrestHttp.Response r) {
        assertEquals(503, r.status(), r.body());
        assertEquals(50303, r.errorCode(), r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After: " + r.headers().map());
    }

    private static String create(String group, String body) {
        KrestHttp.Response r = http.post("/consumers/" + group, V2, body);
        assertEquals(200, r.status(), r.body());
        return "/consumers/" + group + "/instances/" + r.json().get("instance_id").asText();
    }

    private static void produce(String topic, int count) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(base64(Integer.toString(i)))
                    .append("\"}");
        }
        KrestHttp.Response r = http.post("/topics/" + topic + "/partitions/0", BINARY, body.append("]}").toString());
        assertEquals(200, r.status(), r.body());
    }

    private static String partitions(String topic) {
        return "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}";
    }

    /** Sends one command to Redis over RESP (no redis-cli needed) and expects {@code +OK}. */
    private static void redisCommand(String... args) throws Exception {
        StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            resp.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(resp.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertEquals("+OK", reply, String.join(" ", args));
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private static List<Long> range(long to) {
        List<Long> result = new ArrayList<>();
        for (long i = 0; i < to; i++) {
            result.add(i);
        }
        return result;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

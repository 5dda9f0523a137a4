package io.github.krest.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Readiness follows the Redis state store: DOWN while it is stopped, UP again once it is back; liveness stays UP. */
class ReadinessTest {
    private static RedisServerProcess redis;
    private static TestKrest krest;
    private static KrestHttp http;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.startWithAppendOnlyFile();
        krest = TestKrest.start(Map.of("consumer.state.store", "redis", "redis.url", redis.url(),
                "redis.timeout.ms", "400"));
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
    void readinessIsDownWhileRedisIsStoppedAndUpWhenItReturns() {
        assertEquals(200, awaitReady(200).status());

        redis.stop();
        KrestHttp.Response down = awaitReady(503);
        assertEquals("DOWN", down.json().get("status").asText(), down.body());
        assertTrue(down.body().contains("consumer-state-store"), down.body());
        assertEquals(200, http.get("/observe/health/live").status());

        redis.restart();
        assertEquals(200, awaitReady(200).status());
    }

    private static KrestHttp.Response awaitReady(int status) {
        long deadline = System.currentTimeMillis() + 15_000;
        KrestHttp.Response r = http.get("/observe/health/ready");
        while (r.status() != status && System.currentTimeMillis() < deadline) {
            sleep(200);
            r = http.get("/observe/health/ready");
        }
        assertEquals(status, r.status(), r.body());
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

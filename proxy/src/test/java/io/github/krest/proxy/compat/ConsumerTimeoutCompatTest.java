package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.BINARY;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's {@code ConsumerTimeoutTest}: with {@code consumer.request.timeout.ms} and a short
 * {@code consumer.instance.timeout.ms} (Confluent's values: 500 and 3500 ms), a poll of nothing waits the request
 * timeout and answers an empty binary array; polls keep the instance alive; left alone past its timeout the instance
 * is gone: 404/40403, typed binary.
 */
class ConsumerTimeoutCompatTest {
    private static final long REQUEST_TIMEOUT_MS = 500;
    private static final long INSTANCE_TIMEOUT_MS = 3500;

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest(Map.of("consumer.request.timeout.ms",
            Long.toString(REQUEST_TIMEOUT_MS), "consumer.instance.timeout.ms", Long.toString(INSTANCE_TIMEOUT_MS)));

    private static void consumeForTimeout(String instance) {
        long started = System.currentTimeMillis();
        KrestHttp.Response polled = krest.get(instance + "/records", "Accept", BINARY);
        long elapsed = System.currentTimeMillis() - started;
        assertEquals(0, assertOk(polled, 200, BINARY).size());
        assertTrue(elapsed >= REQUEST_TIMEOUT_MS, "answered after " + elapsed + " ms");
        assertTrue(elapsed - REQUEST_TIMEOUT_MS < 2000, "answered after " + elapsed + " ms");
    }

    @Test
    void consumerTimeout() throws InterruptedException {
        String topic = TestKafka.createTopic("compat-consumer-timeout", 3);
        String instance = krest.startConsuming("compat-consumer-timeout", topic,
                "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", BINARY);
        consumeForTimeout(instance);
        consumeForTimeout(instance);
        // the sweeper runs every second: the instance is gone within its timeout and a sweep
        Thread.sleep(INSTANCE_TIMEOUT_MS + 2000);
        assertError(krest.get(instance + "/records"), 404, 40403, BINARY);
    }
}

package io.github.krest.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.krest.proxy.http.ResourceNames;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metrics, health and the access log of a real krest server: per-endpoint series labelled with Confluent's resource
 * names (never raw paths, however many distinct paths arrive), errors by {@code error_code}, produced records, and
 * one access log line per request.
 */
class ObservabilityTest {
    private static final String JSON = "application/vnd.kafka.json.v2+json";
    private static final Pattern RESOURCE_LABEL = Pattern.compile("resource=\"([^\"]*)\"");

    /** Held, so that the logger with the handler is the one krest logs to (loggers are weakly referenced). */
    private static final Logger ACCESS = Logger.getLogger(AccessLog.LOGGER);
    private static TestKrest krest;
    private static KrestHttp http;
    private static final List<String> accessLines = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            accessLines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        krest = TestKrest.start();
        http = krest.http();
        // after the start: Helidon's logging set-up may reset handlers
        ACCESS.addHandler(CAPTURE);
    }

    @AfterAll
    static void stop() {
        ACCESS.removeHandler(CAPTURE);
        if (krest != null) {
            krest.close();
        }
    }

    @Test
    void metricsCountRequestsByResourceNameAndErrorsByErrorCode() {
        String topic = TestKafka.createTopic("observe-produce", 1);
        KrestHttp.Response produced = http.post("/topics/" + topic, JSON,
                "{\"records\":[{\"value\":{\"a\":1}},{\"value\":{\"a\":2}}]}");
        assertEquals(200, produced.status(), produced.body());
        KrestHttp.Response missing = http.get("/topics/observe-no-such-topic");
        assertEquals(40403, missing.errorCode(), missing.body());
        for (int i = 0; i < 50; i++) {
            assertEquals(404, http.get("/no/such/path-" + i).status());
        }

        // a request is measured once its response is sent, so the last one may follow the client's receipt
        String text = scrape();
        long deadline = System.currentTimeMillis() + 5_000;
        while (series(text, "krest_request_errors_total", "resource=\"unknown\"") < 50
                && System.currentTimeMillis() < deadline) {
            text = scrape();
        }
        assertTrue(series(text, "krest_requests_total", "resource=\"api.v2.produce-to-topic.json\"") >= 1, text);
        assertTrue(series(text, "krest_request_errors_total", "resource=\"api.v2.topics.get\"",
                "error_code=\"40403\"") >= 1, text);
        assertTrue(series(text, "krest_request_errors_total", "resource=\"unknown\"", "error_code=\"404\"") >= 50,
                text);
        assertTrue(series(text, "krest_request_duration_seconds_count",
                "resource=\"api.v2.produce-to-topic.json\"") >= 1, text);
        assertTrue(series(text, "krest_produced_records_total") >= 2, text);
        assertTrue(series(text, "krest_produced_bytes_total") > 0, text);
        assertTrue(text.contains("krest_consumer_readers_cached"), text);
        assertTrue(text.contains("krest_producer_record_send_rate"), text);

        Set<String> resources = new TreeSet<>();
        Matcher m = RESOURCE_LABEL.matcher(text);
        while (m.find()) {
            resources.add(m.group(1));
        }
        assertTrue(resources.contains("unknown"), resources.toString());
        assertTrue(resources.size() <= ResourceNames.ROUTES.size() * 3 + 1, resources.toString());
        assertFalse(resources.stream().anyMatch(r -> r.contains("/")), "raw paths as labels: " + resources);
    }

    @Test
    void healthIsUpWithKafkaAndTheMemoryStore() {
        KrestHttp.Response health = http.get("/observe/health");
        assertEquals(200, health.status(), health.body());
        assertEquals("UP", health.json().get("status").asText(), health.body());
        assertEquals(200, http.get("/observe/health/live").status());
        KrestHttp.Response ready = http.get("/observe/health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertTrue(ready.body().contains("kafka") && ready.body().contains("consumer-state-store"), ready.body());
    }

    @Test
    void accessLogHasOneLinePerRequest() {
        String topic = TestKafka.createTopic("observe-access", 1);
        assertEquals(200, http.post("/topics/" + topic, JSON, "{\"records\":[{\"value\":1}]}").status());
        assertEquals(404, http.get("/topics/observe-access-missing").status());
        // the line is written once the response is sent, so it may follow the client's receipt by a moment
        awaitLine(l -> l.startsWith(
                "method=POST resource=api.v2.produce-to-topic.json status=200 error_code=- duration_ms=")
                && l.endsWith(" principal=-"));
        awaitLine(l -> l.startsWith("method=GET resource=api.v2.topics.get status=404 error_code=40403 "));
        assertFalse(accessLines.stream().anyMatch(l -> l.contains("observe-access")), accessLines.toString());
    }

    @Test
    void metricsCanBeTurnedOffWhileHealthStays() {
        try (TestKrest off = TestKrest.start(Map.of("metrics.enable", "false",
                "access.log.enable", "false"))) {
            KrestHttp.Response metrics = off.http().get("/observe/metrics");
            assertEquals(404, metrics.status(), metrics.body());
            assertEquals(404, metrics.errorCode(), metrics.body());
            assertEquals(200, off.http().get("/observe/health/live").status());
        }
    }

    private static String scrape() {
        KrestHttp.Response scrape = http.get("/observe/metrics");
        assertEquals(200, scrape.status());
        return scrape.body();
    }

    private static void awaitLine(Predicate<String> wanted) {
        long deadline = System.currentTimeMillis() + 5_000;
        while (accessLines.stream().noneMatch(wanted) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertTrue(accessLines.stream().anyMatch(wanted), accessLines.toString());
    }

    /** @return the sum of the series of {@code name} whose labels contain all of {@code labels} */
    private static double series(String text, String name, String... labels) {
        double sum = 0;
        int found = 0;
        for (String line : text.split("\n", -1)) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                found++;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found == 0 ? -1 : sum;
    }
}

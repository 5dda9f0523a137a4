package io.github.krest.proxy.limit;

import io.github.krest.proxy.config.RateLimitCosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Overload protection against real servers (docs/configuration.md, "Rate limits and overload"):
 * <ul>
 *   <li>the generic {@code rate.limit.*}: a burst answers JSON 429/429 with {@code Retry-After}; cost-0 endpoints
 *       (exact name or {@code .*} prefix) are unlimited; v3 produce is exempt;</li>
 *   <li>{@code api.v3.produce.rate.limit.*}: counted per record, an exceeded limit gives that record an in-stream
 *       (or per-entry) 429, the stream goes on and exactly the other records reach Kafka; v2 produce is not
 *       counted;</li>
 *   <li>{@code consumer.max.concurrent.polls}: a poll finding the replica's polls all busy answers 429 after its
 *       short wait.</li>
 * </ul>
 */
class RateLimitsTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String MESSAGE =
            "Request rate limit exceeded: The rate limit of requests per second has been exceeded.";

    private static TestKrest generic;
    private static TestKrest produce;
    private static TestKrest polls;
    private static String clusterId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        generic = TestKrest.start(Map.of("rate.limit.enable", "true", "rate.limit.permits.per.sec", "2",
                "rate.limit.costs", "api.v2.brokers.list=0,api.v3.clusters.*=0,api.v3.clusters.get=1"));
        produce = TestKrest.start(Map.of("api.v3.produce.rate.limit.enabled", "true",
                "api.v3.produce.rate.limit.max.requests.per.sec", "5",
                "api.v3.produce.batch.maximum.entries", "30"));
        polls = TestKrest.start(Map.of("consumer.max.concurrent.polls", "1",
                "consumer.max.concurrent.polls.wait.ms", "100"));
    }

    @AfterAll
    static void stop() {
        for (TestKrest k : new TestKrest[] {generic, produce, polls}) {
            if (k != null) {
                k.close();
            }
        }
    }

    private static void assertRateLimited(KrestHttp.Response r) {
        assertEquals(429, r.status(), r.body());
        // JSON, typed as the endpoint answers errors (v2: application/vnd.kafka.v2+json or the records' format)
        assertTrue(r.contentType().matches("application/(json|vnd\\.kafka\\.([a-z]+\\.)?v2\\+json)(;.*)?"),
                r.contentType());
        assertEquals(429, r.errorCode(), r.body());
        assertEquals("1", r.headers().firstValue("retry-after").orElse(null));
    }

    @Test
    void genericLimitAnswersJson429WithRetryAfter() {
        KrestHttp http = generic.http();
        // concurrent, so that the burst is well inside one second even on a slow machine
        List<CompletableFuture<KrestHttp.Response>> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(CompletableFuture.supplyAsync(() -> http.get("/topics")));
        }
        List<KrestHttp.Response> burst = requests.stream().map(CompletableFuture::join).toList();
        List<KrestHttp.Response> limited = burst.stream().filter(r -> r.status() == 429).toList();
        assertFalse(limited.isEmpty(), "a burst of 20 at 2/s is limited");
        assertTrue(burst.stream().allMatch(r -> r.status() == 200 || r.status() == 429));
        limited.forEach(RateLimitsTest::assertRateLimited);
        assertEquals(MESSAGE, limited.getFirst().json().get("message").asText());
    }

    @Test
    void costZeroIsUnlimitedAndV3ProduceIsExempt() {
        KrestHttp http = generic.http();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, http.get("/brokers").status(), "api.v2.brokers.list=0");
            assertEquals(200, http.get("/v3/clusters").status(), "api.v3.clusters.*=0");
        }
        String topic = TestKafka.createTopic("limits-exempt-" + System.nanoTime(), 1);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            body.append(stringRecord("e" + i));
        }
        for (int i = 0; i < 5; i++) {
            KrestHttp.Response r = http.post(records(topic), "application/json", body.toString());
            assertEquals(200, r.status(), r.body());
            receipts(r.body()).forEach(receipt -> assertEquals(200, receipt.get("error_code").asInt(),
                    receipt.toString()));
        }
    }

    @Test
    void costsResolveExactNameThenLongestPrefix() {
        RateLimitCosts costs = new RateLimitCosts(3,
                RateLimitCosts.parse(List.of("api.v3.*=2", "api.v3.clusters.*=0", "api.v3.clusters.get=5")));
        assertEquals(5, costs.cost("api.v3.clusters.get"));
        assertEquals(0, costs.cost("api.v3.clusters.list"));
        assertEquals(2, costs.cost("api.v3.topics.list"));
        assertEquals(3, costs.cost("api.v2.topics.list"));
        assertThrows(ConfigException.class, () -> RateLimitCosts.parse(List.of("api.v3.topics.list")));
        assertThrows(ConfigException.class, () -> RateLimitCosts.parse(List.of("api.v3.topics.list=-1")));
        assertThrows(ConfigException.class, () -> TestKrest.start(Map.of("rate.limit.costs", "x=y")));
    }

    @Test
    void bytesLimitClampsARecordLargerThanOneSecondsBudget() {
        ProduceRateLimiter limiter = ProduceRateLimiter.of(1000, 100, 1000, 1000);
        assertTrue(limiter.tryAcquire(500), "a record over the whole budget takes the whole budget");
        assertFalse(limiter.tryAcquire(1), "nothing is left in this second");
        assertTrue(ProduceRateLimiter.UNLIMITED.tryAcquire(Long.MAX_VALUE));
    }

    @Test
    void produceStreamRejectsRecordsOverTheLimitInStreamAndGoesOn() throws Exception {
        String topic = TestKafka.createTopic("limits-stream-" + System.nanoTime(), 1);
        int n = 30;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append(stringRecord("m" + i));
        }
        KrestHttp.Response r = produce.http().post(records(topic), "application/json", body.toString());
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(n, receipts.size(), "one receipt per record: the stream went on");
        Set<String> produced = new HashSet<>();
        int limited = 0;
        for (int i = 0; i < n; i++) {
            JsonNode receipt = receipts.get(i);
            if (receipt.get("error_code").asInt() == 429) {
                assertEquals(MESSAGE, receipt.get("message").asText());
                limited++;
            } else {
                assertEquals(200, receipt.get("error_code").asInt(), receipt.toString());
                produced.add("m" + i);
            }
        }
        assertTrue(limited > 0, "30 records at 5/s are limited");
        assertFalse(produced.isEmpty());
        assertExactly(topic, produced);
    }

    @Test
    void produceBatchRejectsEntriesOverTheLimit() throws Exception {
        String topic = TestKafka.createTopic("limits-batch-" + System.nanoTime(), 1);
        StringBuilder body = new StringBuilder("{\"entries\":[");
        for (int i = 0; i < 30; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i)
                    .append("\",\"value\":{\"type\":\"STRING\",\"data\":\"b").append(i).append("\"}}");
        }
        body.append("]}");
        KrestHttp.Response r = produce.http().post(records(topic) + ":batch", "application/json", body.toString());
        assertEquals(207, r.status(), r.body());
        JsonNode failures = r.json().get("failures");
        assertFalse(failures.isEmpty(), r.body());
        failures.forEach(f -> {
            assertEquals(429, f.get("error_code").asInt(), f.toString());
            assertEquals(MESSAGE, f.get("message").asText());
        });
        Set<String> produced = new HashSet<>();
        r.json().get("successes").forEach(s -> produced.add("b" + s.get("id").asText()));
        assertEquals(30, produced.size() + failures.size());
        assertExactly(topic, produced);
    }

    @Test
    void v2ProduceIsNotCountedByTheV3ProduceLimits() {
        String topic = TestKafka.createTopic("limits-v2-" + System.nanoTime(), 1);
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 20; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"")
                    .append(Base64.getEncoder().encodeToString(("v" + i).getBytes(StandardCharsets.UTF_8)))
                    .append("\"}");
        }
        body.append("]}");
        for (int round = 0; round < 2; round++) {
            KrestHttp.Response r = produce.http().post("/topics/" + topic, BINARY, body.toString());
            assertEquals(200, r.status(), r.body());
            r.json().get("offsets").forEach(o -> assertTrue(o.get("error_code").isNull(), o.toString()));
        }
    }

    @Test
    void concurrentPollsBeyondTheBulkheadAnswer429() throws Exception {
        String topic = TestKafka.createTopic("limits-polls-" + System.nanoTime(), 1);
        KrestHttp http = polls.http();
        V2ConsumerClient consumers = new V2ConsumerClient(http);
        Instance a = subscribed(consumers, "limits-polls-a-" + System.nanoTime(), topic);
        Instance b = subscribed(consumers, "limits-polls-b-" + System.nanoTime(), topic);
        CompletableFuture<KrestHttp.Response> longPoll = CompletableFuture.supplyAsync(
                () -> consumers.poll(a, BINARY, "timeout=4000"));
        Thread.sleep(1000);
        assertFalse(longPoll.isDone(), "the first poll waits for records");
        KrestHttp.Response second = consumers.poll(b, BINARY, "timeout=100");
        assertRateLimited(second);
        KrestHttp.Response first = longPoll.get(30, TimeUnit.SECONDS);
        assertEquals(200, first.status(), first.body());
        KrestHttp.Response again = consumers.poll(b, BINARY, "timeout=100");
        assertEquals(200, again.status(), "a free slot serves the poll: " + again.body());
    }

    // ---- helpers ----

    private static Instance subscribed(V2ConsumerClient consumers, String group, String topic) {
        Instance instance = consumers.created(group, "{\"format\":\"binary\"}");
        KrestHttp.Response sub = consumers.subscribe(instance, topic);
        assertEquals(204, sub.status(), sub.body());
        return instance;
    }

    private static String records(String topic) {
        return "/v3/clusters/" + clusterId + "/topics/" + topic + "/records";
    }

    private static String stringRecord(String value) {
        return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
    }

    private static List<JsonNode> receipts(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\r\n", -1)) {
            if (!line.isEmpty()) {
                out.add(KrestHttp.json(line));
            }
        }
        return out;
    }

    /** Kafka holds exactly {@code values} in the single partition of {@code topic}. */
    private static void assertExactly(String topic, Set<String> values) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        long end = TestKafka.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).offset();
        assertEquals(values.size(), end, "only the records that were not rate limited were produced");
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : TestKafka.readAll(topic, values.size())) {
            seen.merge(new String(rec.value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        assertEquals(values, seen.keySet());
    }
}

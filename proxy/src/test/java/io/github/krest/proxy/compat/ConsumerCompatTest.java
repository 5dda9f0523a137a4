package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.BINARY;
import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.JSON_V2;
import static io.github.krest.proxy.compat.Compat.V2;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static io.github.krest.proxy.compat.Compat.base64;
import static io.github.krest.proxy.compat.Compat.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.AccessLogCapture;
import io.github.krest.proxy.testing.EventStream;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's {@code AbstractConsumerTest}, {@code ConsumerBinaryTest}, {@code ConsumerJsonTest} and
 * {@code v2.SeekToTimestampTest}: create an instance (with or without a body), subscribe (204), a first poll of
 * nothing (200, an empty array in the format's type), consume what was produced, commit through
 * {@code .../offsets/} with its trailing slash (200, an array), delete (204); {@code Accept: *}{@code /*} reads
 * binary; a duplicate name is 409/40902 and an invalid {@code auto.offset.reset} 422/42204, both
 * {@code application/vnd.kafka.v2+json}; polling a deleted instance is 404/40403 typed as the embedded format the
 * request asked for (binary when it names none). Plus extra cases: unknown fields of every consumer request are
 * refused, and a record stream its client closes is logged as a 200 of the instance's format.
 */
class ConsumerCompatTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest(Map.of("consumer.request.timeout.ms", "300",
            "access.log.enable", "true"));

    private static String topic() {
        return TestKafka.createTopic("compat-consumer-" + NAMES.incrementAndGet(), 3);
    }

    private static void produce(String topic, String contentType, String... records) {
        assertOk(krest.post("/topics/" + topic, contentType, "{\"records\":[" + String.join(",", records) + "]}"),
                200, V2);
    }

    /** Polls until {@code count} records arrived, each answer in {@code mediaType}. */
    private static List<JsonNode> consume(String instance, String accept, String mediaType, int count) {
        List<JsonNode> consumed = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (consumed.size() < count && System.currentTimeMillis() < deadline) {
            assertOk(krest.get(instance + "/records", "Accept", accept), 200, mediaType).forEach(consumed::add);
        }
        assertEquals(count, consumed.size(), consumed.toString());
        return consumed;
    }

    private static void commitOffsets(String instance) {
        // as Confluent's test commits: no body, and the path's trailing slash
        assertTrue(assertOk(krest.post(instance + "/offsets/", V2, ""), 200, V2).isArray());
    }

    @Test
    void consumeBinaryOnlyValuesWithoutCreateBody() {
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-binary", topic, "", BINARY);
        produce(topic, BINARY, "{\"value\":\"" + base64("value") + "\"}", "{\"value\":\"" + base64("value2") + "\"}");
        List<JsonNode> records = consume(instance, BINARY, BINARY, 2);
        List<String> values = records.stream().map(r -> text(r.get("value"))).sorted().toList();
        assertEquals(List.of("value", "value2"), values);
        for (JsonNode r : records) {
            assertTrue(r.get("key").isNull() && r.get("topic").asText().equals(topic) && r.has("partition")
                    && r.has("offset"), r.toString());
        }
        commitOffsets(instance);
    }

    @Test
    void consumeBinaryWithKeysAndAcceptAll() {
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-binary", topic,
                "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", BINARY);
        produce(topic, BINARY, "{\"key\":\"" + base64("key") + "\",\"value\":\"" + base64("value") + "\"}");
        JsonNode record = consume(instance, "*/*", BINARY, 1).getFirst();
        assertEquals("key", text(record.get("key")));
        commitOffsets(instance);
        KrestHttp.Response deleted = krest.send("DELETE", instance, null, null);
        assertEquals(204, deleted.status(), deleted.body());
    }

    @Test
    void consumeJsonWithKeys() {
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-json", topic,
                "{\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}", JSON_V2);
        produce(topic, JSON_V2, "{\"key\":\"key\",\"value\":{\"foo\":\"bar\",\"bar\":null,\"baz\":53.4,\"taz\":45}}",
                "{\"key\":\"key\",\"value\":[\"foo\",null,53.4,45]}", "{\"key\":\"key\",\"value\":null}");
        List<JsonNode> records = consume(instance, JSON_V2, JSON_V2, 3);
        assertTrue(records.stream().allMatch(r -> r.get("key").asText().equals("key")), records.toString());
        assertTrue(records.stream().anyMatch(r -> r.get("value").isObject()
                && r.at("/value/baz").asDouble() == 53.4), records.toString());
        assertTrue(records.stream().anyMatch(r -> r.get("value").isArray()), records.toString());
        assertTrue(records.stream().anyMatch(r -> r.get("value").isNull()), records.toString());
        commitOffsets(instance);
    }

    @Test
    void seekToTimestamp() throws InterruptedException {
        String topic = TestKafka.createTopic("compat-consumer-seek", 1);
        String instance = krest.startConsuming("compat-consumer-seek", topic, "{\"auto.offset.reset\":\"latest\"}",
                BINARY);
        produce(topic, BINARY, "{\"value\":\"" + base64("value-1") + "\"}", "{\"value\":\"" + base64("value-2")
                + "\"}");
        Instant timestamp = Instant.now();
        Thread.sleep(1000);
        produce(topic, BINARY, "{\"value\":\"" + base64("value-4") + "\"}", "{\"value\":\"" + base64("value-5")
                + "\"}");
        KrestHttp.Response seek = krest.post(instance + "/positions", V2, "{\"timestamps\":[{\"topic\":\"" + topic
                + "\",\"partition\":0,\"timestamp\":\"" + timestamp + "\"}]}");
        assertEquals(204, seek.status(), seek.body());
        assertEquals(List.of("value-4", "value-5"), consume(instance, BINARY, BINARY, 2).stream()
                .map(r -> text(r.get("value"))).toList());
        commitOffsets(instance);
    }

    @Test
    void duplicateNameIs40902InTheV2Type() {
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-dup", topic, "", BINARY);
        String name = instance.substring(instance.lastIndexOf('/') + 1);
        String again = "{\"name\":\"" + name + "\",\"auto.offset.reset\":\"earliest\"}";
        assertError(krest.post("/consumers/compat-consumer-dup", V2, again), 409, 40902, V2);
        assertError(krest.post("/consumers/compat-consumer-dup", V2, again, "Accept", V2), 409, 40902, V2);
    }

    @Test
    void invalidAutoOffsetResetIs42204InTheV2Type() {
        // as Confluent's client serialises its request: every field, null when unset
        String body = "{\"id\":\"id\",\"name\":\"name\",\"format\":\"binary\",\"auto.offset.reset\":\"bad-config\","
                + "\"auto.commit.enable\":null,\"fetch.min.bytes\":null,\"consumer.request.timeout.ms\":null}";
        JsonNode error = assertError(krest.post("/consumers/compat-consumer-bad", V2, body), 422, 42204, V2);
        assertTrue(error.get("message").asText().startsWith("Invalid consumer configuration: "), error.toString());
        assertError(krest.post("/consumers/compat-consumer-bad", V2, body, "Accept", V2), 422, 42204, V2);
    }

    @Test
    void pollingADeletedInstanceIs40403InTheRequestedFormat() {
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-deleted", topic, "", BINARY);
        assertEquals(204, krest.send("DELETE", instance, null, null, "Accept", V2).status());
        // Confluent's consumeForNotFoundError: no Accept, answered as binary
        assertError(krest.get(instance + "/records"), 404, 40403, BINARY);
        assertError(krest.get(instance + "/records", "Accept", BINARY), 404, 40403, BINARY);
        assertError(krest.get(instance + "/records", "Accept", JSON_V2), 404, 40403, JSON_V2);
        assertError(krest.get(instance + "/records", "Accept", V2), 404, 40403, V2);
        assertError(krest.get(instance + "/records", "Accept", JSON), 404, 40403, JSON);
        assertError(krest.post(instance + "/offsets/", V2, ""), 404, 40403, V2);
    }

    @Test
    void unknownFieldsOfConsumerRequestsAreRefused() {
        assertError(krest.post("/consumers/compat-consumer-strict", V2, "{\"format\":\"json\",\"fromat\":\"x\"}"),
                400, 400, V2);
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-strict", topic, "", BINARY);
        String partition = "{\"topic\":\"" + topic + "\",\"partition\":0";
        List<String[]> requests = List.of(
                new String[] {"/subscription", "{\"topics\":[\"" + topic + "\"],\"topic\":\"x\"}", "\"topic\""},
                new String[] {"/assignments", "{\"partitions\":[" + partition + ",\"offset\":1}]}",
                        "\"partitions[0].offset\""},
                new String[] {"/positions", "{\"offsets\":[" + partition + ",\"offest\":1}]}",
                        "\"offsets[0].offest\""},
                new String[] {"/positions/beginning", "{\"partitions\":[" + partition + "}],\"all\":true}",
                        "\"all\""},
                new String[] {"/offsets", "{\"offsets\":[" + partition + ",\"offset\":0,\"metdata\":\"\"}]}",
                        "\"offsets[0].metdata\""});
        for (String[] r : requests) {
            JsonNode error = assertError(krest.post(instance + r[0], V2, r[1]), 400, 400, V2);
            assertTrue(error.get("message").asText().contains(r[2]), r[0] + ": " + error);
        }
        // the instance is as it was: subscribed, not assigned
        assertEquals(topic, krest.get(instance + "/subscription", "Accept", V2).json().at("/topics/0").asText());
    }

    @Test
    void aRecordStreamItsClientClosesIsLoggedAsA200OfTheInstancesFormat() throws Exception {
        String topic = topic();
        String instance = krest.startConsuming("compat-consumer-stream", topic,
                "{\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}", JSON_V2);
        produce(topic, JSON_V2, "{\"value\":{\"n\":1}}");
        try (AccessLogCapture log = new AccessLogCapture()) {
            EventStream stream = EventStream.open(krest.http().base(), instance, "duration=60000");
            assertEquals(200, stream.status());
            assertTrue(stream.next().orElseThrow().name().equals("records"));
            stream.close();
            assertTrue(log.await(l -> l.contains("resource=api.v2.consumers.consume-json ")
                    && l.contains("method=GET")), log.lines().toString());
            assertTrue(log.lines().stream().filter(l -> l.contains("consume-json")).allMatch(
                    l -> l.contains(" status=200 ") && l.contains(" error_code=- ")), log.lines().toString());
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("consume-binary")), log.lines().toString());
        }
    }
}

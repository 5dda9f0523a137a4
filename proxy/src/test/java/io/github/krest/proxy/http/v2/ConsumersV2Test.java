package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
import io.github.krest.proxy.testing.V2ConsumerClient.Offset;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The v2 consumer API (docs/api.md, "API served") on one krest server with the in-memory state store, against a
 * real broker: every endpoint with Confluent's shapes and status codes; {@code base_uri} built from
 * {@code advertised.listeners} or the forwarding headers; binary and json formats and their 406/40601 mismatch;
 * seeking by offset, time, beginning and end; {@code GET .../records} answering as soon as records arrive, waiting
 * at most its timeout, staying within {@code max_bytes}, and carrying {@code timestamp} and {@code headers}; a
 * poison record answered 408/40801 after the records before it, until a seek past it; commits landing in Kafka
 * under the group id (explicit offsets as offset + 1, auto-commit on interval and on delete) and a commit refused
 * 409 while the Kafka group has native members; and each documented error.
 */
class ConsumersV2Test {
    private static final String V2 = V2ConsumerClient.V2;
    private static final String BINARY = V2ConsumerClient.BINARY;
    private static final String JSON = V2ConsumerClient.JSON;

    private static TestKrest krest;
    private static TestKrest advertised;
    private static KrestHttp http;
    private static V2ConsumerClient consumers;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        // pattern topics exist before any subscription lists topics
        TestKafka.createTopic("cv2-pat-a", 1);
        TestKafka.createTopic("cv2-pat-b", 2);
        krest = TestKrest.start(Map.of("auto.commit.interval.ms", "500"));
        http = krest.http();
        consumers = new V2ConsumerClient(http);
        advertised = TestKrest.start(Map.of("advertised.listeners", "http://lb.example.com:8082"));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        krest.close();
        advertised.close();
    }

    // ---- instances and base_uri ----

    @Test
    void createAnswersInstanceIdAndBaseUri() {
        KrestHttp.Response r = consumers.create("cv2-create", "{\"name\":\"c1\",\"format\":\"binary\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals(V2, r.contentType());
        assertEquals("c1", r.json().get("instance_id").asText());
        assertEquals(http.base() + "/consumers/cv2-create/instances/c1", r.json().get("base_uri").asText());

        KrestHttp.Response generated = consumers.create("cv2-create", "");
        assertEquals(200, generated.status(), generated.body());
        String name = generated.json().get("instance_id").asText();
        assertTrue(name.startsWith("rest-consumer-"), name);
        assertEquals(http.base() + "/consumers/cv2-create/instances/" + name,
                generated.json().get("base_uri").asText());

        KrestHttp.Response duplicate = consumers.create("cv2-create", "{\"name\":\"c1\"}");
        assertEquals(409, duplicate.status(), duplicate.body());
        assertEquals(40902, duplicate.errorCode());

        // base_uri is usable as it is, also for a name that needs encoding
        KrestHttp.Response spaced = consumers.create("cv2-create", "{\"name\":\"with space\"}");
        String baseUri = spaced.json().get("base_uri").asText();
        assertEquals(http.base() + "/consumers/cv2-create/instances/with%20space", baseUri);
        assertEquals(200, http.get(baseUri.substring(http.base().length()) + "/subscription").status());
    }

    @Test
    void baseUriPointsAtTheLoadBalancer() {
        KrestHttp.Response xf = consumers.with("X-Forwarded-Proto", "https", "X-Forwarded-Host", "lb.example.com")
                .create("cv2-base", "{\"name\":\"xf\"}");
        assertEquals(200, xf.status(), xf.body());
        assertEquals("https://lb.example.com/consumers/cv2-base/instances/xf", xf.json().get("base_uri").asText());

        KrestHttp.Response fw = consumers.with("Forwarded", "for=10.0.0.1;proto=https;host=\"lb2.example.com:8443\"")
                .create("cv2-base", "{\"name\":\"fw\"}");
        assertEquals(200, fw.status(), fw.body());
        assertEquals("https://lb2.example.com:8443/consumers/cv2-base/instances/fw",
                fw.json().get("base_uri").asText());

        // advertised.listeners wins over the request's own headers
        KrestHttp.Response adv = new V2ConsumerClient(advertised.http(), "X-Forwarded-Host", "ignored.example.com")
                .create("cv2-base", "{\"name\":\"adv\"}");
        assertEquals(200, adv.status(), adv.body());
        assertEquals("http://lb.example.com:8082/consumers/cv2-base/instances/adv",
                adv.json().get("base_uri").asText());
    }

    @Test
    void deleteRemovesTheInstance() {
        Instance instance = consumers.created("cv2-delete", "{\"name\":\"d1\"}");
        KrestHttp.Response deleted = consumers.delete(instance);
        assertEquals(204, deleted.status(), deleted.body());
        assertEquals("", deleted.body());
        assertNotFound(consumers.subscription(instance));
        assertNotFound(consumers.delete(instance));
        // the name is free again
        assertEquals(200, consumers.create("cv2-delete", "{\"name\":\"d1\"}").status());
    }

    // ---- subscription and assignment ----

    @Test
    void subscribeListUnsubscribe() {
        String topic = TestKafka.createTopic("cv2-sub", 2);
        Instance instance = consumers.created("cv2-sub", "{\"name\":\"s1\"}");
        KrestHttp.Response sub = consumers.subscribe(instance, topic);
        assertEquals(204, sub.status(), sub.body());
        KrestHttp.Response listed = consumers.subscription(instance);
        assertEquals(200, listed.status(), listed.body());
        assertEquals(V2, listed.contentType());
        assertEquals(KrestHttp.json("{\"topics\":[\"" + topic + "\"]}"), listed.json());

        // a subscriber owns the group's partitions: the only member gets all of them
        KrestHttp.Response assignments = consumers.assignments(instance);
        assertEquals(200, assignments.status(), assignments.body());
        assertEquals(KrestHttp.json("{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0},"
                + "{\"topic\":\"" + topic + "\",\"partition\":1}]}"), assignments.json());

        assertEquals(204, consumers.unsubscribe(instance).status());
        assertEquals(KrestHttp.json("{\"topics\":[]}"), consumers.subscription(instance).json());
        assertEquals(KrestHttp.json("{\"partitions\":[]}"), consumers.assignments(instance).json());
    }

    @Test
    void subscribeByPattern() {
        Instance instance = consumers.created("cv2-pattern", "{\"name\":\"p1\"}");
        KrestHttp.Response sub = consumers.subscribePattern(instance, "cv2-pat-.*");
        assertEquals(204, sub.status(), sub.body());
        Set<String> topics = new HashSet<>();
        consumers.subscription(instance).json().get("topics").forEach(t -> topics.add(t.asText()));
        assertEquals(Set.of("cv2-pat-a", "cv2-pat-b"), topics);
        assertEquals(3, consumers.assignments(instance).json().get("partitions").size());

        KrestHttp.Response bad = consumers.subscribePattern(instance, "([");
        assertEquals(400, bad.status(), bad.body());
    }

    @Test
    void assignAndSeekRules() {
        String topic = TestKafka.createTopic("cv2-assign", 3);
        Instance instance = consumers.created("cv2-assign", "{\"name\":\"a1\"}");
        KrestHttp.Response assign = consumers.assign(instance, topic, 0, 1);
        assertEquals(204, assign.status(), assign.body());
        KrestHttp.Response listed = consumers.assignments(instance);
        assertEquals(200, listed.status());
        assertEquals(KrestHttp.json("{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0},"
                + "{\"topic\":\"" + topic + "\",\"partition\":1}]}"), listed.json());

        // subscribe after assign
        KrestHttp.Response sub = consumers.subscribe(instance, topic);
        assertEquals(409, sub.status(), sub.body());
        assertEquals(40903, sub.errorCode());

        // seek on a partition that is not assigned
        KrestHttp.Response seek = consumers.seek(instance, new Offset(topic, 2, 0));
        assertEquals(409, seek.status(), seek.body());
        assertEquals(40903, seek.errorCode());
        KrestHttp.Response begin = consumers.seekToBeginning(instance, topic, 2);
        assertEquals(409, begin.status(), begin.body());
        assertEquals(40903, begin.errorCode());

        // assign after subscribe is refused the same way
        Instance other = consumers.created("cv2-assign", "{\"name\":\"a2\"}");
        assertEquals(204, consumers.subscribe(other, topic).status());
        KrestHttp.Response reassign = consumers.assign(other, topic, 0);
        assertEquals(409, reassign.status(), reassign.body());
        assertEquals(40903, reassign.errorCode());
    }

    // ---- records, formats and positions ----

    @Test
    void binaryRecordsAndSeeks() throws Exception {
        // the records are stamped in 1970: without retention.ms=-1 the broker's retention check (every 5 min)
        // deleted them under this test once (the seek to offset 3 then found the log starting at 5)
        String topic = TestKafka.createTopic("cv2-binary", 1, Map.of("retention.ms", "-1"));
        for (int i = 0; i < 5; i++) {
            send(topic, 0, "k" + i, "v" + i, 1_000_000L * (i + 1));
        }
        Instance instance = consumers.created("cv2-binary",
                "{\"name\":\"b1\",\"format\":\"binary\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());
        assertEquals(204, consumers.seekToBeginning(instance, topic, 0).status());

        List<JsonNode> all = drain(instance, BINARY, 5);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(all));
        JsonNode first = all.getFirst();
        assertEquals(topic, first.get("topic").asText());
        assertEquals(0, first.get("partition").asInt());
        assertEquals("k0", unbase64(first.get("key")));
        assertEquals("v0", unbase64(first.get("value")));
        assertEquals(1_000_000L, first.get("timestamp").asLong());

        // by offset
        KrestHttp.Response seek = consumers.seek(instance, new Offset(topic, 0, 3));
        assertEquals(204, seek.status(), seek.body());
        assertEquals(List.of(3L, 4L), offsets(drain(instance, BINARY, 2)));

        // by time: the first record at or after the time comes next
        KrestHttp.Response byTime = consumers.seekToTime(instance, topic, 0, Instant.ofEpochMilli(2_500_000L));
        assertEquals(204, byTime.status(), byTime.body());
        assertEquals(List.of(2L, 3L, 4L), offsets(drain(instance, BINARY, 3)));

        // to the end: nothing until a new record arrives
        assertEquals(204, consumers.seekToBeginning(instance, topic, 0).status());
        assertEquals(204, consumers.seekToEnd(instance, topic, 0).status());
        KrestHttp.Response empty = consumers.poll(instance, BINARY, "timeout=300");
        assertEquals(200, empty.status(), empty.body());
        assertEquals(BINARY, empty.contentType());
        assertEquals("[]", empty.body());
        send(topic, 0, null, "v5", 6_000_000L);
        List<JsonNode> fresh = drain(instance, BINARY, 1);
        assertEquals(List.of(5L), offsets(fresh));
        assertTrue(fresh.getFirst().get("key").isNull());
    }

    @Test
    void jsonFormatAndFormatMismatch() throws Exception {
        String topic = TestKafka.createTopic("cv2-json", 1);
        send(topic, 0, "{\"id\":1}", "{\"a\":[1,2],\"b\":\"x\"}", 0);
        send(topic, 0, null, "42", 0);
        Instance instance = consumers.created("cv2-json",
                "{\"name\":\"j1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());

        KrestHttp.Response binary = consumers.poll(instance, BINARY, "timeout=200");
        assertEquals(406, binary.status(), binary.body());
        assertEquals(40601, binary.errorCode());
        KrestHttp.Response v2 = consumers.poll(instance, V2, "timeout=200");
        assertEquals(406, v2.status(), v2.body());
        assertEquals(40601, v2.errorCode());
        KrestHttp.Response text = consumers.poll(instance, "text/plain", "timeout=200");
        assertEquals(406, text.status(), text.body());

        List<JsonNode> records = drain(instance, JSON, 2);
        assertEquals(KrestHttp.json("{\"id\":1}"), records.get(0).get("key"));
        assertEquals(KrestHttp.json("{\"a\":[1,2],\"b\":\"x\"}"), records.get(0).get("value"));
        assertTrue(records.get(1).get("key").isNull());
        assertEquals(42, records.get(1).get("value").asInt());
        assertEquals(JSON, consumers.poll(instance, JSON, "timeout=100").contentType());
        // no Accept: the instance's own format
        assertEquals(JSON, consumers.poll(instance, null, "timeout=100").contentType());
    }

    @Test
    void poisonRecordIsAnsweredAfterTheRecordsBeforeItUntilSkipped() throws Exception {
        String topic = TestKafka.createTopic("cv2-poison", 1);
        send(topic, 0, null, "{\"n\":0}", 0);
        send(topic, 0, null, "{\"n\":1}", 0);
        send(topic, 0, null, "not json", 0);
        send(topic, 0, null, "{\"n\":3}", 0);
        Instance instance = consumers.created("cv2-poison",
                "{\"name\":\"x1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());

        List<JsonNode> before = drain(instance, JSON, 2);
        assertEquals(List.of(0L, 1L), offsets(before));
        for (int i = 0; i < 2; i++) {
            KrestHttp.Response poisoned = consumers.poll(instance, JSON, "timeout=2000");
            assertEquals(408, poisoned.status(), poisoned.body());
            assertEquals(40801, poisoned.errorCode());
            assertTrue(poisoned.json().get("message").asText().contains("@2"), poisoned.body());
        }
        KrestHttp.Response skip = consumers.seek(instance, new Offset(topic, 0, 3));
        assertEquals(204, skip.status(), skip.body());
        List<JsonNode> after = drain(instance, JSON, 1);
        assertEquals(List.of(3L), offsets(after));
        assertEquals(3, after.getFirst().get("value").get("n").asInt());
    }

    @Test
    void maxBytesIsNeverExceededAndNothingIsSkipped() throws Exception {
        String topic = TestKafka.createTopic("cv2-maxbytes", 1);
        String value = "x".repeat(100);
        for (int i = 0; i < 7; i++) {
            send(topic, 0, null, value, 0);
        }
        Instance instance = consumers.created("cv2-maxbytes",
                "{\"name\":\"m1\",\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());
        List<Long> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (seen.size() < 7 && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = consumers.poll(instance, BINARY, "timeout=500&max_bytes=250");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.json().size() <= 2, "250 bytes hold at most two 100-byte records: " + r.body());
            r.json().forEach(n -> seen.add(n.get("offset").asLong()));
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), seen);

        // a record larger than max_bytes is not returned in part
        assertEquals(204, consumers.seekToBeginning(instance, topic, 0).status());
        KrestHttp.Response tooSmall = consumers.poll(instance, BINARY, "timeout=2000&max_bytes=50");
        assertEquals(413, tooSmall.status(), tooSmall.body());
    }

    @Test
    void pollAnswersAsSoonAsRecordsArriveAndWaitsAtMostItsTimeout() throws Exception {
        String topic = TestKafka.createTopic("cv2-wait", 1);
        Instance instance = consumers.created("cv2-wait", "{\"name\":\"w1\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());

        long start = System.nanoTime();
        KrestHttp.Response empty = consumers.poll(instance, BINARY, "timeout=700");
        long emptyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("[]", empty.body());
        assertTrue(emptyMs >= 600 && emptyMs < 3_000, "an empty poll waits its timeout: " + emptyMs + " ms");

        CompletableFuture<KrestHttp.Response> waiting = CompletableFuture.supplyAsync(
                () -> consumers.poll(instance, BINARY, "timeout=15000"));
        Thread.sleep(500);
        long sent = System.nanoTime();
        send(topic, 0, null, "hello", 0);
        KrestHttp.Response r = waiting.get(20, TimeUnit.SECONDS);
        long afterSendMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertEquals(200, r.status(), r.body());
        assertEquals(1, r.json().size(), r.body());
        assertTrue(afterSendMs < 5_000, "answered " + afterSendMs + " ms after the record arrived, not at 15 s");
    }

    @Test
    void fetchMinBytesAndTheInstanceRequestTimeoutShapeTheWait() throws Exception {
        String topic = TestKafka.createTopic("cv2-minbytes", 1);
        send(topic, 0, null, "0123456789", 0);
        Instance instance = consumers.created("cv2-minbytes", "{\"name\":\"mb\",\"auto.offset.reset\":\"earliest\","
                + "\"fetch.min.bytes\":30}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());
        // 10 of 30 bytes: the poll waits its whole timeout, then answers with what it has
        long start = System.nanoTime();
        KrestHttp.Response partial = consumers.poll(instance, BINARY, "timeout=800");
        long partialMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(1, partial.json().size(), partial.body());
        assertTrue(partialMs >= 700, "waited for fetch.min.bytes: " + partialMs + " ms");
        for (int i = 0; i < 3; i++) {
            send(topic, 0, null, "0123456789", 0);
        }
        start = System.nanoTime();
        KrestHttp.Response enough = consumers.poll(instance, BINARY, "timeout=10000");
        long enoughMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(3, enough.json().size(), enough.body());
        assertTrue(enoughMs < 5_000, "answered once 30 bytes were there: " + enoughMs + " ms");

        // without ?timeout= a poll waits the instance's consumer.request.timeout.ms
        Instance quick = consumers.created("cv2-minbytes", "{\"name\":\"rt\",\"consumer.request.timeout.ms\":300}");
        assertEquals(204, consumers.assign(quick, topic, 0).status());
        assertEquals(204, consumers.seekToEnd(quick, topic, 0).status());
        start = System.nanoTime();
        assertEquals("[]", consumers.poll(quick, BINARY, "").body());
        long quickMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(quickMs >= 250 && quickMs < 900, "the instance's 300 ms, not the server's 1 s: " + quickMs);
    }

    @Test
    void recordsCarryTimestampAndHeaders() throws Exception {
        String topic = TestKafka.createTopic("cv2-headers", 1);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, 1_234_567L, bytes("k"), bytes("v"),
                List.of(new RecordHeader("h1", bytes("one")), new RecordHeader("h2", (byte[]) null),
                        new RecordHeader("h1", bytes("again"))));
        producer.send(record).get(10, TimeUnit.SECONDS);
        Instance instance = consumers.created("cv2-headers", "{\"name\":\"h\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());
        JsonNode r = drain(instance, BINARY, 1).getFirst();
        assertEquals(1_234_567L, r.get("timestamp").asLong());
        JsonNode headers = r.get("headers");
        assertEquals(3, headers.size(), r.toString());
        assertEquals("h1", headers.get(0).get("name").asText());
        assertEquals("one", unbase64(headers.get(0).get("value")));
        assertEquals("h2", headers.get(1).get("name").asText());
        assertTrue(headers.get(1).get("value").isNull());
        assertEquals("again", unbase64(headers.get(2).get("value")));
    }

    // ---- offsets ----

    @Test
    void commitsGoToKafkaUnderTheGroupId() throws Exception {
        String topic = TestKafka.createTopic("cv2-commit", 3);
        for (int i = 0; i < 3; i++) {
            send(topic, 0, null, "a" + i, 0);
        }
        for (int i = 0; i < 2; i++) {
            send(topic, 1, null, "b" + i, 0);
        }
        String group = "cv2-commit";
        Instance instance = consumers.created(group, "{\"name\":\"o1\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers.assign(instance, topic, 0, 1).status());
        assertEquals(5, drain(instance, BINARY, 5).size());

        // empty body: commit every position
        KrestHttp.Response commit = consumers.commit(instance);
        assertEquals(200, commit.status(), commit.body());
        assertEquals("[]", commit.body());
        Map<TopicPartition, OffsetAndMetadata> inKafka = committedInKafka(group);
        assertEquals(3, inKafka.get(new TopicPartition(topic, 0)).offset());
        assertEquals(2, inKafka.get(new TopicPartition(topic, 1)).offset());

        KrestHttp.Response committed = consumers.committed(instance, topic, 0, 1, 2);
        assertEquals(200, committed.status(), committed.body());
        assertEquals(KrestHttp.json("{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":3,"
                + "\"metadata\":\"\"},{\"topic\":\"" + topic + "\",\"partition\":1,\"offset\":2,"
                + "\"metadata\":\"\"}]}"), committed.json());

        // explicit offsets: the last consumed offset, committed as offset + 1
        KrestHttp.Response explicit = consumers.commit(instance, new Offset(topic, 0, 0, "m"));
        assertEquals(200, explicit.status(), explicit.body());
        OffsetAndMetadata p0 = committedInKafka(group).get(new TopicPartition(topic, 0));
        assertEquals(1, p0.offset());
        assertEquals("m", p0.metadata());
        JsonNode one = consumers.committed(instance, topic, 0).json().get("offsets");
        assertEquals(1, one.size());
        assertEquals(1, one.get(0).get("offset").asLong());
        assertEquals("m", one.get(0).get("metadata").asText());

        KrestHttp.Response notOwned = consumers.commit(instance, new Offset(topic, 2, 0));
        assertEquals(409, notOwned.status(), notOwned.body());
        assertEquals(40903, notOwned.errorCode());

        // a new instance of the group starts from the committed offset
        consumers.delete(instance);
        Instance next = consumers.created(group, "{\"name\":\"o2\",\"auto.offset.reset\":\"latest\"}");
        assertEquals(204, consumers.assign(next, topic, 0).status());
        assertEquals(List.of(1L, 2L), offsets(drain(next, BINARY, 2)));
    }

    @Test
    void autoCommitOnIntervalAndOnDelete() throws Exception {
        String topic = TestKafka.createTopic("cv2-autocommit", 2);
        for (int i = 0; i < 3; i++) {
            send(topic, 0, null, "a" + i, 0);
        }
        String group = "cv2-autocommit";
        Instance instance = consumers.created(group, "{\"name\":\"ac\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"true\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());
        assertEquals(3, drain(instance, BINARY, 3).size());
        TopicPartition p0 = new TopicPartition(topic, 0);
        // the poll after auto.commit.interval.ms (500 ms here) commits the stored positions
        long deadline = System.currentTimeMillis() + 10_000;
        while (committedOffset(group, p0) != 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            consumers.poll(instance, BINARY, "timeout=100");
        }
        assertEquals(3, committedOffset(group, p0));

        // deleting commits at once
        Instance other = consumers.created(group, "{\"name\":\"ac2\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"true\"}");
        send(topic, 1, null, "b0", 0);
        send(topic, 1, null, "b1", 0);
        assertEquals(204, consumers.assign(other, topic, 1).status());
        assertEquals(2, drain(other, BINARY, 2).size());
        assertEquals(204, consumers.delete(other).status());
        assertEquals(2, committedOffset(group, new TopicPartition(topic, 1)));
    }

    @Test
    void commitIsRefusedWhileTheGroupHasNativeMembers() throws Exception {
        String topic = TestKafka.createTopic("cv2-native", 1);
        String group = "cv2-native";
        Instance instance = consumers.created(group, "{\"name\":\"n1\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers.assign(instance, topic, 0).status());
        Offset first = new Offset(topic, 0, 0);
        try (KafkaConsumer<byte[], byte[]> nativeConsumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            nativeConsumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (nativeConsumer.assignment().isEmpty() && System.currentTimeMillis() < deadline) {
                nativeConsumer.poll(Duration.ofMillis(100));
            }
            assertFalse(nativeConsumer.assignment().isEmpty(), "the native consumer joined the group");

            KrestHttp.Response refused = consumers.commit(instance, first);
            assertEquals(409, refused.status(), refused.body());
            assertTrue(refused.json().get("message").asText().contains("native"), refused.body());
        }
        // once the native member has left, krest commits again
        KrestHttp.Response accepted = consumers.commit(instance, first);
        assertEquals(200, accepted.status(), accepted.body());
        assertEquals(1, committedOffset(group, new TopicPartition(topic, 0)));
    }

    // ---- errors ----

    @Test
    void unknownInstanceIs40403Everywhere() {
        Instance instance = new Instance("cv2-unknown", "nobody");
        assertNotFound(consumers.poll(instance, BINARY, "timeout=100"));
        assertNotFound(consumers.subscription(instance));
        assertNotFound(consumers.assignments(instance));
        assertNotFound(consumers.subscribe(instance, "cv2-pat-a"));
        assertNotFound(consumers.seekToEnd(instance, "cv2-pat-a", 0));
        assertNotFound(consumers.commit(instance));
        assertNotFound(consumers.committed(instance, "cv2-pat-a", 0));
        assertNotFound(consumers.unsubscribe(instance));
    }

    @Test
    void badRequestsGetConfluentErrors() {
        KrestHttp.Response badFormat = consumers.create("cv2-errors", "{\"format\":\"xml\"}");
        assertEquals(422, badFormat.status(), badFormat.body());
        assertEquals(422, badFormat.errorCode());

        KrestHttp.Response minBytes = consumers.create("cv2-errors", "{\"fetch.min.bytes\":10000001}");
        assertEquals(422, minBytes.status(), minBytes.body());
        assertEquals(40001, minBytes.errorCode());

        KrestHttp.Response badJson = consumers.create("cv2-errors", "{\"name\":");
        assertEquals(400, badJson.status(), badJson.body());
        assertEquals(400, badJson.errorCode());

        KrestHttp.Response wrongType = http.post("/consumers/cv2-errors", "text/plain", "{}");
        assertEquals(415, wrongType.status(), wrongType.body());
        assertEquals(415, wrongType.errorCode());

        KrestHttp.Response unacceptable = consumers.with("Accept", "text/html").create("cv2-errors", "{}");
        assertEquals(406, unacceptable.status(), unacceptable.body());

        Instance instance = consumers.created("cv2-errors", "{\"name\":\"e1\"}");
        KrestHttp.Response unknownTopic = consumers.subscribe(instance, "cv2-no-such");
        assertEquals(404, unknownTopic.status(), unknownTopic.body());
        assertEquals(40401, unknownTopic.errorCode());
        KrestHttp.Response badSub = http.post(instance.path() + "/subscription", V2, "{\"topics\":");
        assertEquals(400, badSub.status(), badSub.body());
        KrestHttp.Response badSubType = http.post(instance.path() + "/subscription", "text/plain", "{\"topics\":[]}");
        assertEquals(415, badSubType.status(), badSubType.body());
        KrestHttp.Response badAccept = consumers.with("Accept", "text/html").subscription(instance);
        assertEquals(406, badAccept.status(), badAccept.body());
    }

    // ---- helpers ----

    /** Polls until {@code expected} records arrived (bounded by a deadline); fails on any non-200. */
    private static List<JsonNode> drain(Instance instance, String accept, int expected) {
        List<JsonNode> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (records.size() < expected && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = consumers.poll(instance, accept, "timeout=1000");
            assertEquals(200, r.status(), r.body());
            assertEquals(accept, r.contentType());
            r.json().forEach(records::add);
        }
        assertEquals(expected, records.size(), "records: " + records);
        return records;
    }

    private static List<Long> offsets(List<JsonNode> records) {
        return records.stream().map(r -> r.get("offset").asLong()).toList();
    }

    private static void assertNotFound(KrestHttp.Response r) {
        assertEquals(404, r.status(), r.body());
        assertEquals(40403, r.errorCode(), r.body());
    }

    private static void send(String topic, int partition, String key, String value, long timestamp)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, timestamp > 0 ? timestamp : null, bytes(key),
                bytes(value))).get(10, TimeUnit.SECONDS);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String unbase64(JsonNode node) {
        return new String(Base64.getDecoder().decode(node.asText()), StandardCharsets.UTF_8);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedInKafka(String group) throws Exception {
        return TestKafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
    }

    private static long committedOffset(String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata om = committedInKafka(group).get(tp);
        return om == null ? -1 : om.offset();
    }
}

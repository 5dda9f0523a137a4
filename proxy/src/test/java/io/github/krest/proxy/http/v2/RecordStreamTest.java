package io.github.krest.proxy.http.v2;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.krest.proxy.testing.EventStream;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.TestRedis;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET .../records} with {@code Accept: text/event-stream}: the instance's records as server-sent events, read
 * the way an EventSource reads them. Each record arrives once and in order, also records produced while the stream
 * is open; the stream ends after its duration and a new one, on another replica sharing the Redis state store,
 * goes on where it ended; a client that goes away ends its stream within seconds; errors before the stream are
 * JSON, during it an {@code error} event; a stopping replica ends its streams at once.
 */
class RecordStreamTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static String redisUrl;
    private static TestKrest a;
    private static TestKrest b;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        redisUrl = TestRedis.newDatabase();
        Map<String, String> shared = Map.of("consumer.state.store", "redis", "redis.url", redisUrl,
                "auto.commit.interval.ms", "600000", "consumer.fetch.max.wait.ms", "50");
        a = TestKrest.start(shared);
        b = TestKrest.start(shared);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        for (TestKrest k : new TestKrest[] {a, b}) {
            if (k != null) {
                k.close();
            }
        }
    }

    private static EventStream open(TestKrest krest, Instance instance, String query) {
        EventStream stream = consumers(krest).stream(instance, query);
        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        return stream;
    }

    /** Creates a binary instance reading {@code topic} from the earliest offset, without auto-commit. */
    private static Instance subscribed(TestKrest krest, String group, String topic) {
        Instance instance = consumers(krest).created(group, "{\"name\":\"c\",\"format\":\"binary\","
                + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers(krest).subscribe(instance, topic).status());
        return instance;
    }

    /** @return a client of the v2 consumer API of {@code krest} */
    private static V2ConsumerClient consumers(TestKrest krest) {
        return new V2ConsumerClient(krest.http());
    }

    private static void produce(String topic, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    /** A topic named {@code name} with records r0..r{records-1}, and an instance of group {@code name-group} on it. */
    private record Subscribed(String topic, Instance instance) {
    }

    private static Subscribed subscribedWithRecords(TestKrest krest, String name, int records) throws Exception {
        String topic = TestKafka.createTopic(name, 1);
        produce(topic, 0, records);
        return new Subscribed(topic, subscribed(krest, name + "-group", topic));
    }

    private static List<String> values(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
    }

    @Test
    void eachRecordArrivesOnceInOrderAlsoThoseProducedWhileTheStreamIsOpen() throws Exception {
        Subscribed subscribed = subscribedWithRecords(a, "stream-live", 10);
        String topic = subscribed.topic();
        Instance instance = subscribed.instance();
        long start = System.nanoTime();
        EventStream stream = open(a, instance, "timeout=200&duration=4000");
        assertEquals(values(0, 10), stream.values(10));
        produce(topic, 10, 15);
        assertEquals(values(10, 15), stream.values(5), "records produced while the stream is open");
        List<EventStream.Event> rest = stream.rest();
        assertTrue(rest.stream().allMatch(EventStream.Event::comment), "nothing more but comments: " + rest);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs >= 3_500 && elapsedMs < 15_000, "the stream ended after its duration: " + elapsedMs);

        // the positions advanced with the events: a commit of the stored positions commits all 15
        assertEquals(200, consumers(b).commit(instance).status());
        Map<TopicPartition, OffsetAndMetadata> committed = TestKafka.admin()
                .listConsumerGroupOffsets("stream-live-group").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        assertEquals(15, committed.get(new TopicPartition(topic, 0)).offset());
    }

    @Test
    void aStreamOnAnotherReplicaGoesOnWhereTheLastOneEnded() throws Exception {
        Subscribed subscribed = subscribedWithRecords(a, "stream-resume", 4);
        String topic = subscribed.topic();
        Instance instance = subscribed.instance();
        EventStream first = open(a, instance, "timeout=200&duration=1500");
        assertEquals(values(0, 4), first.values(4));
        first.rest();

        produce(topic, 4, 8);
        EventStream second = open(b, instance, "timeout=200&duration=1500");
        assertEquals(values(4, 8), second.values(4), "replica b goes on from the positions a stored");
        assertTrue(second.rest().stream().allMatch(EventStream.Event::comment));
    }

    @Test
    void aClientThatWentAwayEndsItsStreamBeforeTheStreamTakesRecordsNobodyReads() throws Exception {
        Subscribed subscribed = subscribedWithRecords(a, "stream-gone", 1);
        String topic = subscribed.topic();
        Instance instance = subscribed.instance();
        EventStream stream = open(a, instance, "timeout=200&duration=60000");
        assertEquals(values(0, 1), stream.values(1));
        stream.close();
        // the stream's keep-alive comments (one a second while idle) fail once the connection is gone
        Thread.sleep(4_000);
        produce(topic, 1, 3);
        EventStream next = open(b, instance, "timeout=200&duration=1500");
        assertEquals(values(1, 3), next.values(2), "the abandoned stream took none of them");
    }

    @Test
    void errorsBeforeTheStreamAreJson() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(a.http().base()
                        + "/consumers/stream-nobody/instances/none/records")).header("Accept", "text/event-stream")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/"),
                response.headers().map().toString());
        assertEquals(40403, KrestHttp.json(response.body()).get("error_code").asInt());

        Instance instance = subscribedWithRecords(a, "stream-bad-duration", 0).instance();
        for (String query : new String[] {"duration=0", "duration=-5", "duration=soon"}) {
            EventStream refused = consumers(a).stream(instance, query);
            assertEquals(400, refused.status(), query);
            assertTrue(refused.contentType().startsWith("application/"), query + ": " + refused.contentType());
            assertEquals(400, KrestHttp.json(refused.body()).get("error_code").asInt(), query);
        }
    }

    @Test
    void anInstanceDeletedWhileStreamingEndsTheStreamWithAnErrorEvent() throws Exception {
        Instance instance = subscribedWithRecords(a, "stream-deleted", 1).instance();
        long start = System.nanoTime();
        EventStream stream = open(a, instance, "timeout=200&duration=30000");
        assertEquals(values(0, 1), stream.values(1));
        assertEquals(204, consumers(b).delete(instance).status());
        List<EventStream.Event> rest = stream.rest();
        EventStream.Event last = rest.getLast();
        assertEquals("error", last.name(), rest.toString());
        assertEquals(40403, KrestHttp.json(last.data()).get("error_code").asInt(), last.data());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "ended well before its 30 s duration");
    }

    @Test
    void aStoppingReplicaEndsItsStreamsAtOnce() throws Exception {
        TestKrest stopping = TestKrest.start(Map.of("consumer.state.store", "redis", "redis.url", redisUrl,
                "shutdown.graceful.ms", "20000"));
        Subscribed subscribed = subscribedWithRecords(stopping, "stream-stopping", 1);
        String topic = subscribed.topic();
        Instance instance = subscribed.instance();
        EventStream stream = open(stopping, instance, "timeout=200&duration=60000");
        assertEquals(values(0, 1), stream.values(1));
        long start = System.nanoTime();
        stopping.close();
        long closeMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closeMs < 10_000, "the open stream held the shutdown (grace 20 s): " + closeMs + " ms");
        assertTrue(stream.rest().stream().allMatch(EventStream.Event::comment), "the stream ended cleanly");

        // the next stream, on a live replica, has nothing left to send twice
        produce(topic, 1, 2);
        EventStream next = open(a, instance, "timeout=200&duration=1500");
        assertEquals(values(1, 2), next.values(1));
    }
}

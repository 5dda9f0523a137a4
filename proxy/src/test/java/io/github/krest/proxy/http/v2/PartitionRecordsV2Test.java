package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stateless reads by offset, {@code GET /topics/{topic}/partitions/{partition}/records?offset=}, against a real
 * broker through two krest servers that share nothing: the client keeps its position and any replica answers, in
 * the record JSON of a v2 poll, as soon as records are there; errors are Confluent's JSON.
 */
class PartitionRecordsV2Test {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String JSON = "application/vnd.kafka.json.v2+json";
    private static final String V2 = "application/vnd.kafka.v2+json";

    private static TestKrest a;
    private static TestKrest b;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        a = TestKrest.start(Map.of("consumer.fetch.max.wait.ms", "50"));
        b = TestKrest.start(Map.of("consumer.fetch.max.wait.ms", "50"));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        a.close();
        b.close();
    }

    private static void send(String topic, int partition, String key, String value) throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        record.headers().add(new RecordHeader("h", "hv".getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get();
    }

    private static KrestHttp.Response read(KrestHttp http, String topic, int partition, String query,
                                           String accept) {
        return http.get("/topics/" + topic + "/partitions/" + partition + "/records?" + query, "Accept", accept);
    }

    @Test
    void anyReplicaReadsOnFromWhereTheClientIsInTheRecordJsonOfAPoll() throws Exception {
        String topic = TestKafka.createTopic("by-offset", 2);
        for (int i = 0; i < 10; i++) {
            send(topic, 1, "\"k" + i + "\"", "{\"n\":" + i + "}");
        }
        // the client keeps its own position and alternates replicas; max_bytes cuts each answer short
        List<Long> offsets = new ArrayList<>();
        long next = 0;
        int requests = 0;
        while (next < 10 && requests++ < 20) {
            KrestHttp.Response r = read(requests % 2 == 0 ? a.http() : b.http(), topic, 1,
                    "offset=" + next + "&max_bytes=30&timeout=5000", BINARY);
            assertEquals(200, r.status(), r.body());
            assertEquals(BINARY, r.contentType());
            assertTrue(r.json().size() > 0 && r.json().size() <= 3, r.body());
            for (JsonNode record : r.json()) {
                offsets.add(record.get("offset").asLong());
                next = record.get("offset").asLong() + 1;
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets);

        KrestHttp.Response json = read(a.http(), topic, 1, "offset=8&timeout=5000", JSON);
        assertEquals(JSON, json.contentType());
        JsonNode first = json.json().get(0);
        assertEquals(topic, first.get("topic").asText());
        assertEquals("k8", first.get("key").asText());
        assertEquals(KrestHttp.json("{\"n\":8}"), first.get("value"));
        assertEquals(1, first.get("partition").asInt());
        assertEquals(8, first.get("offset").asLong());
        assertTrue(first.get("timestamp").asLong() > 0);
        assertEquals(KrestHttp.json("[{\"name\":\"h\",\"value\":\"aHY=\"}]"), first.get("headers"));
        assertEquals(2, json.json().size());
    }

    @Test
    void theAnswerIsWhatAConsumerInstancePollAnswers() throws Exception {
        String topic = TestKafka.createTopic("by-offset-same", 1);
        for (int i = 0; i < 5; i++) {
            send(topic, 0, i % 2 == 0 ? null : "k" + i, "v" + i);
        }
        KrestHttp http = a.http();
        String base = http.post("/consumers/by-offset-same", V2, "{\"format\":\"binary\"}").json()
                .get("base_uri").asText();
        String instance = base.substring(base.indexOf("/consumers/"));
        assertEquals(204, http.post(instance + "/assignments", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
        assertEquals(204, http.post(instance + "/positions/beginning", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
        JsonNode polled = http.get(instance + "/records?timeout=5000", "Accept", BINARY).json();
        assertEquals(5, polled.size());
        assertEquals(polled, read(b.http(), topic, 0, "offset=0&timeout=5000", BINARY).json());
        // no Accept, */* and the v2 type mean binary
        assertEquals(polled, b.http().get("/topics/" + topic + "/partitions/0/records?offset=0&timeout=5000").json());
        assertEquals(polled, read(b.http(), topic, 0, "offset=0&timeout=5000", "*/*").json());
        assertEquals(polled, read(b.http(), topic, 0, "offset=0&timeout=5000", V2).json());
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + instance)).DELETE());
    }

    @Test
    void atTheEndAReadWaitsForTheNextRecordOrItsTimeout() throws Exception {
        String topic = TestKafka.createTopic("by-offset-wait", 1);
        send(topic, 0, null, "first");
        long start = System.nanoTime();
        KrestHttp.Response none = read(a.http(), topic, 0, "offset=1&timeout=1000", BINARY);
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, none.status(), none.body());
        assertEquals(0, none.json().size());
        assertTrue(waited >= 900 && waited < 5_000, "waited " + waited + " ms");

        CompletableFuture<KrestHttp.Response> waiting = CompletableFuture.supplyAsync(() ->
                read(b.http(), topic, 0, "offset=1&timeout=20000", BINARY));
        Thread.sleep(500);
        long sent = System.nanoTime();
        send(topic, 0, null, "second");
        KrestHttp.Response got = waiting.get();
        assertEquals(1, got.json().size(), got.body());
        assertEquals(1, got.json().get(0).get("offset").asLong());
        assertTrue((System.nanoTime() - sent) / 1_000_000 < 5_000, "answered as soon as the record came");
    }

    @Test
    void errorsAreConfluentJson() throws Exception {
        String topic = TestKafka.createTopic("by-offset-errors", 1);
        for (int i = 0; i < 5; i++) {
            send(topic, 0, null, "not json " + i);
        }
        TestKafka.admin().deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(2)))
                .all().get();

        KrestHttp.Response before = read(a.http(), topic, 0, "offset=1", BINARY);
        assertEquals(416, before.status(), before.body());
        assertEquals(41601, before.errorCode());
        assertEquals(BINARY, before.contentType());
        assertTrue(before.json().get("message").asText().contains("earliest offset is 2 and its latest 5"),
                before.body());
        KrestHttp.Response after = read(b.http(), topic, 0, "offset=6", BINARY);
        assertEquals(416, after.status(), after.body());
        assertTrue(after.json().get("message").asText().contains("earliest offset is 2 and its latest 5"),
                after.body());
        assertEquals(2, read(a.http(), topic, 0, "offset=2&timeout=5000", BINARY).json().get(0).get("offset").asLong(),
                "a reader that failed reads on afterwards");

        KrestHttp.Response unknownTopic = read(a.http(), "by-offset-missing", 0, "offset=0", BINARY);
        assertEquals(404, unknownTopic.status());
        assertEquals(40401, unknownTopic.errorCode());
        KrestHttp.Response unknownPartition = read(a.http(), topic, 3, "offset=0", BINARY);
        assertEquals(40402, unknownPartition.errorCode());
        assertEquals(400, a.http().get("/topics/" + topic + "/partitions/0/records").status(), "offset is required");
        assertEquals(400, read(a.http(), topic, 0, "offset=-1", BINARY).status());
        assertEquals(400, read(a.http(), topic, 0, "offset=x", BINARY).status());
        KrestHttp.Response accept = read(a.http(), topic, 0, "offset=2", "text/plain");
        assertEquals(406, accept.status(), accept.body());
        assertEquals(40601, accept.errorCode());
        KrestHttp.Response avro = read(a.http(), topic, 0, "offset=2", "application/vnd.kafka.avro.v2+json");
        assertEquals(422, avro.status(), avro.body());
        assertEquals(42206, avro.errorCode());
        // records that are not JSON cannot be answered as json: the first is refused, naming where to go on
        KrestHttp.Response notJson = read(a.http(), topic, 0, "offset=2&timeout=5000", JSON);
        assertEquals(408, notJson.status(), notJson.body());
        assertEquals(40801, notJson.errorCode());
        assertTrue(notJson.json().get("message").asText().contains("from offset 3"), notJson.body());
        KrestHttp.Response tooBig = read(a.http(), topic, 0, "offset=2&max_bytes=3&timeout=5000", BINARY);
        assertEquals(413, tooBig.status(), tooBig.body());
    }
}

package io.github.krest.proxy.http;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestCertificates;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Poll answers of many megabytes arrive whole: Helidon 4.4.0's NIO socket writer lost kilobytes of such answers (the
 * client then waited for the rest of the Content-Length while the records' positions had already advanced). A poll
 * gathers several Kafka fetches into one answer, in order (up to RecordFetcher's drain cap of 8 MiB).
 */
class LargeResponsesTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final int RECORDS = 120;
    private static final int VALUE_BYTES = 100_000;
    /** Reader settings under which one Kafka fetch may bring a whole 16 MB topic. */
    private static final Map<String, String> ONE_FETCH = Map.of(
            "consumer.max.partition.fetch.bytes", "33554432",
            "consumer.fetch.max.bytes", "67108864");

    @Test
    void aSixteenMegabytePollArrivesWhole() throws Exception {
        String topic = TestKafka.createTopic("large-responses", 1);
        byte[][] values = fill(topic, RECORDS, VALUE_BYTES);
        // one Kafka fetch may then return every record: a single answer of about 16 MB (base64 and JSON)
        try (TestKrest krest = TestKrest.start(ONE_FETCH)) {
            Drained drained = drainPartitionZero(krest.http(), "large-responses", topic, values);
            assertEquals(RECORDS, drained.received());
            assertTrue(drained.largestBody() > 8 * 1024 * 1024,
                    "an answer of more than 8 MiB was served, largest " + drained.largestBody());
        }
    }

    @Test
    void aLargePollArrivesWholeOnAnHttpListenerAfterAnHttpsOne() throws Exception {
        // the http:// listener must get java.net sockets even when the first listener is https:// (NIO)
        String topic = TestKafka.createTopic("large-responses-second", 1);
        byte[][] values = fill(topic, 60, VALUE_BYTES);
        TestCertificates certs = TestCertificates.create();
        Path store = certs.issue("server", "CN=localhost,O=krest", true);
        try (TestKrest krest = TestKrest.start(Map.of(
                KrestConfig.LISTENERS, "https://127.0.0.1:0,http://127.0.0.1:0",
                KrestConfig.SSL_KEYSTORE_LOCATION, store.toString(),
                KrestConfig.SSL_KEYSTORE_TYPE, "PKCS12",
                KrestConfig.SSL_KEYSTORE_PASSWORD, TestCertificates.PASSWORD,
                KrestConfig.SSL_KEY_PASSWORD, TestCertificates.PASSWORD,
                "consumer.max.partition.fetch.bytes", ONE_FETCH.get("consumer.max.partition.fetch.bytes"),
                "consumer.fetch.max.bytes", ONE_FETCH.get("consumer.fetch.max.bytes")))) {
            Drained drained = drainPartitionZero(new KrestHttp("http://127.0.0.1:" + krest.port(1)), "large-second",
                    topic, values);
            assertEquals(values.length, drained.received());
            assertTrue(drained.largestBody() > 5 * 1024 * 1024,
                    "an answer of more than 5 MiB was served, largest " + drained.largestBody());
        }
    }

    @Test
    void onePollGathersSeveralFetchesInOrder() throws Exception {
        // 7.5 MiB in records of 10 KiB: Kafka's default max.partition.fetch.bytes brings 1 MiB a fetch
        int records = 768;
        int valueBytes = 10 * 1024;
        String topic = TestKafka.createTopic("large-responses-drain", 1);
        byte[][] values = fill(topic, records, valueBytes);
        try (TestKrest krest = TestKrest.start()) {
            KrestHttp http = krest.http();
            assertEquals(200, http.post("/consumers/large-drain", V2,
                    "{\"name\":\"c1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}").status());
            assertEquals(204, http.post("/consumers/large-drain/instances/c1/assignments", V2,
                    "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
            Drained drained = pollAll(http, "/consumers/large-drain/instances/c1/records?timeout=5000"
                    + "&max_bytes=" + 8 * 1024 * 1024, values, 40);
            assertEquals(records, drained.received());
            // several fetches of 1 MiB: more than 4 MiB in one answer (the drain cap is 8 MiB)
            assertTrue(drained.mostRecords() * (long) valueBytes > 4L * 1024 * 1024,
                    "most records in one answer: " + drained.mostRecords());
        }
    }

    /** What {@link #pollAll} read: records, the largest answer's characters, the most records in one answer. */
    private record Drained(int received, int largestBody, int mostRecords) {
    }

    /**
     * Creates binary consumer instance c1 in {@code group}, assigns it partition 0 of {@code topic} and polls it
     * with a {@code max_bytes} of 64 MiB, as {@link #pollAll} does, at most 20 times.
     */
    private static Drained drainPartitionZero(KrestHttp http, String group, String topic, byte[][] values)
            throws Exception {
        assertEquals(200, http.post("/consumers/" + group, V2,
                "{\"name\":\"c1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}").status());
        assertEquals(204, http.post("/consumers/" + group + "/instances/c1/assignments", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
        return pollAll(http, "/consumers/" + group + "/instances/c1/records?timeout=5000&max_bytes=67108864", values,
                20);
    }

    /**
     * Polls {@code path} until every record of {@code values} arrived or {@code maxPolls} polls were made,
     * asserting that each answer is 200 and its records come in offset order, none skipped, each intact.
     */
    private static Drained pollAll(KrestHttp http, String path, byte[][] values, int maxPolls) throws Exception {
        int received = 0;
        int largest = 0;
        int most = 0;
        for (int poll = 0; poll < maxPolls && received < values.length; poll++) {
            KrestHttp.Response r = http.get(path, "Accept", BINARY);
            assertEquals(200, r.status(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
            largest = Math.max(largest, r.body().length());
            JsonNode answer = r.json();
            for (JsonNode record : answer) {
                int offset = record.get("offset").asInt();
                assertEquals(received, offset, "records in order, none skipped");
                assertArrayEquals(values[offset], Base64.getDecoder().decode(record.get("value").asText()),
                        "record " + offset + " intact");
                received++;
            }
            most = Math.max(most, answer.size());
        }
        return new Drained(received, largest, most);
    }

    private static byte[][] fill(String topic, int records, int valueBytes) throws Exception {
        byte[][] values = new byte[records][];
        Random random = new Random(42);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                values[i] = new byte[valueBytes];
                random.nextBytes(values[i]);
                sent.add(producer.send(new ProducerRecord<>(topic, values[i])));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(); // a record that failed fails the fill, not some later assertion
            }
        }
        return values;
    }
}

package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 streaming produce ({@code POST /v3/clusters/{C}/topics/{t}/records}) against a real broker, as a
 * client sees it on the wire (docs/api.md, the v3 produce examples and "Errors"):
 * <ul>
 *   <li>a body of concatenated JSON records (BINARY, JSON, STRING, headers, timestamp, partition) answers one
 *       {@code \r\n}-terminated receipt per record in request order, and Kafka holds exactly what was sent;</li>
 *   <li>receipts arrive while the request is still being sent (full duplex over a raw socket);</li>
 *   <li>{@code Content-Length} bodies, an empty body and {@code {}} work;</li>
 *   <li>per-record errors (400, 422 "Error: 42206", 40402, 40403) keep the stream going;</li>
 *   <li>malformed JSON and a record over {@code api.v3.produce.request.size.limit.max.bytes} end the stream with an
 *       in-stream 400 and close the connection, producing nothing after them;</li>
 *   <li>cluster, media type, charset, Accept and topic errors answer a real HTTP status before the stream;</li>
 *   <li>a body that cannot be read (broken chunk framing, client half-close mid-record) ends the stream with an
 *       in-stream 400 and closes the connection instead of hanging;</li>
 *   <li>after {@code streaming.connection.max.duration.ms} records get an in-stream 408, and once the grace period
 *       has passed the server ends the stream even when the client has gone quiet;</li>
 *   <li>{@code Expect: 100-continue} is answered, and thousands of receipts keep request order.</li>
 * </ul>
 */
class V3ProduceStreamTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private static TestKrest krest;
    private static TestKrest limited;
    private static TestKrest shortLived;
    private static TestKrest shortGrace;
    private static TestKrest smallProducerRequests;
    private static String clusterId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        krest = TestKrest.start();
        limited = TestKrest.start(Map.of("api.v3.produce.request.size.limit.max.bytes", "1024"));
        shortLived = TestKrest.start(Map.of("streaming.connection.max.duration.ms", "1000",
                "streaming.connection.max.duration.grace.period.ms", "60000"));
        shortGrace = TestKrest.start(Map.of("streaming.connection.max.duration.ms", "1000",
                "streaming.connection.max.duration.grace.period.ms", "1000"));
        smallProducerRequests = TestKrest.start(Map.of("producer.max.request.size", "2048"));
    }

    @AfterAll
    static void stop() {
        for (TestKrest k : new TestKrest[] {krest, limited, shortLived, shortGrace, smallProducerRequests}) {
            if (k != null) {
                k.close();
            }
        }
    }

    /** A new topic; retention.ms=-1 since records stamped in 2021 would go at the broker's next retention check. */
    private static String topic(int partitions) {
        return TestKafka.createTopic("v3-stream-" + TOPICS.incrementAndGet() + "-" + System.nanoTime(), partitions,
                Map.of("retention.ms", "-1"));
    }

    private static String path(String topic) {
        return "/v3/clusters/" + clusterId + "/topics/" + topic + "/records";
    }

    private static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String stringRecord(String value) {
        return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
    }

    /** Splits a streaming response body into its receipts, checking that each ends with CRLF. */
    private static List<JsonNode> receipts(String body) {
        assertTrue(body.isEmpty() || body.endsWith("\r\n"), () -> "receipts end with CRLF: " + body);
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\r\n", -1)) {
            if (!line.isEmpty()) {
                assertFalse(line.contains("\n"), () -> "one receipt per line: " + body);
                out.add(KrestHttp.json(line));
            }
        }
        return out;
    }

    private static KrestHttp.Response postChunked(TestKrest server, String path, String body) {
        byte[] bytes = utf8(body);
        return server.http().send(HttpRequest.newBuilder(URI.create(server.http().base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
    }

    private static void assertSuccess(JsonNode receipt, String topic, int partition, long offset) {
        assertEquals(200, receipt.get("error_code").asInt(), receipt::toString);
        assertEquals(clusterId, receipt.get("cluster_id").asText(), receipt::toString);
        assertEquals(topic, receipt.get("topic_name").asText(), receipt::toString);
        assertEquals(partition, receipt.get("partition_id").asInt(), receipt::toString);
        assertEquals(offset, receipt.get("offset").asLong(), receipt::toString);
        Instant.parse(receipt.get("timestamp").asText());
        assertFalse(receipt.has("message"), receipt::toString);
    }

    private static void assertError(JsonNode receipt, int code, String messagePrefix) {
        assertEquals(code, receipt.get("error_code").asInt(), receipt::toString);
        assertTrue(receipt.get("message").asText().startsWith(messagePrefix), receipt::toString);
        assertFalse(receipt.has("offset"), receipt::toString);
    }

    private static long recordCount(String topic) throws Exception {
        var partitions = TestKafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long total = 0;
        for (var info : TestKafka.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS).values()) {
            total += info.offset();
        }
        return total;
    }

    private static List<String[]> headers(ConsumerRecord<byte[], byte[]> record) {
        List<String[]> out = new ArrayList<>();
        for (Header h : record.headers()) {
            out.add(new String[] {h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)});
        }
        return out;
    }

    @Test
    void concatenatedRecordsRoundTrip() {
        String topic = topic(3);
        byte[] binaryValue = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        String r1 = """
                {"partition_id": 0, "key": {"type": "BINARY", "data": "%s"},
                 "value": {"type": "JSON", "data": { "a" : [1, 2.5, "x"], "b" : {"c": null} }},
                 "headers": [{"name": "h1", "value": "%s"}, {"name": "h1", "value": "%s"},
                             {"name": "empty", "value": null}, {"name": "absent"}],
                 "timestamp": "2021-02-05T19:14:42.123Z"}""".formatted(b64("k1"), b64("v1"), b64("v2"));
        String r2 = """
                {"partition_id": 1, "key": {"type": "STRING", "data": "käse"},
                 "value": {"type": "STRING", "data": "hello €"}, "timestamp": "2021-02-05T20:14:42+01:00"}""";
        String r3 = """
                {"partition_id": 2, "key": {"type": "JSON", "data": 42},
                 "value": {"type": "BINARY", "data": "%s"}, "timestamp": "2022-01-01T00:00:00Z"}"""
                .formatted(B64.encodeToString(binaryValue));
        KrestHttp.Response r = postChunked(krest, path(topic), r1 + " " + r2 + "\n" + r3);

        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(3, receipts.size(), r.body());

        assertSuccess(receipts.get(0), topic, 0, 0);
        assertEquals("2021-02-05T19:14:42.123Z", receipts.get(0).get("timestamp").asText());
        assertEquals(KrestHttp.json("{\"type\":\"BINARY\",\"size\":2}"), receipts.get(0).get("key"));
        String compact = "{\"a\":[1,2.5,\"x\"],\"b\":{\"c\":null}}";
        assertEquals(KrestHttp.json("{\"type\":\"JSON\",\"size\":" + utf8(compact).length + "}"),
                receipts.get(0).get("value"));

        assertSuccess(receipts.get(1), topic, 1, 0);
        assertEquals("2021-02-05T19:14:42Z", receipts.get(1).get("timestamp").asText());
        assertEquals(KrestHttp.json("{\"type\":\"STRING\",\"size\":" + utf8("käse").length + "}"),
                receipts.get(1).get("key"));
        assertEquals(KrestHttp.json("{\"type\":\"STRING\",\"size\":" + utf8("hello €").length + "}"),
                receipts.get(1).get("value"));

        assertSuccess(receipts.get(2), topic, 2, 0);
        assertEquals("2022-01-01T00:00:00Z", receipts.get(2).get("timestamp").asText());
        assertEquals(KrestHttp.json("{\"type\":\"JSON\",\"size\":2}"), receipts.get(2).get("key"));
        assertEquals(KrestHttp.json("{\"type\":\"BINARY\",\"size\":5}"), receipts.get(2).get("value"));

        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 3);
        assertEquals(3, records.size());
        ConsumerRecord<byte[], byte[]> c1 = records.get(0);
        assertEquals(0, c1.partition());
        assertArrayEquals(utf8("k1"), c1.key());
        assertEquals(compact, new String(c1.value(), StandardCharsets.UTF_8));
        assertEquals(Instant.parse("2021-02-05T19:14:42.123Z").toEpochMilli(), c1.timestamp());
        List<String[]> h = headers(c1);
        assertEquals(4, h.size());
        assertArrayEquals(new String[] {"h1", "v1"}, h.get(0));
        assertArrayEquals(new String[] {"h1", "v2"}, h.get(1));
        assertArrayEquals(new String[] {"empty", null}, h.get(2));
        assertArrayEquals(new String[] {"absent", null}, h.get(3));

        ConsumerRecord<byte[], byte[]> c2 = records.get(1);
        assertEquals(1, c2.partition());
        assertArrayEquals(utf8("käse"), c2.key());
        assertArrayEquals(utf8("hello €"), c2.value());
        assertEquals(Instant.parse("2021-02-05T19:14:42Z").toEpochMilli(), c2.timestamp());
        assertEquals(0, c2.headers().toArray().length);

        ConsumerRecord<byte[], byte[]> c3 = records.get(2);
        assertEquals(2, c3.partition());
        assertArrayEquals(utf8("42"), c3.key());
        assertArrayEquals(binaryValue, c3.value());
        assertEquals(Instant.parse("2022-01-01T00:00:00Z").toEpochMilli(), c3.timestamp());
    }

    @Test
    void fullDuplex() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(krest, path(topic), "application/json")) {
            raw.chunk(stringRecord("one") + "\n");
            raw.readHead();
            assertEquals(200, raw.status);
            assertEquals("chunked", raw.headers.get("transfer-encoding"));
            assertTrue(raw.headers.get("content-type").startsWith("application/json"));
            // the first receipt arrives while the request body is still open
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);

            raw.chunk(stringRecord("two"));
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 1);
            raw.endBody();
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating 0\\r\\n\\r\\n chunk");
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 2);
        assertEquals(List.of("one", "two"), records.stream()
                .map(c -> new String(c.value(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void connectionIsReusableAfterAStream() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(krest, path(topic), "application/json")) {
            raw.chunk(stringRecord("a"));
            raw.endBody();
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            assertEquals("", raw.readToEnd());
            // a second request on the same connection
            raw.writeHead(path(topic), "application/json");
            raw.chunk(stringRecord("b"));
            raw.endBody();
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 1);
            assertEquals("", raw.readToEnd());
        }
    }

    @Test
    void expectContinueIsAnswered() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(krest, path(topic), "application/json", "Expect: 100-continue")) {
            raw.readHead();
            assertEquals(100, raw.status);
            raw.chunk(stringRecord("after-continue"));
            raw.endBody();
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            assertEquals("", raw.readToEnd());
        }
    }

    @Test
    void manyRecordsKeepRequestOrder() {
        String topic = topic(1);
        StringBuilder body = new StringBuilder();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            body.append(i % 7 == 3 ? "{\"value\":{\"type\":\"BINARY\",\"data\":\"!\"}}" : stringRecord("r" + i))
                    .append(i % 2 == 0 ? "\n" : "");
        }
        KrestHttp.Response r = postChunked(krest, path(topic), body.toString());
        assertEquals(200, r.status());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(n, receipts.size());
        long offset = 0;
        for (int i = 0; i < n; i++) {
            if (i % 7 == 3) {
                assertError(receipts.get(i), 400, "Bad Request: ");
            } else {
                assertSuccess(receipts.get(i), topic, 0, offset++);
            }
        }
    }

    @Test
    void contentLengthBody() {
        String topic = topic(1);
        KrestHttp.Response r = krest.http().post(path(topic), "application/json",
                stringRecord("a") + stringRecord("b") + "\r\n" + stringRecord("c") + "\n");
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(3, receipts.size(), r.body());
        for (int i = 0; i < 3; i++) {
            assertSuccess(receipts.get(i), topic, 0, i);
            assertEquals(KrestHttp.json("{\"type\":\"STRING\",\"size\":1}"), receipts.get(i).get("value"));
            assertFalse(receipts.get(i).has("key"));
        }
        assertEquals(List.of("a", "b", "c"), TestKafka.readAll(topic, 3).stream()
                .map(c -> new String(c.value(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void emptyBodyIsEmpty200() {
        String topic = topic(1);
        KrestHttp.Response r = krest.http().post(path(topic), "application/json", "");
        assertEquals(200, r.status(), r.body());
        assertEquals("", r.body());

        KrestHttp.Response chunked = postChunked(krest, path(topic), "");
        assertEquals(200, chunked.status(), chunked.body());
        assertEquals("", chunked.body());

        KrestHttp.Response blank = postChunked(krest, path(topic), " \r\n ");
        assertEquals(200, blank.status(), blank.body());
        assertEquals("", blank.body());
    }

    @Test
    void emptyObjectProducesNullKeyAndValue() {
        String topic = topic(1);
        KrestHttp.Response r = krest.http().post(path(topic), "application/json", "{}");
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(1, receipts.size());
        assertSuccess(receipts.get(0), topic, 0, 0);
        assertFalse(receipts.get(0).has("key"), r.body());
        assertFalse(receipts.get(0).has("value"), r.body());
        ConsumerRecord<byte[], byte[]> record = TestKafka.readAll(topic, 1).getFirst();
        assertNull(record.key());
        assertNull(record.value());
        assertEquals(0, record.headers().toArray().length);
    }

    @Test
    void perRecordErrorsKeepTheStreamGoing() throws Exception {
        String topic = topic(2);
        String body = """
                {"partition_id": 0, "value": {"type": "STRING", "data": "first"}}
                {"value": {"type": "BINARY", "data": "not base64!!"}}
                {"key": {"type": "AVRO", "data": {"f": 1}}}
                {"value": {"data": "no type"}}
                {"partition_id": -1, "value": {"type": "STRING", "data": "x"}}
                {"partition_id": 2, "value": {"type": "STRING", "data": "x"}}
                {"headers": [{"name": "h", "value": "%%%"}]}
                {"value": {"type": "STRING", "data": 12}}
                {"timestamp": "yesterday"}
                {"partition_id": 1, "value": {"type": "STRING", "data": "last"}}""";
        KrestHttp.Response r = postChunked(krest, path(topic), body);
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(10, receipts.size(), r.body());
        assertSuccess(receipts.get(0), topic, 0, 0);
        assertError(receipts.get(1), 400, "Bad Request: ");
        assertTrue(receipts.get(1).get("message").asText().contains("base64"), r.body());
        assertError(receipts.get(2), 422, "Error: 42206");
        assertError(receipts.get(3), 422, "Error: 42206");
        assertError(receipts.get(4), 40402, "");
        assertError(receipts.get(5), 40403, "");
        assertError(receipts.get(6), 400, "Bad Request: ");
        assertError(receipts.get(7), 400, "Bad Request: ");
        assertError(receipts.get(8), 400, "Bad Request: ");
        assertSuccess(receipts.get(9), topic, 1, 0);
        assertEquals(2, recordCount(topic));
    }

    @Test
    void recordTheProducerRefusesGetsItsErrorInOrderAndTheStreamGoesOn() throws Exception {
        // the producer fails the send (RecordTooLargeException through its callback): the receipt is rendered
        // from the failed future when the writer reaches it
        String topic = topic(1);
        KrestHttp.Response r = postChunked(smallProducerRequests, path(topic), stringRecord("first")
                + stringRecord("x".repeat(3000)) + stringRecord("last"));
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(3, receipts.size(), r.body());
        assertSuccess(receipts.get(0), topic, 0, 0);
        assertError(receipts.get(1), 413, "");
        assertSuccess(receipts.get(2), topic, 0, 1);
        assertEquals(2, recordCount(topic));
    }

    @Test
    void malformedJsonEndsTheStreamAndClosesTheConnection() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(krest, path(topic), "application/json")) {
            raw.chunk(stringRecord("good1") + " " + stringRecord("good2") + "\n{\"value\": ]\n");
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 1);
            assertError(KrestHttp.json(raw.receipt()), 400, "Bad Request: ");
            // the client has not finished its body, yet the server ends the response and the connection
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating chunk");
            assertTrue(raw.eofWithin(5000), "connection closed");
        }
        assertEquals(2, recordCount(topic));
    }

    @Test
    void brokenChunkedFramingEndsTheStream() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(krest, path(topic), "application/json")) {
            raw.chunk(stringRecord("good"));
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            raw.raw("zz\r\nnot a chunk\r\n");
            assertError(KrestHttp.json(raw.receipt()), 400, "Bad Request: ");
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating chunk");
            assertTrue(raw.eofWithin(5000), "connection closed");
        }
        assertEquals(1, recordCount(topic));
    }

    @Test
    void clientHalfCloseMidBodyEndsTheStream() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(krest, path(topic), "application/json")) {
            raw.chunk(stringRecord("good"));
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            raw.raw("20\r\n{\"value\":");
            raw.shutdownOutput();
            assertError(KrestHttp.json(raw.receipt()), 400, "Bad Request: ");
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating chunk");
            assertTrue(raw.eofWithin(5000), "connection closed");
        }
        assertEquals(1, recordCount(topic));
    }

    @Test
    void nonObjectRecordEndsTheStream() throws Exception {
        String topic = topic(1);
        KrestHttp.Response r = postChunked(krest, path(topic), stringRecord("ok") + " [1, 2] " + stringRecord("x"));
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(2, receipts.size(), r.body());
        assertSuccess(receipts.get(0), topic, 0, 0);
        assertError(receipts.get(1), 400, "Bad Request: ");
        assertEquals(1, recordCount(topic));
    }

    @Test
    void oversizedRecordEndsTheStreamAndClosesTheConnection() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(limited, path(topic), "application/json")) {
            raw.chunk(stringRecord("small") + "\n");
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            raw.chunk(stringRecord("x".repeat(2000)) + "\n" + stringRecord("after"));
            JsonNode error = KrestHttp.json(raw.receipt());
            assertError(error, 400, "Bad Request: ");
            assertTrue(error.get("message").asText().contains("Produce request size is larger than allowed threshold"),
                    error::toString);
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating chunk");
            assertTrue(raw.eofWithin(5000), "connection closed");
        }
        assertEquals(1, recordCount(topic));
    }

    @Test
    void oversizedRecordWithManySmallTokensEndsTheStream() throws Exception {
        String topic = topic(1);
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            headers.append(i == 0 ? "" : ",").append("{\"name\":\"h").append(i).append("\",\"value\":null}");
        }
        KrestHttp.Response r = postChunked(limited, path(topic),
                stringRecord("small") + "{\"headers\":[" + headers + "]}" + stringRecord("after"));
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(2, receipts.size(), r.body());
        assertSuccess(receipts.get(0), topic, 0, 0);
        assertError(receipts.get(1), 400, "Bad Request: Produce request size is larger than allowed threshold");
        assertEquals(1, recordCount(topic));
    }

    @Test
    void recordNestedDeeperThanTheParserAllowsEndsTheStream() throws Exception {
        // Jackson's default nesting limit is 1,000; the tree is built straight from the parser, which enforces it
        String topic = topic(1);
        String deep = "[".repeat(1500) + "]".repeat(1500);
        KrestHttp.Response r = postChunked(krest, path(topic), stringRecord("small")
                + "{\"value\":{\"type\":\"JSON\",\"data\":" + deep + "}}" + stringRecord("after"));
        assertEquals(200, r.status(), r.body());
        List<JsonNode> receipts = receipts(r.body());
        assertEquals(2, receipts.size(), r.body());
        assertSuccess(receipts.get(0), topic, 0, 0);
        assertError(receipts.get(1), 400, "Bad Request: ");
        assertEquals(1, recordCount(topic));
    }

    @Test
    void errorsBeforeTheStream() {
        String topic = topic(1);
        String body = stringRecord("x");

        KrestHttp.Response cluster = krest.http().post("/v3/clusters/nope/topics/" + topic + "/records",
                "application/json", body);
        assertEquals(404, cluster.status(), cluster.body());
        assertEquals(KrestHttp.json("{\"error_code\":404,\"message\":\"Cluster nope cannot be found.\"}"),
                cluster.json());

        KrestHttp.Response media = krest.http().post(path(topic), "text/plain", body);
        assertEquals(415, media.status(), media.body());
        assertTrue(media.contentType().startsWith("application/json"), media.contentType());
        assertEquals(415, media.errorCode());

        KrestHttp.Response charset = krest.http().post(path(topic), "application/json; charset=UTF-16", body);
        assertEquals(400, charset.status(), charset.body());
        assertEquals(400, charset.errorCode());

        KrestHttp.Response latin1 = krest.http().post(path(topic), "application/json; charset=ISO-8859-1",
                body.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(200, latin1.status(), latin1.body());
        assertEquals(200, receipts(latin1.body()).getFirst().get("error_code").asInt(), latin1.body());

        KrestHttp.Response accept = krest.http().post(path(topic), "application/json", body, "Accept", "text/html");
        assertEquals(406, accept.status(), accept.body());
        assertTrue(accept.contentType().startsWith("application/json"), accept.contentType());
        assertEquals(406, accept.errorCode());

        KrestHttp.Response missing = krest.http().post(path("v3-stream-missing-" + System.nanoTime()),
                "application/json", body);
        assertEquals(404, missing.status(), missing.body());
        assertEquals(40401, missing.errorCode());

        KrestHttp.Response invalid = krest.http().post(path("bad%20topic%21"), "application/json", body);
        assertEquals(400, invalid.status(), invalid.body());
        assertEquals(40002, invalid.errorCode());
    }

    @Test
    void recordsAfterMaxDurationGet408() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(shortLived, path(topic), "application/json")) {
            raw.chunk(stringRecord("early"));
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            Thread.sleep(1500);
            raw.chunk(stringRecord("late1") + stringRecord("late2"));
            for (int i = 0; i < 2; i++) {
                JsonNode late = KrestHttp.json(raw.receipt());
                assertEquals(KrestHttp.json("{\"error_code\":408,\"message\":\"Streaming connection open for longer "
                        + "than allowed: Connection will be closed.\"}"), late);
            }
            raw.endBody();
            assertEquals("", raw.readToEnd());
        }
        assertEquals(1, recordCount(topic));
    }

    @Test
    void streamEndsAfterTheGracePeriodWhenTheClientGoesQuiet() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(shortGrace, path(topic), "application/json")) {
            raw.chunk(stringRecord("early"));
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            Thread.sleep(1300);
            raw.chunk(stringRecord("late"));
            assertEquals(408, KrestHttp.json(raw.receipt()).get("error_code").asInt());
            // the client neither sends more nor ends its body: the server still ends the exchange
            raw.timeout(10_000);
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating chunk");
            assertTrue(raw.eofWithin(5000), "connection closed");
        }
        assertEquals(1, recordCount(topic));
    }

    @Test
    void idleStreamEndsAfterMaxDurationAndGrace() throws Exception {
        String topic = topic(1);
        try (RawStream raw = RawStream.open(shortGrace, path(topic), "application/json")) {
            raw.chunk(stringRecord("only"));
            raw.readHead();
            assertEquals(200, raw.status);
            assertSuccess(KrestHttp.json(raw.receipt()), topic, 0, 0);
            long start = System.nanoTime();
            raw.timeout(10_000);
            assertEquals("", raw.readToEnd());
            assertTrue(raw.terminated, "terminating chunk");
            assertTrue(raw.eofWithin(5000), "connection closed");
            assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(1000), "not before the grace period");
        }
        assertEquals(1, recordCount(topic));
    }

    /**
     * A hand-written HTTP/1.1 exchange over a raw socket: a chunked request body sent piece by piece, and the
     * response read as it arrives (chunked or Content-Length framing).
     */
    private static final class RawStream implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int status;
        Map<String, String> headers = new HashMap<>();
        boolean terminated;
        private long remaining;
        private boolean chunked;

        private RawStream(Socket socket, String host) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.host = host;
            socket.setSoTimeout(30_000);
        }

        static RawStream open(TestKrest server, String path, String contentType, String... extraHeaders)
                throws IOException {
            RawStream raw = new RawStream(new Socket(InetAddress.getLoopbackAddress(), server.port()),
                    "127.0.0.1:" + server.port());
            raw.writeHead(path, contentType, extraHeaders);
            return raw;
        }

        void writeHead(String path, String contentType, String... extraHeaders) throws IOException {
            status = 0;
            headers = new HashMap<>();
            terminated = false;
            pending.reset();
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n");
            for (String h : extraHeaders) {
                head.append(h).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void chunk(String data) throws IOException {
            byte[] bytes = utf8(data);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void raw(String data) throws IOException {
            out.write(utf8(data));
            out.flush();
        }

        void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        void endBody() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed mid-line: " + b);
                }
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.US_ASCII);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
        }

        void readHead() throws IOException {
            headers = new HashMap<>();
            String statusLine = line();
            status = Integer.parseInt(statusLine.split(" ", -1)[1]);
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
            terminated = false;
            remaining = chunked ? 0 : Long.parseLong(headers.getOrDefault("content-length", "0"));
            if (!chunked && remaining == 0) {
                terminated = true;
            }
        }

        /** Reads more body bytes into {@code pending}; false at the end of the response body. */
        private boolean fill() throws IOException {
            if (terminated) {
                return false;
            }
            if (!chunked) {
                byte[] b = in.readNBytes((int) remaining);
                pending.write(b);
                remaining -= b.length;
                terminated = true;
                return b.length > 0;
            }
            String sizeLine = line();
            int size = Integer.parseInt(sizeLine.split(";", -1)[0].trim(), 16);
            if (size == 0) {
                assertEquals("", line(), "no trailers after the terminating chunk");
                terminated = true;
                return false;
            }
            byte[] data = in.readNBytes(size);
            assertEquals(size, data.length, "chunk data");
            pending.write(data);
            assertEquals("", line(), "CRLF after chunk data");
            return true;
        }

        /** The next receipt, without its CRLF. */
        String receipt() throws IOException {
            while (true) {
                byte[] bytes = pending.toByteArray();
                for (int i = 0; i + 1 < bytes.length; i++) {
                    if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                        pending.reset();
                        pending.write(bytes, i + 2, bytes.length - i - 2);
                        return new String(bytes, 0, i, StandardCharsets.UTF_8);
                    }
                }
                if (!fill()) {
                    throw new AssertionError("response ended without another receipt; rest: "
                            + new String(bytes, StandardCharsets.UTF_8));
                }
            }
        }

        /** Reads the rest of the response body; returns what was not read as receipts. */
        String readToEnd() throws IOException {
            while (fill()) {
                // keep reading
            }
            String rest = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            return rest;
        }

        boolean eofWithin(long millis) throws IOException {
            socket.setSoTimeout((int) millis);
            try {
                byte[] buf = new byte[256];
                int n = in.read(buf);
                if (n > 0) {
                    throw new AssertionError("unexpected bytes after the response: "
                            + new String(Arrays.copyOf(buf, n), StandardCharsets.UTF_8));
                }
                return n < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (java.net.SocketException e) {
                return true; // reset by the server counts as closed
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
